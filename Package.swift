// swift-tools-version:6.1
import PackageDescription

/// backpropd: a training service for the seed notebook's sigmoid networks.
/// Dependencies point one way: Backprop and HTTPServer know nothing of each other;
/// BackpropService joins them; backpropd is the executable.
///
/// Backprop's hot loops live in BackpropKernels (portable, baseline x86-64) and are compiled a
/// second and third time for x86-64-v3 (AVX2) and x86-64-v4 (AVX-512) in BackpropAVX2 and
/// BackpropAVX512; Backprop picks one at run time (from the CPU's feature flags), so the binary
/// still runs on any x86-64.
///
/// Incremental builds do not recompile BackpropAVX2/BackpropAVX512 when only an inlinable body in
/// BackpropKernels changes: touch their sources (or build clean) after editing the kernels, or
/// DeterminismTests will report the stale code path.
///
/// The kernel targets are optimised in debug builds too (`-O` after SwiftPM's `-Onone`), so
/// `swift test` trains the notebook's sweeps in seconds.
#if arch(x86_64)
let kernelFlags: [SwiftSetting] = [.unsafeFlags(["-O"])]
let avx2Flags: [SwiftSetting] = [.unsafeFlags(["-O", "-Xcc", "-march=x86-64-v3"])]
let avx512Flags: [SwiftSetting] = [.unsafeFlags(["-O", "-Xcc", "-march=x86-64-v4"])]
#else
let kernelFlags: [SwiftSetting] = [.unsafeFlags(["-O"])]
let avx2Flags = kernelFlags
let avx512Flags = kernelFlags
#endif

let package = Package(
    name: "backpropd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "backpropd", targets: ["backpropd"]),
        .library(name: "Backprop", targets: ["Backprop"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "BackpropService", targets: ["BackpropService"]),
    ],
    targets: [
        .executableTarget(name: "EmbedFiles", path: "Plugins/EmbedFiles"),
        .plugin(name: "EmbedFilesPlugin", capability: .buildTool(), dependencies: ["EmbedFiles"]),
        .target(name: "BackpropKernels", swiftSettings: kernelFlags),
        .target(name: "BackpropAVX2", dependencies: ["BackpropKernels"], swiftSettings: avx2Flags),
        .target(name: "BackpropAVX512", dependencies: ["BackpropKernels"], swiftSettings: avx512Flags),
        .target(name: "Backprop", dependencies: ["BackpropKernels", "BackpropAVX2", "BackpropAVX512"]),
        // The system primitives every module and the tests share: a lock, a child process, a client socket.
        .target(name: "Posix"),
        .target(name: "HTTPServer", dependencies: ["Posix"]),
        // The dashboard's files and the OpenAPI document are embedded at build time
        // (DashboardFiles, OpenAPIFiles) by the EmbedFiles plugin.
        .target(
            name: "BackpropService", dependencies: ["Backprop", "HTTPServer", "Posix"],
            exclude: ["Dashboard", "OpenAPI"], plugins: ["EmbedFilesPlugin"]),
        // The command-line option parser of backpropd and the bench executables.
        .target(name: "CommandLineOptions"),
        .executableTarget(name: "backpropd", dependencies: ["Backprop", "HTTPServer", "BackpropService", "Posix", "CommandLineOptions"]),
        .executableTarget(name: "HTTPBench", dependencies: ["HTTPServer"], path: "Benchmarks/HTTPBench"),
        .executableTarget(name: "ServiceBench", dependencies: ["Backprop"], path: "Benchmarks/ServiceBench"),
        .executableTarget(name: "SplitBench", dependencies: ["Backprop"], path: "Benchmarks/SplitBench"),
        // The engine against JAX, numpy and plain C (compiles C, reads ../shared/bench): not in backpropd.
        .executableTarget(name: "EngineBench", dependencies: ["Backprop", "Posix", "CommandLineOptions"], path: "Benchmarks/EngineBench"),

        .testTarget(name: "BackpropKernelsTests", dependencies: ["BackpropKernels"]),
        .testTarget(name: "BackpropTests", dependencies: ["Backprop", "BackpropKernels"], exclude: ["Fixtures"]),
        // What every test target shares: deadlines scaled for sanitizers, blocking work off the
        // cooperative pool (child processes too), temporary directories.
        .target(name: "TestSupport", dependencies: ["Posix"], path: "Tests/TestSupport"),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "Posix", "TestSupport"]),
        .testTarget(name: "BackpropServiceTests", dependencies: ["BackpropService", "Backprop", "HTTPServer", "Posix", "TestSupport"]),
        .testTarget(name: "backpropdTests", dependencies: ["backpropd", "Backprop", "HTTPServer", "Posix", "TestSupport", "CommandLineOptions"]),
        .testTarget(name: "EngineBenchTests", dependencies: ["EngineBench", "Backprop", "CommandLineOptions"]),
    ],
    swiftLanguageModes: [.v6]
)

/// Every file says what it uses (as Hummingbird 2 does): an import is internal unless written
/// `public import`, and a member is visible only where its own module is imported.
let upcomingFeatures: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]
for target in package.targets where target.type != .plugin {
    target.swiftSettings = (target.swiftSettings ?? []) + upcomingFeatures
}
