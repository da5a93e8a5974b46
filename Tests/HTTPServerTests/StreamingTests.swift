import Foundation
import Posix
import Synchronization
import TestSupport
import Testing

@testable import HTTPServer

/// Streamed bodies: backpressure from a slow reader, no lost bytes, errors when the client leaves.
@Suite struct StreamingTests {
    /// Chunk `index` of the streamed test body: its number, then filler, so a lost or reordered
    /// byte shows (cheap to build and check even in a debug build).
    static func chunk(_ index: Int, size: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt64(index).littleEndian) { Array($0) } + [UInt8](repeating: UInt8(index % 251), count: size - 8)
    }

    @Test func aSlowReaderSlowsTheWriterAndStillGetsEveryByte() async throws {
        let chunkSize = 1024, chunks = 16 * 1024  // 16 MiB
        let produced = Atomic<Int>(0)
        var router = Router()
        router.get("/large") { _ in
            HTTPResponse(
                body: .stream { writer in
                    for chunk in 0..<chunks {
                        try await writer.write(Self.chunk(chunk, size: chunkSize))
                        produced.add(chunkSize, ordering: .relaxed)
                    }
                })
        }
        router.get("/hello") { _ in HTTPResponse(bytes: Array("hello".utf8)) }
        try await withServer(router: router) { _, port in
            let client = try await offPool { () -> RawClient in
                let client = try RawClient(port: port, receiveBuffer: 65536)
                try client.send("GET /large HTTP/1.1\r\nHost: x\r\n\r\n")
                return client
            }
            try await Task.sleep(for: .milliseconds(500))
            let whileStalled = produced.load(ordering: .relaxed)
            #expect(whileStalled < 8 << 20, "the writer waits for the reader (produced \(whileStalled) bytes)")

            let other = try await offPool {
                let other = try RawClient(port: port)
                try other.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                return try other.readResponse().text
            }
            #expect(other == "hello", "a stalled stream does not block other clients")

            let body = try await offPool {
                client.setReceiveBuffer(1 << 20)  // read the rest quickly
                return try client.readResponse().body
            }
            #expect(body.count == chunkSize * chunks)
            let intact = body.withUnsafeBytes { bytes in
                (0..<chunks).allSatisfy { index in
                    Self.chunk(index, size: chunkSize).withUnsafeBytes {
                        memcmp(bytes.baseAddress! + index * chunkSize, $0.baseAddress!, chunkSize) == 0
                    }
                }
            }
            #expect(intact, "no byte lost or reordered")
        }
    }

    @Test func theWriterThrowsOnceTheClientIsGone() async throws {
        let failure = Locked<String?>(nil)
        var router = Router()
        router.get("/forever") { _ in
            HTTPResponse(
                headers: ["Content-Type": "text/event-stream"],
                body: .stream { writer in
                    do {
                        while true {
                            try await writer.write("data: tick\n\n")
                            try await Task.sleep(for: .milliseconds(5))
                        }
                    } catch {
                        failure.withLock { $0 = String(describing: error) }
                        throw error
                    }
                })
        }
        try await withServer(router: router) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(await eventually { failure.withLock { $0 } != nil }, "the producer learned the client left")
        }
    }

    @Test func aThrowingProducerTruncatesTheResponse() async throws {
        struct Broken: Error {}
        var router = Router()
        router.get("/broken") { _ in
            HTTPResponse(
                body: .stream { writer in
                    try await writer.write("partial")
                    throw Broken()
                })
        }
        try await withServer(router: router) { _, port in
            try await offPool {
                let client = try RawClient(port: port)
                try client.send("GET /broken HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(throws: RawClient.Failure.self) { try client.readResponse() }
            }
        }
    }

    @Test func aPendingHandlerCostsNoThread() async throws {
        // 200 requests wait in handlers at once: far more than the cooperative pool has threads.
        let waiting = Atomic<Int>(0)
        let release = AsyncStream<Void>.makeStream()
        var router = Router()
        router.get("/wait") { _ in
            waiting.add(1, ordering: .relaxed)
            for await _ in release.stream { break }
            return HTTPResponse(bytes: Array("released".utf8))
        }
        try await withServer(router: router) { _, port in
            let clients = try await offPool {
                try (0..<200).map { _ in
                    let client = try RawClient(port: port)
                    try client.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
                    return client
                }
            }
            #expect(await eventually { waiting.load(ordering: .relaxed) == 200 })
            release.continuation.finish()
            let answers = try await offPool { try clients.map { try $0.readResponse().text } }
            #expect(answers.allSatisfy { $0 == "released" }, "\(answers.filter { $0 != "released" }.prefix(3))")
        }
    }
}
