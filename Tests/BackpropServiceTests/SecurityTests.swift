import Foundation
import TestSupport
import Testing

@testable import BackpropService

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct SecurityTests {
    @Test func aTokenProtectedServerRejectsMissingAndWrongTokens() async throws {
        try await withService(configure: { $0.apiToken = "s3cret-token" }) { service in
            let missing = try await service.client.send("POST", "/runs", body: quickRunBody())
            #expect(missing.status == 401)
            #expect(missing.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
            #expect(missing.headers["content-type"] == "application/problem+json")
            for wrong in ["Bearer s3cret-toke", "Bearer s3cret-token2", "Basic czNjcmV0LXRva2Vu", "Bearer ", "s3cret-token"] {
                let result = try await service.client.get("/runs", headers: ["Authorization": wrong])
                #expect(result.status == 401, "\(wrong)")
            }
            #expect(try await service.client.get("/runs/0123456789abcdef0123456789abcdef/events").status == 401)
            for open in ["/healthz", "/readyz", "/metrics", "/openapi.json"] {
                #expect(try await service.client.get(open).status == 200, "\(open)")
            }
            let id = try await service.client.submit(quickRunBody(alphas: [1], iterations: 10), headers: ["Authorization": "Bearer s3cret-token"])
            #expect(try await service.client.get("/runs/\(id)", headers: ["Authorization": "bearer s3cret-token"]).status == 200)
            let (status, output) = try await curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(service.port)/runs/\(id)"])
            #expect(status == 0 && output == "401")
        }
    }

    @Test func corsPreflightIsAnsweredWithoutATokenAndResponsesAreMarked() async throws {
        try await withService(configure: {
            $0.apiToken = "t"; $0.corsOrigin = "https://dash.example"
        }) { service in
            let preflight = try await service.client.send(
                "OPTIONS", "/runs",
                headers: [
                    "Origin": "https://dash.example", "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "authorization, content-type",
                ])
            #expect(preflight.status == 204)
            #expect(preflight.headers["access-control-allow-origin"] == "https://dash.example")
            #expect(preflight.headers["access-control-allow-headers"]?.contains("Authorization") == true)
            #expect(preflight.headers["access-control-allow-methods"]?.contains("POST") == true)
            let listed = try await service.client.get("/runs", headers: ["Origin": "https://dash.example", "Authorization": "Bearer t"])
            #expect(listed.status == 200)
            #expect(listed.headers["access-control-allow-origin"] == "https://dash.example")
            #expect(listed.headers["access-control-expose-headers"]?.contains("ETag") == true)
            let foreign = try await service.client.get("/healthz", headers: ["Origin": "https://evil.example"])
            #expect(foreign.headers["access-control-allow-origin"] == nil)
        }
    }

    /// Issue 16: RFC 9110 allows 1*SP after the scheme (`Bearer␣␣token` was refused), the scheme
    /// is case-insensitive, and two Authorization fields are a 400 (the first one won).
    @Test func bearerCredentialsFollowRFC9110AndADuplicateFieldIsABadRequest() async throws {
        let token = "k7Q2-s3cret.token_~+/="
        try await withService(configure: { $0.apiToken = token }) { service in
            for accepted in ["Bearer \(token)", "Bearer   \(token)", "bearer \(token)", "BEARER \(token)"] {
                #expect(try await service.client.get("/runs", headers: ["Authorization": accepted]).status == 200, "\(accepted)")
            }
            for refused in ["Bearer\(token)", "Bearer \(token)x", "Bearer x\(token)", "Bearer", "Token \(token)", "Bearer \(token) \(token)"] {
                #expect(try await service.client.get("/runs", headers: ["Authorization": refused]).status == 401, "\(refused)")
            }
            let url = "http://127.0.0.1:\(service.port)/runs"
            for pair in [("Bearer \(token)", "Bearer \(token)"), ("Bearer wrong", "Bearer \(token)"), ("Bearer \(token)", "Bearer wrong")] {
                let (status, output) = try await curl([
                    "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: \(pair.0)",
                    "-H", "Authorization: \(pair.1)", url,
                ])
                #expect(status == 0 && output == "400", "\(pair): \(output)")
            }
            let (_, body) = try await curl(["-H", "Authorization: Bearer \(token)", "-H", "Authorization: Bearer \(token)", url])
            #expect(body.contains("header:Authorization") && body.contains("exactly one"), "\(body)")
            // Open routes do not look at Authorization at all.
            let (_, health) = try await curl([
                "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: a", "-H", "Authorization: b",
                "http://127.0.0.1:\(service.port)/healthz",
            ])
            #expect(health == "200")
        }
    }

    @Test func bearerCredentialsParse() {
        #expect(BearerAuthentication.bearerCredentials("Bearer abc") == Array("abc".utf8))
        #expect(BearerAuthentication.bearerCredentials("bEaReR    abc") == Array("abc".utf8))
        #expect(BearerAuthentication.bearerCredentials("Bearer\tabc") == nil)
        #expect(BearerAuthentication.bearerCredentials("Bearerabc") == nil)
        #expect(BearerAuthentication.bearerCredentials("Bearer ") == nil)
        #expect(BearerAuthentication.bearerCredentials("Bearer    ") == nil)
        #expect(BearerAuthentication.bearerCredentials("Basic abc") == nil)
        #expect(BearerAuthentication.bearerCredentials("Bearer🙂 abc") == nil)
    }

    /// Issue 16: request ids were a per-process prefix and a counter, telling any client the volume.
    @Test func requestIdsAreRandom() async throws {
        try await withService { service in
            var ids: [String] = []
            for _ in 0..<20 {
                ids.append(try await service.client.get("/healthz").headers["x-request-id"] ?? "")
            }
            #expect(ids.allSatisfy { RunID($0) != nil }, "\(ids)")
            #expect(Set(ids).count == ids.count)
            // No shared prefix beyond chance (a counter's ids share all but their last digits).
            let shared = ids.dropFirst().map { id in zip(id, ids[0]).prefix { $0 == $1 }.count }
            #expect(shared.max() ?? 0 < 8, "\(ids)")
            let echoed = try await service.client.get("/healthz", headers: ["X-Request-Id": "trace-42"])
            #expect(echoed.headers["x-request-id"] == "trace-42")
        }
    }

    /// Issue 16: `--host 0.0.0.0` with no token started without a word.
    @Test func aReachableAddressWithoutATokenIsRefusedUnlessAllowed() async throws {
        for host in ["0.0.0.0", "::", "[::]", "10.1.2.3"] {
            do {
                let service = try await offPool { try TestService { $0.host = host } }
                await service.shutdown()
                Issue.record("\(host) without a token started")
            } catch {
                let text = String(describing: error)
                #expect(
                    text.contains("refusing to serve \(host) without an API token") && text.contains("--allow-unauthenticated")
                        && text.contains("--api-token-file"), "\(text)")
            }
        }
        let allowed = try await offPool {
            try TestService {
                $0.host = "0.0.0.0"; $0.allowUnauthenticated = true
            }
        }
        #expect(try await allowed.client.get("/runs").status == 200)
        await allowed.shutdown()
        let withToken = try await offPool {
            try TestService {
                $0.host = "0.0.0.0"; $0.apiToken = "a-token-long-enough-to-give-no-warning"
            }
        }
        #expect(try await withToken.client.get("/runs").status == 401)
        await withToken.shutdown()
        for host in ["127.0.0.1", "localhost"] {
            let local = try await offPool { try TestService { $0.host = host } }
            #expect(try await local.client.get("/runs").status == 200, "\(host)")
            await local.shutdown()
        }
    }

    @Test func loopbackAddressesAreRecognised() {
        for host in ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"] {
            #expect(ListenAddress.isLoopback(host), "\(host)")
        }
        for host in ["0.0.0.0", "::", "10.0.0.1", "192.168.1.2", "::ffff:10.0.0.1", "example.com", "", "128.0.0.1", "fe80::1"] {
            #expect(!ListenAddress.isLoopback(host), "\(host)")
        }
    }

    /// Issue 16: the token is checked at start, so one that no client could send fails then.
    @Test func tokensAreTrimmedAndValidated() async throws {
        #expect(APIToken.trimmed("  abc\r\n") == "abc")
        #expect(APIToken.trimmed("\tab c \n\n") == "ab c")
        #expect(APIToken.problem(with: "abcDEF123-._~+/==") == nil)
        let cases: [(String, String)] = [
            ("", "empty"), ("ab c", "a space"), ("ab\nc", "a line break"), ("abé", "non-ASCII"), ("a=b", "= only at its end"),
            ("===", "= only at its end"), ("a\u{1b}b", "control character"), ("a,b", "','"), (String(repeating: "a", count: 5000), "at most 4096"),
        ]
        for (bad, reason) in cases {
            #expect(APIToken.problem(with: bad)?.contains(reason) == true, "\(bad.prefix(20)): \(APIToken.problem(with: bad) ?? "accepted")")
        }
        do {
            let service = try await offPool { try TestService { $0.apiToken = "two words" } }
            await service.shutdown()
            Issue.record("a token with a space started")
        } catch {
            #expect(String(describing: error).contains("the API token cannot be used: the token contains a space"), "\(error)")
        }
    }

    /// The comparison's work does not depend on the bytes: it reads every byte of both inputs
    /// (each once) wherever they first differ, so its time can tell only the lengths.
    @Test func tokenComparisonReadsEveryByteWhereverTheInputsDiffer() {
        let token = Array("abcdef".utf8)
        for other in ["abcdef", "xbcdef", "abcdex", "abc", "abcdefghij", ""].map({ Array($0.utf8) }) {
            let left = CountedBytes(token), right = CountedBytes(other)
            #expect(BearerAuthentication.constantTimeEqual(left, right) == (token == other))
            #expect(left.reads == token.count && right.reads == other.count, "\(String(decoding: other, as: UTF8.self))")
        }
        #expect(BearerAuthentication.constantTimeEqual(token, token))
        #expect(!BearerAuthentication.constantTimeEqual(token, Array("abcdeg".utf8)))
        #expect(!BearerAuthentication.constantTimeEqual(token, Array("abcde".utf8)))
        #expect(!BearerAuthentication.constantTimeEqual(token, []))
        #expect(!BearerAuthentication.constantTimeEqual(token + [UInt8](repeating: 0, count: 256), token))
    }

    @Test func runIdsAreRandom128BitHex() {
        let ids = (0..<1000).map { _ in RunID().description }
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { $0.count == 32 && RunID($0) != nil })
        #expect(RunID("0123456789ABCDEF0123456789abcdef") == nil)

        let replicaIDs = (0..<1000).map { _ in RunID(instancePrefix: "b2").description }
        #expect(replicaIDs.allSatisfy { $0.hasPrefix("b2") && $0.count == 32 && RunID($0) != nil })
        #expect(Set(replicaIDs.map { $0.dropFirst(2) }).count == 1000)
        #expect(!RunID.isValidInstancePrefix("b2c3d") && !RunID.isValidInstancePrefix("B2") && RunID.isValidInstancePrefix(""))
    }
}

/// Bytes that count how many of them were read (through iteration or subscript).
private final class CountedBytes: RandomAccessCollection, @unchecked Sendable {
    private let bytes: [UInt8]
    private(set) var reads = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var startIndex: Int { bytes.startIndex }
    var endIndex: Int { bytes.endIndex }
    subscript(position: Int) -> UInt8 {
        reads += 1
        return bytes[position]
    }
}
