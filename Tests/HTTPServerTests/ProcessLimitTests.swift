import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// File-descriptor exhaustion and the open-file limit, in a child process (see ChildServer).
@Suite struct ProcessLimitTests {
    @Test func outOfFileDescriptorsTheServerBacksOffInsteadOfSpinningAndRecovers() async throws {
        let child = try ChildServer(shellPrefix: "ulimit -n 40 &&")
        defer { child.stop() }
        let port = child.port
        let clients = try await offPool {
            try (0..<60).map { _ in
                let client = try RawClient(port: port)
                try client.send("GET /runs/demo HTTP/1.1\r\nHost: x\r\n\r\n")
                return client
            }
        }
        #expect(
            await eventually { child.log.contains { $0.contains("Too many open files") && $0.contains("pausing accepts") } },
            "the server ran out of descriptors and said so")
        let before = child.cpuTicks
        try await Task.sleep(for: .seconds(1))
        let used = child.cpuTicks - before
        #expect(used < Int(sysconf(Int32(_SC_CLK_TCK))) / 4, "backing off, not spinning: \(used) ticks in 1 s")
        for client in clients { client.close() }
        let fresh = try await offPool { () -> Int in
            let client = try RawClient(port: port, readTimeout: TestTime.scaled(seconds: 10))
            try client.send("GET /runs/demo HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse().status
        }
        #expect(fresh == 200, "accepting resumed once descriptors were free")
    }

    @Test func theSoftOpenFileLimitIsRaisedToTheHardLimitAtStart() async throws {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        let child = try ChildServer(shellPrefix: "ulimit -S -n 64 &&")
        defer { child.stop() }
        if limit.rlim_max > 64 {
            #expect(child.log.contains { $0.contains("open-file limit raised from 64 to \(min(limit.rlim_max, 1 << 20))") })
        } else {
            #expect(!child.log.contains { $0.contains("open-file limit raised") })
        }
    }
}
