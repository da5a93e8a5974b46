#if canImport(Darwin)
import Darwin

/// The x86-64 micro-architecture level this Mac supports, from `sysctl hw.optional.*` (1 on
/// Apple silicon, where the kernels are compiled without x86 levels).
enum MicroarchitectureLevel {
    static let detected: Int = {
        #if arch(x86_64)
        func has(_ name: String) -> Bool {
            var value: Int32 = 0
            var size = MemoryLayout<Int32>.size
            return sysctlbyname("hw.optional." + name, &value, &size, nil, 0) == 0 && value != 0
        }
        guard ["avx2_0", "bmi1", "bmi2", "fma", "f16c", "movbe"].allSatisfy(has) else { return 1 }
        return ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"].allSatisfy(has) ? 4 : 3
        #else
        return 1
        #endif
    }()
}
#endif
