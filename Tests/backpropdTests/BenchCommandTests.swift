import Foundation
import Testing
@testable import backpropd

@Suite struct BenchCommandTests {
    @Test func subprocessCapturesBothStreamsAndTheStatus() throws {
        let outcome = try #require(Subprocess.run("sh", ["-c", "echo seconds=1.25; echo TIME 0.5 >&2; exit 3"], environment: ["PATH=/usr/bin:/bin"]))
        #expect(outcome.status == 3)
        #expect(Subprocess.number(after: "seconds=", in: outcome.output) == 1.25)
        #expect(Subprocess.number(after: "TIME ", in: outcome.output) == 0.5)
        #expect(Subprocess.number(after: "missing=", in: outcome.output) == nil)
        #expect(Subprocess.run("no-such-program-backpropd", [], environment: []) == nil)
    }

    @Test func reportTakesMediansAndRatios() {
        #expect(BenchReport.median([3, 1, 2]) == 2)
        #expect(BenchReport.median([4, 1, 3, 2]) == 2.5)
        #expect(BenchReport.median([]) == nil)
        let report = BenchReport(samples: ["engine (a)": [0.05, 0.04, 0.06], "C (a)": [0.1], "numpy (a)": [10],
                                           "4-trial batch, hidden 4, avx512×8": [0.02]])
        #expect(report.text.contains("| (a) sweep, hidden 4 | 0.0500 s | 10.0000 s | 0.1000 s | – | 0.005× | 0.500× | – |"))
        #expect(report.text.contains("| 4-trial batch, hidden 4, avx512×8 | 0.0200 s | 0.400× |"))
    }

    @Test func scaleWorkloadIsNumpyScalesData() {
        let scale = Workload.scale
        #expect(scale.dataset.inputs.rows == 256 && scale.dataset.inputs.columns == 16)
        #expect(scale.dataset.inputs.rowArrays.allSatisfy { $0.last == 1 })
        let bits = scale.dataset.inputs.rowArrays[0]
        #expect(scale.dataset.targets[0, 0] == Double(Int(bits[0]) ^ Int(bits[1]) ^ Int(bits[2])))
    }

    /// No machine path (issue 11): ../shared and the C loop are found beside the checkout's root,
    /// from wherever in it the command runs or the binary was built.
    @Test func sharedFolderIsFoundBesideTheRepositoryRoot() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("repository-paths-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: base + "/checkout/.build/x86_64-unknown-linux-gnu/release", withIntermediateDirectories: true)
        try fileManager.createDirectory(atPath: base + "/checkout/Sources/backpropd", withIntermediateDirectories: true)
        let sharedBench = base + "/shared" + "/bench"   // the layout of a machine: checkout and ../shared side by side
        try fileManager.createDirectory(atPath: sharedBench, withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: base + "/checkout/Package.swift"))
        for start in ["/checkout", "/checkout/Sources/backpropd", "/checkout/.build/x86_64-unknown-linux-gnu/release"] {
            #expect(RepositoryPaths.root(above: [base + start]) == base + "/checkout", "\(start)")
        }
        #expect(RepositoryPaths.root(above: [sharedBench]) == nil)
        let root = RepositoryPaths.root(above: [base + "/checkout/Sources"])
        let found = try #require(RepositoryPaths.shared("bench", root: root))
        #expect(URL(fileURLWithPath: found).standardizedFileURL.path == URL(fileURLWithPath: sharedBench).resolvingSymlinksInPath().path)
        #expect(RepositoryPaths.shared("missing", root: root) == nil)
        #expect(BenchCommand.help.contains("../shared/bench beside the repository root"))
    }

    @Test func badOptionsAreUsageErrors() {
        #expect(throws: UsageError("--rounds must be a whole number from 1 to 1000, not '0'")) {
            try BenchCommand(arguments: ["--rounds", "0", "--numpy-rounds", "0"])
        }
        #expect(throws: UsageError("--shared: no numpy_sweep.py in '/nonexistent'")) {
            try BenchCommand(arguments: ["--shared", "/nonexistent"])
        }
    }
}
