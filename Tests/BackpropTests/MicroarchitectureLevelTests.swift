#if canImport(Glibc)
import Foundation
import Testing
@testable import Backprop

/// The code path is chosen from the feature flags the kernel reports (no cpuid shim in C).
@Suite struct MicroarchitectureLevelTests {
    let v3: Set<String> = [
        "cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3",
        "avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave",
    ]
    let v4: Set<String> = ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]

    @Test func everyFeatureOfALevelIsNeeded() {
        #expect(MicroarchitectureLevel.level(flags: v3.union(v4).union(["sse", "sse2"])) == 4)
        #expect(MicroarchitectureLevel.level(flags: v3.union(v4.subtracting(["avx512vl"]))) == 3)
        #expect(MicroarchitectureLevel.level(flags: v3) == 3)
        #expect(MicroarchitectureLevel.level(flags: v3.subtracting(["fma"]).union(v4)) == 1)
        #expect(MicroarchitectureLevel.level(flags: []) == 1)
    }

    @Test func thisMachineAgreesWithItsCPUInfo() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = Set(
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }?
                .split(separator: ":").last?.split(separator: " ").map(String.init) ?? [])
        let expected: CodePath.InstructionSet = v3.union(v4).isSubset(of: flags) ? .avx512 : v3.isSubset(of: flags) ? .avx2 : .baseline
        #expect(CodePath.InstructionSet.detected == expected)
    }
}
#endif
