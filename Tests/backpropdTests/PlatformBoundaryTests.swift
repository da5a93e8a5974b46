import Foundation
import Testing

/// The design card's platform rules, checked on the product's sources (issue 12): no C target
/// and no event loop or thread pool of our own; calls that exist on one platform only live in
/// `+Glibc`/`+Darwin` files; every `import Glibc`/`Darwin` sits under its `#if canImport(…)`;
/// Foundation is imported only as the fallback for FoundationEssentials.
@Suite struct PlatformBoundaryTests {
    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    /// Written only in the platform files (names of Linux's or Darwin's C library alone).
    static let platformOnly: Set<String> = [
        "accept4", "MSG_NOSIGNAL", "SO_NOSIGPIPE", "SOCK_CLOEXEC", "SOCK_NONBLOCK", "__rlimit_resource_t",
        "__priority_which_t", "environ", "SCHED_BATCH", "sysctlbyname", "sched_setaffinity",
    ]
    /// Written nowhere: the I/O loop and thread pool the design card replaces with Dispatch.
    static let forbidden: Set<String> = ["epoll_create1", "epoll_ctl", "epoll_wait", "eventfd", "pthread_create", "CLinux", "CPUFeatures"]

    struct SourceFile {
        let path: String
        let lines: [String]
        var isPlatformFile: Bool { path.hasSuffix("+Glibc.swift") || path.hasSuffix("+Darwin.swift") }
    }

    static func files() throws -> [SourceFile] {
        let enumerator = try #require(FileManager.default.enumerator(atPath: sources.path))
        var files: [SourceFile] = []
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: sources.appendingPathComponent(relative).path, encoding: .utf8)
            files.append(SourceFile(path: relative, lines: text.components(separatedBy: "\n")))
        }
        return files
    }

    /// The identifiers of a line's code (what precedes `//`).
    static func identifiers(_ line: String) -> [String] {
        let code = line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? line
        return code.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init)
    }

    @Test func sourcesHaveNoCTarget() throws {
        let enumerator = try #require(FileManager.default.enumerator(atPath: Self.sources.path))
        var foreign: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if [".c", ".h", ".cpp", ".cc", ".m", ".s", ".S"].contains(where: name.hasSuffix) || name == "module.modulemap" {
                foreign.append(relative)
            }
        }
        #expect(foreign.isEmpty, "C sources in Sources: \(foreign)")
        #expect(try Self.files().count > 50, "the walk found the product's sources")
    }

    @Test func noEventLoopOrThreadPoolOfOurOwn() throws {
        var found: [String] = []
        for file in try Self.files() {
            for (number, line) in file.lines.enumerated() where !Self.forbidden.isDisjoint(with: Self.identifiers(line)) {
                found.append("\(file.path):\(number + 1): \(line)")
            }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    @Test func platformOnlyCallsLiveInPlatformFiles() throws {
        var found: [String] = []
        for file in try Self.files() where !file.isPlatformFile {
            for (number, line) in file.lines.enumerated() where !Self.platformOnly.isDisjoint(with: Self.identifiers(line)) {
                found.append("\(file.path):\(number + 1): \(line)")
            }
        }
        #expect(found.isEmpty, "outside +Glibc/+Darwin files:\n\(found.joined(separator: "\n"))")
    }

    @Test func platformModulesAreImportedUnderTheirCondition() throws {
        var found: [String] = []
        for file in try Self.files() {
            for (number, problem) in Self.importProblems(file.lines) { found.append("\(file.path):\(number): \(problem)") }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    /// Tracks `#if`/`#elseif`/`#else`/`#endif` and checks each platform import against the
    /// innermost condition: `import Glibc` under `canImport(Glibc)`, `import Darwin` under
    /// `canImport(Darwin)`, `import Foundation` in the `#else` of `canImport(FoundationEssentials)`.
    static func importProblems(_ lines: [String]) -> [(Int, String)] {
        var conditions: [String] = []  // innermost last; "else:" + the #if's condition in its #else
        var problems: [(Int, String)] = []
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#if ") {
                conditions.append(String(line.dropFirst(4)))
            } else if line.hasPrefix("#elseif "), !conditions.isEmpty {
                conditions[conditions.count - 1] = String(line.dropFirst(8))
            } else if line.hasPrefix("#else"), let last = conditions.last {
                conditions[conditions.count - 1] = "else:" + last
            } else if line.hasPrefix("#endif") {
                _ = conditions.popLast()
            } else if line.hasPrefix("import ") || line.hasPrefix("@preconcurrency import ") {
                let module = line.split(separator: " ").last.map(String.init) ?? ""
                let condition = conditions.last ?? ""
                let expected: String? =
                    switch module {
                    case "Glibc", "Darwin": "canImport(\(module))"
                    case "Foundation": "else:canImport(FoundationEssentials)"
                    default: nil
                    }
                if let expected, condition != expected {
                    problems.append((index + 1, "import \(module) under '\(condition.isEmpty ? "no condition" : condition)', expected '\(expected)'"))
                }
            }
        }
        return problems
    }

    @Test func importCheckCatchesWhatItShould() {
        let unguarded = ["import Glibc", "func f() {}"]
        #expect(Self.importProblems(unguarded).map(\.0) == [1])
        let wrongBranch = ["#if canImport(Darwin)", "import Glibc", "#endif"]
        #expect(Self.importProblems(wrongBranch).map(\.0) == [2])
        let foundationAlone = ["import Foundation"]
        #expect(Self.importProblems(foundationAlone).map(\.0) == [1])
        let guarded = [
            "#if canImport(FoundationEssentials)", "import FoundationEssentials", "#else", "import Foundation", "#endif",
            "#if canImport(Glibc)", "import Glibc", "#elseif canImport(Darwin)", "import Darwin", "#endif",
        ]
        #expect(Self.importProblems(guarded).isEmpty)
        #expect(Self.identifiers("let x = accept4(fd) // epoll_wait") == ["let", "x", "accept4", "fd"])
    }
}
