import TestSupport
import Testing

@testable import HTTPServer

/// Issue 16: with the connection limit held by half-sent heads, `/healthz` answered 503 (the
/// kubelet then restarts a healthy pod), and nothing stopped one client from taking every
/// connection.
@Suite struct ConnectionAdmissionTests {
    static func limits(max: Int, perClient: Int, reserved: Int) -> HTTPLimits {
        var limits = HTTPLimits()
        limits.maxConnections = max
        limits.maxConnectionsPerClient = perClient
        limits.reservedConnections = reserved
        return limits
    }

    @Test func aClientGetsItsShareThenReservedPlacesThenNothing() {
        var admission = ConnectionAdmission(Self.limits(max: 4, perClient: 2, reserved: 16))
        #expect(admission.reservedPerClient == 2)
        #expect(admission.admit(client: "10.0.0.1") == .admitted)
        #expect(admission.admit(client: "10.0.0.1") == .admitted)
        #expect(admission.admit(client: "10.0.0.1") == .reserved(.client))
        #expect(admission.admit(client: "10.0.0.1") == .reserved(.client))
        #expect(admission.admit(client: "10.0.0.1") == .refused)
        #expect(admission.admit(client: "10.0.0.2") == .admitted)
        #expect(admission.admit(client: "10.0.0.3") == .admitted)
        // The server is full: a new client gets a reserved place; one over its share too.
        #expect(admission.admit(client: "10.0.0.4") == .reserved(.server))
        #expect(admission.admit(client: "10.0.0.2") == .reserved(.server))
        #expect(admission.open == 4 && admission.reservedOpen == 4)

        admission.release(client: "10.0.0.1", decision: .admitted)
        #expect(admission.admit(client: "10.0.0.5") == .admitted)
        admission.release(client: "10.0.0.1", decision: .reserved(.client))
        #expect(admission.connections(of: "10.0.0.1") == (1, 1))
        #expect(admission.admit(client: "10.0.0.1") == .reserved(.server))
        admission.release(client: "10.0.0.9", decision: .admitted)  // unknown: ignored
        #expect(admission.open == 4)
        for decision in [ConnectionAdmission.Decision.admitted, .reserved(.client), .reserved(.server)] {
            admission.release(client: "10.0.0.1", decision: decision)
        }
        #expect(admission.connections(of: "10.0.0.1") == (0, 0))
    }

    @Test func theReservedPlacesAreBoundedInAllToo() {
        var admission = ConnectionAdmission(Self.limits(max: 1, perClient: 1, reserved: 3))
        #expect(admission.reservedPerClient == 1)
        #expect(admission.admit(client: "a") == .admitted)
        #expect(admission.admit(client: "b") == .reserved(.server))
        #expect(admission.admit(client: "c") == .reserved(.server))
        #expect(admission.admit(client: "d") == .reserved(.server))
        #expect(admission.admit(client: "e") == .refused)
        #expect(ConnectionAdmission.client(of: "10.1.2.3:4567") == "10.1.2.3")
        #expect(ConnectionAdmission.client(of: "[::1]:80") == "[::1]")
    }

    @Test func probesAreAnsweredWhenHalfSentHeadsHoldEveryConnection() async throws {
        var router = demoRouter()
        router.get("/healthz") { _ in HTTPResponse(headers: ["Content-Type": "text/plain"], bytes: Array("ok".utf8)) }
        let limits = Self.limits(max: 3, perClient: 2, reserved: 16)
        try await withServer(
            router: router,
            configure: {
                $0.limits = limits; $0.reservedPaths = ["/healthz"]
            }
        ) { server, port in
            try await offPool {
                // One client holds its share with half-sent heads (each would be kept ~10 s).
                let held = try (0..<2).map { _ in try RawClient(port: port) }
                for client in held { try client.send("GET /hello HTTP/1.1\r\nHo") }
                let overShare = try RawClient(port: port)
                try overShare.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                let tooMany = try overShare.readResponse()
                #expect(tooMany.status == 429 && tooMany.headers["Retry-After"] == "1")
                #expect(overShare.isClosedByServer())
                let probe = try RawClient(port: port)
                try probe.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try probe.readResponse().status == 200, "its own probe is answered on a reserved place")
                #expect(probe.isClosedByServer())

                // Another client takes the last place: the server is full.
                let other = try RawClient(port: port, source: "127.0.0.2")
                try other.send("GET /hello HTTP/1.1\r\nHo")
                let late = try RawClient(port: port, source: "127.0.0.3")
                try late.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                let full = try late.readResponse()
                #expect(full.status == 503 && full.headers["Retry-After"] == "1")
                let kubelet = try RawClient(port: port, source: "127.0.0.3")
                try kubelet.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try kubelet.readResponse(forHead: true).status == 200)

                // Half-sent heads on reserved places: a client gets two, then is closed at once,
                // and a probe from elsewhere still gets through.
                let squatters = try (0..<2).map { _ in try RawClient(port: port) }
                for squatter in squatters { try squatter.send("GET /healthz HTTP/1.1\r\nHo") }
                let refused = try RawClient(port: port)
                #expect(refused.isClosedByServer())
                let another = try RawClient(port: port, source: "127.0.0.4")
                try another.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try another.readResponse().status == 200)
                #expect(server.connectionCount == 3)
                // The held connections are unaffected.
                try held[0].send("st: x\r\n\r\n")
                #expect(try held[0].readResponse().status == 200)
            }
        }
    }
}
