import Backprop
import CommandLineOptions
import Foundation
import Testing

@testable import EngineBench

@Suite struct EngineBenchTests {
    @Test func subprocessCapturesBothStreamsAndTheStatus() throws {
        let outcome = try #require(Subprocess.run("sh", ["-c", "echo seconds=1.25; echo TIME 0.5 >&2; exit 3"], environment: ["PATH=/usr/bin:/bin"]))
        #expect(outcome.status == 3)
        #expect(Subprocess.number(after: "seconds=", in: outcome.output) == 1.25)
        #expect(Subprocess.number(after: "TIME ", in: outcome.output) == 0.5)
        #expect(Subprocess.number(after: "missing=", in: outcome.output) == nil)
        #expect(Subprocess.run("no-such-program-backpropd", [], environment: []) == nil)
    }

    @Test func reportTakesMediansAndRatios() {
        var samples = BenchSamples()
        for seconds in [0.05, 0.04, 0.06] { samples.record("(a)", "engine", seconds) }
        for seconds in [0.03, 0.02] { samples.record("(a)", "engine threads", seconds) }
        samples.record("(a)", "C", 0.1)
        samples.record("(a)", "C reordered", nil)
        samples.record("(a)", "numpy", 10)
        samples.record("(a)", "JAX vmap", 0.2)
        samples.record("(a)", "JAX loop", 0.1)
        samples.record("(a)", "variant avx512×8 trials", 0.02)
        #expect(samples.median("(a)", "engine") == 0.05 && samples.median("(a)", "engine threads") == 0.025)
        #expect(samples.median("(a)", "C reordered") == nil)
        let sweep = EngineWorkload.sweep(hidden: 4)
        let report = BenchReport(samples: samples, cases: [sweep], threads: 2, variantLabels: [(sweep, ["avx512×8 trials"])]).text
        #expect(
            report.contains(
                "| (a) sweep, hidden 4 | 0.0500 s | 0.0250 s | 0.1000 s | – | 0.1000 s (loop) | 10.0000 s | 0.500× | 0.250× | 0.500× | 0.005× |"))
        #expect(report.contains("| (a) vmap | 0.2000 s |"))
        #expect(report.contains("| (a) avx512×8 trials | 0.0200 s | 0.400× |"))
    }

    @Test func scaleWorkloadIsNumpyScalesData() {
        let scale = EngineWorkload.scale
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
        try fileManager.createDirectory(atPath: base + "/checkout/Benchmarks/EngineBench", withIntermediateDirectories: true)
        let sharedBench = base + "/shared" + "/bench"  // the layout of a machine: checkout and ../shared side by side
        try fileManager.createDirectory(atPath: sharedBench, withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: base + "/checkout/Package.swift"))
        for start in ["/checkout", "/checkout/Benchmarks/EngineBench", "/checkout/.build/x86_64-unknown-linux-gnu/release"] {
            #expect(RepositoryPaths.root(above: [base + start]) == base + "/checkout", "\(start)")
        }
        #expect(RepositoryPaths.root(above: [sharedBench]) == nil)
        let root = RepositoryPaths.root(above: [base + "/checkout/Benchmarks"])
        let found = try #require(RepositoryPaths.shared("bench", root: root))
        #expect(URL(fileURLWithPath: found).standardizedFileURL.path == URL(fileURLWithPath: sharedBench).resolvingSymlinksInPath().path)
        #expect(RepositoryPaths.shared("missing", root: root) == nil)
        #expect(EngineBenchCommand.help.contains("../shared/bench beside the repository root"))
    }

    @Test func badOptionsAreUsageErrors() {
        #expect(throws: UsageError("--rounds must be a whole number from 1 to 1000, not '0'")) {
            try EngineBenchCommand(arguments: ["--rounds", "0", "--numpy-rounds", "0"])
        }
        #expect(throws: UsageError("--shared: no numpy_sweep.py in '/nonexistent'")) {
            try EngineBenchCommand(arguments: ["--shared", "/nonexistent"])
        }
        #expect(throws: UsageError("--cases: a comma-separated list of a, b and c")) {
            try EngineBenchCommand(arguments: ["--cases", "a,d", "--numpy-rounds", "0"])
        }
        #expect(throws: UsageError("unknown option '--fast'")) { try EngineBenchCommand(arguments: ["--fast"]) }
        #expect(throws: UsageError("--rounds needs a value")) { try EngineBenchCommand(arguments: ["--rounds"]) }
        #expect(throws: UsageError("--rounds given twice")) { try EngineBenchCommand(arguments: ["--rounds=2", "--rounds", "3"]) }
        #expect(throws: UsageError("unexpected argument 'bench'")) { try EngineBenchCommand(arguments: ["bench"]) }
    }

    @Test func optionsTakeBothSpellingsAndFlags() throws {
        let bench = try EngineBenchCommand(arguments: ["--rounds=3", "--threads", "2", "--cases", "c, a", "--no-jax", "--numpy-rounds", "0"])
        #expect(bench.rounds == 3 && bench.threads == 2 && bench.numpyRounds == 0)
        #expect(bench.cases.map(\.name) == ["(a)", "(c)"])
        #expect(!bench.jax && bench.variants)
    }
}
