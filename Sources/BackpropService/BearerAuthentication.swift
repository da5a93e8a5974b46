import HTTPServer

/// When a token is configured, every `/runs` route needs `Authorization: Bearer <token>`;
/// health, readiness, metrics and the API document stay open. Checked on the head, before the
/// body is read, with a comparison whose time does not depend on where the tokens differ.
struct BearerAuthentication: HTTPMiddleware {
    let token: [UInt8]

    init(token: String) {
        self.token = Array(token.utf8)
    }

    func screen(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard head.path == "/runs" || head.path.hasPrefix("/runs/") else { return nil }
        guard let authorization = head.headers["Authorization"] else {
            return Problem.unauthorized("this server requires Authorization: Bearer <token> on /runs").response(instance: head.path)
        }
        let scheme = "bearer "
        guard authorization.count > scheme.count, authorization.prefix(scheme.count).lowercased() == scheme,
              Self.constantTimeEqual(Array(authorization.utf8.dropFirst(scheme.count)), token)
        else {
            return Problem.unauthorized("the bearer token is missing or wrong").response(instance: head.path)
        }
        return nil
    }

    /// Compares every byte of the longer input whatever the differences, so timing reveals at most the length.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
