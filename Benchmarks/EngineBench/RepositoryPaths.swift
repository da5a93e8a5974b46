#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files of the checkout the binary was built from, for EngineBench:
/// the repository root is the nearest directory holding `Package.swift` above the working
/// directory or above the executable (which lives in `.build/…` of its checkout), and the shared
/// folder is `../shared` beside that root. No machine path is assumed, so any checkout works.
enum RepositoryPaths {
    /// The repository root, or nil when neither the working directory nor the executable is inside one.
    static var root: String? {
        root(above: [currentDirectory(), CommandLine.arguments.first.flatMap(resolved)].compactMap { $0 })
    }

    /// The first of `starts` or their ancestors that holds `Package.swift`.
    static func root(above starts: [String]) -> String? {
        for start in starts {
            var directory = start
            while true {
                if access(directory + "/Package.swift", R_OK) == 0 { return directory }
                guard let slash = directory.lastIndex(of: "/"), directory != "/" else { break }
                directory = slash == directory.startIndex ? "/" : String(directory[..<slash])
            }
        }
        return nil
    }

    /// `../shared/<relative>` beside the repository root, if it exists.
    static func shared(_ relative: String, root: String? = RepositoryPaths.root) -> String? {
        guard let root else { return nil }
        let path = root + "/../shared/" + relative
        return access(path, F_OK) == 0 ? resolved(path) ?? path : nil
    }

    /// `<root>/<relative>` (the relative path as given when no root is found).
    static func inRepository(_ relative: String) -> String {
        root.map { $0 + "/" + relative } ?? relative
    }

    private static func currentDirectory() -> String? {
        guard let pointer = getcwd(nil, 0) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    private static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
