import Foundation

/// A new, empty directory for one test (`backpropd-PURPOSE-UUID` in the system's temporary
/// directory); the test removes it, or the system does.
public func temporaryDirectory(_ purpose: String) -> String {
    let path = NSTemporaryDirectory() + "backpropd-\(purpose)-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
