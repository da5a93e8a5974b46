#if canImport(Glibc)
import Glibc

/// Linux: other descriptors are closed with `posix_spawn_file_actions_addclosefrom_np`.
extension ChildProcess {
    static func makeFileActions() -> posix_spawn_file_actions_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        return actions
    }

    static func makeAttributes() -> posix_spawnattr_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        return attributes
    }

    static var currentEnvironment: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> { environ }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// A step that closes every descriptor from 3 up in the child. The call
    /// (glibc ≥ 2.34) is not exported to Swift: it is looked up before any descriptor is opened,
    /// so that a missing one leaks nothing.
    static func closeOtherDescriptors() throws(Failure) -> (inout posix_spawn_file_actions_t, inout Int32) -> Void {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            throw Failure(description: "posix_spawn_file_actions_addclosefrom_np is missing: glibc 2.34 or later is needed")
        }
        let addCloseFrom = unsafeBitCast(symbol, to: AddCloseFrom.self)
        return { actions, _ in _ = addCloseFrom(&actions, 3) }
    }
}
#endif
