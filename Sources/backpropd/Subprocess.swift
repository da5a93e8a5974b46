#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion and captures what it prints (standard output and error
/// together), with Glibc's posix_spawn: the executable stays free of Foundation.
enum Subprocess {
    struct Outcome {
        let status: Int32
        let output: String
    }

    /// `program` is looked up in PATH. The child gets `environment` ("NAME=value") only.
    static func run(_ program: String, _ arguments: [String], environment: [String]) -> Outcome? {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, program, &actions, nil, argv, envp)
        close(pipeEnds[1])
        guard spawned == 0 else {
            close(pipeEnds[0])
            return nil
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(pipeEnds[0], &chunk, chunk.count)
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        close(pipeEnds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        return Outcome(status: exited ? (status >> 8) & 0xff : -1, output: String(decoding: bytes, as: UTF8.self))
    }

    /// The first number after `key` in `text` (e.g. key "seconds=").
    static func number(after key: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") {
            guard let start = line.firstRange(of: key)?.upperBound else { continue }
            let digits = line[start...].prefix { character in "0123456789.e-+".contains(character) }
            return Double(digits)
        }
        return nil
    }
}
