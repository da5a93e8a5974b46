#if canImport(Darwin)
import Darwin

/// Darwin: POSIX_SPAWN_CLOEXEC_DEFAULT closes every descriptor the file actions do not name.
extension ChildProcess {
    static func makeFileActions() -> posix_spawn_file_actions_t {
        var actions: posix_spawn_file_actions_t = nil
        posix_spawn_file_actions_init(&actions)
        return actions
    }

    static func makeAttributes() -> posix_spawnattr_t {
        var attributes: posix_spawnattr_t = nil
        posix_spawnattr_init(&attributes)
        return attributes
    }

    static var currentEnvironment: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> { _NSGetEnviron()!.pointee! }

    static func closeOtherDescriptors() throws(Failure) -> (inout posix_spawn_file_actions_t, inout Int32) -> Void {
        { _, flags in flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT) }
    }
}
#endif
