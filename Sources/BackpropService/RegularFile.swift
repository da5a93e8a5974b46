#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a file that must be a regular file of bounded size: a FIFO, a device or a directory
/// planted under a known name is refused without blocking (the open is non-blocking and the
/// type is checked on the open descriptor, so nothing can be swapped in between), and so is
/// anything larger than the caller can hold.
public enum RegularFile {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// open(2) or read(2) failed with `errno`.
        case system(operation: String, code: Int32)
        /// A symbolic link where none is followed.
        case symbolicLink
        /// A FIFO, socket, device or directory.
        case notRegular(kind: String)
        case tooLarge(size: Int, limit: Int)

        public var description: String {
            switch self {
            case .system(let operation, let code): "\(operation): \(String(cString: strerror(code)))"
            case .symbolicLink: "a symbolic link (not followed)"
            case .notRegular(let kind): "a \(kind), not a regular file"
            case .tooLarge(let size, let limit): "\(size) bytes, over the limit of \(limit)"
            }
        }
    }

    /// The file's bytes. `followSymbolicLinks: false` refuses a link in the last component
    /// (mounted Secrets are links, run files never are).
    public static func read(_ path: String, maxBytes: Int, followSymbolicLinks: Bool) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (followSymbolicLinks ? 0 : O_NOFOLLOW))
        guard descriptor >= 0 else {
            let code = errno
            throw code == ELOOP && !followSymbolicLinks ? .symbolicLink : .system(operation: "open", code: code)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .system(operation: "fstat", code: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notRegular(kind: kind(of: info.st_mode)) }
        let size = Int(info.st_size)
        guard size <= maxBytes else { throw .tooLarge(size: size, limit: maxBytes) }
        var bytes = [UInt8](repeating: 0, count: size)
        var count = 0
        while true {
            // One byte past what fits, to notice a file that grew since fstat.
            if count == bytes.count {
                guard bytes.count <= maxBytes else { throw .tooLarge(size: bytes.count, limit: maxBytes) }
                bytes.append(contentsOf: repeatElement(0, count: min(max(bytes.count, 4096), maxBytes + 1 - bytes.count)))
            }
            let result = bytes.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress! + count, $0.count - count) }
            if result < 0 {
                if errno == EINTR { continue }
                throw .system(operation: "read", code: errno)
            }
            if result == 0 { break }
            count += result
        }
        guard count <= maxBytes else { throw .tooLarge(size: count, limit: maxBytes) }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "FIFO"
        case S_IFSOCK: "socket"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        case S_IFDIR: "directory"
        case S_IFLNK: "symbolic link"
        default: "special file"
        }
    }
}
