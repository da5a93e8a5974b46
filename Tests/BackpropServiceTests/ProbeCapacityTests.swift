import Foundation
import HTTPServer
import Posix
import TestSupport
import Testing

@testable import BackpropService

/// Issue 16: with the connection limit held by half-sent heads (each kept ~12 s), `/healthz`
/// answered 503 and the kubelet restarted a healthy pod.
@Suite struct ProbeCapacityTests {
    /// Opens a connection and sends half a request head, as a slowloris client does.
    static func halfSentHead(port: Int) throws -> ClientSocket {
        let deadline = ContinuousClock.now + .seconds(60)
        let socket = try ClientSocket(host: "127.0.0.1", port: port, before: deadline)
        try socket.send(Array("GET /runs HTTP/1.1\r\nHost: slow\r\nX-Slow: a".utf8), before: deadline)
        return socket
    }

    /// The held heads must outlive every probe: with the default 10 s head timeout, a slow run (the
    /// suite under ThreadSanitizer took 193 s for this test) saw them closed first, and then
    /// `/runs` was served (200) instead of refused.
    static func holdingHeads(_ configuration: inout ServiceConfiguration) {
        configuration.http.headerReadTimeout = .seconds(3600)
    }

    @Test func probesAndMetricsAreAnsweredAtTheConnectionLimit() async throws {
        try await withService(configure: {
            Self.holdingHeads(&$0); $0.http.maxConnections = 8; $0.http.maxConnectionsPerClient = 8
        }) { service in
            let held = try await offPool { try (0..<8).map { _ in try Self.halfSentHead(port: service.port) } }
            defer { for socket in held { socket.close() } }
            // Each on a new connection (URLSession would reuse a kept-alive one).
            for path in ["/healthz", "/readyz", "/metrics"] {
                let answer = try await offPool {
                    try SchemaAgreementTests.exchange(port: service.port, "GET \(path) HTTP/1.1\r\nHost: p\r\nConnection: close\r\n", body: nil)
                }
                #expect(answer.status == 200, "\(path): \(answer.text.prefix(300))")
            }
            let other = try await offPool {
                try SchemaAgreementTests.exchange(port: service.port, "GET /runs HTTP/1.1\r\nHost: p\r\nConnection: close\r\n", body: nil)
            }
            #expect(other.status == 503 && other.text.contains("Retry-After: 1") && other.text.contains("application/problem+json"), "\(other.text)")
        }
    }

    @Test func oneClientCannotTakeEveryConnection() async throws {
        try await withService(configure: {
            Self.holdingHeads(&$0); $0.http.maxConnectionsPerClient = 4
        }) { service in
            let held = try await offPool { try (0..<4).map { _ in try Self.halfSentHead(port: service.port) } }
            defer { for socket in held { socket.close() } }
            let refused = try await offPool {
                try SchemaAgreementTests.exchange(port: service.port, "GET /runs HTTP/1.1\r\nHost: p\r\nConnection: close\r\n", body: nil)
            }
            #expect(
                refused.status == 429 && refused.text.contains("Retry-After: 1") && refused.text.contains("4 connections open"), "\(refused.text)")
            let probe = try await offPool {
                try SchemaAgreementTests.exchange(port: service.port, "GET /healthz HTTP/1.1\r\nHost: p\r\nConnection: close\r\n", body: nil)
            }
            #expect(probe.status == 200)
        }
    }

    @Test func theAdminPortServesProbesAndMetricsOnConnectionsOfItsOwn() async throws {
        try await withService(configure: {
            Self.holdingHeads(&$0); $0.http.maxConnections = 2; $0.http.reservedConnections = 1; $0.adminPort = 0
        }) { service in
            let adminPort = try #require(service.service.adminPort)
            #expect(adminPort != service.port)
            // Every place of the main port held, the reserved one too.
            let held = try await offPool { try (0..<3).map { _ in try Self.halfSentHead(port: service.port) } }
            defer { for socket in held { socket.close() } }
            let admin = APIClient(port: adminPort)
            #expect(try await admin.get("/healthz").status == 200)
            #expect(try await admin.get("/readyz").text.contains("ready"))
            #expect(try await admin.get("/metrics").text.contains("backpropd_runs"))
            #expect(try await admin.get("/runs").status == 404, "only the probes are on the admin port")
        }
    }
}
