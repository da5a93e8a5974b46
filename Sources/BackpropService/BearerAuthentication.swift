import Backprop
import HTTPServer

/// When a token is configured, every `/runs` route needs `Authorization: Bearer <token>`;
/// health, readiness, metrics and the API document stay open. Checked on the head, before the
/// body is read, with a comparison whose time does not depend on where the tokens differ.
/// The credentials follow RFC 9110 §11.4: the scheme in any case, then one or more spaces.
/// A request with two `Authorization` fields is a 400: which one a proxy checked and which
/// one we would read is exactly the ambiguity request smuggling lives on.
struct BearerAuthentication: HTTPMiddleware {
    let token: [UInt8]

    init(token: String) {
        self.token = Array(token.utf8)
    }

    func screen(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard head.path == "/runs" || head.path.hasPrefix("/runs/") else { return nil }
        let fields = head.headers.values(for: "Authorization")
        guard fields.count <= 1 else {
            return Problem(
                status: 400, title: "Bad request",
                detail: "the request has \(fields.count) Authorization header fields; send exactly one",
                errors: [ValidationIssue("header:Authorization", "given \(fields.count) times")]
            )
            .response(instance: head.path)
        }
        guard let authorization = fields.first else {
            return Problem.unauthorized("this server requires Authorization: Bearer <token> on /runs").response(instance: head.path)
        }
        guard let credentials = Self.bearerCredentials(authorization), Self.constantTimeEqual(credentials, token) else {
            return Problem.unauthorized("the bearer token is missing or wrong").response(instance: head.path)
        }
        return nil
    }

    /// The bytes after `Bearer` and its spaces (`credentials = auth-scheme [ 1*SP token68 ]`), or
    /// nil for another scheme or no credentials.
    static func bearerCredentials(_ field: String) -> [UInt8]? {
        let bytes = Array(field.utf8)
        let scheme = Array("bearer".utf8)
        guard bytes.count > scheme.count + 1,
            zip(bytes, scheme).allSatisfy({ $0 | 0x20 == $1 }),
            bytes[scheme.count] == UInt8(ascii: " ")
        else { return nil }
        let credentials = bytes[(scheme.count + 1)...].drop { $0 == UInt8(ascii: " ") }
        return credentials.isEmpty ? nil : Array(credentials)
    }

    /// Compares every byte of the longer input whatever the differences, so timing reveals at most the length.
    /// Generic so the tests can count the reads.
    static func constantTimeEqual(_ lhs: some RandomAccessCollection<UInt8>, _ rhs: some RandomAccessCollection<UInt8>) -> Bool {
        var difference: UInt8 = lhs.count == rhs.count ? 0 : 1
        var left = lhs.makeIterator()
        var right = rhs.makeIterator()
        for _ in 0..<max(lhs.count, rhs.count) {
            difference |= (left.next() ?? 0) ^ (right.next() ?? 0)
        }
        return difference == 0
    }
}
