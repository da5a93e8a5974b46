#if canImport(Glibc)
import Glibc

/// The x86-64 micro-architecture level this CPU and kernel support, from the feature flags in
/// /proc/cpuinfo (the kernel lists a vector extension only when it also saves its registers).
enum MicroarchitectureLevel {
    static let detected: Int = {
        #if arch(x86_64)
        guard let file = fopen("/proc/cpuinfo", "r") else { return 1 }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            guard text.hasPrefix("flags") else { continue }
            return level(flags: Set(text.split(separator: ":", maxSplits: 1).last?.split(separator: " ").map(String.init) ?? []))
        }
        #endif
        return 1
    }()

    /// The highest level whose features all appear in `flags` (Linux's names for them).
    static func level(flags: Set<String>) -> Int {
        let v2: Set = ["cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3"]
        let v3: Set = ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"]
        let v4: Set = ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]
        guard v2.isSubset(of: flags), v3.isSubset(of: flags) else { return 1 }
        return v4.isSubset(of: flags) ? 4 : 3
    }
}
#endif
