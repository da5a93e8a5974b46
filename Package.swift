// swift-tools-version:6.0
import PackageDescription

/// backpropd: a training service for the seed notebook's sigmoid networks.
/// Dependencies point one way: Backprop and HTTPServer know nothing of each other;
/// BackpropService joins them; backpropd is the executable.
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
        .target(name: "Backprop"),
        .target(name: "HTTPServer"),
        .target(name: "BackpropService", dependencies: ["Backprop", "HTTPServer"],
                exclude: ["Dashboard"]),  // the dashboard files, embedded in DashboardFiles.swift
        .executableTarget(name: "backpropd", dependencies: ["Backprop", "HTTPServer", "BackpropService"]),
        .executableTarget(name: "HTTPBench", dependencies: ["HTTPServer"], path: "Benchmarks/HTTPBench"),

        .testTarget(name: "BackpropTests", dependencies: ["Backprop"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(name: "BackpropServiceTests", dependencies: ["BackpropService", "Backprop", "HTTPServer"]),
        .testTarget(name: "backpropdTests", dependencies: ["backpropd"]),
    ],
    swiftLanguageModes: [.v6]
)
