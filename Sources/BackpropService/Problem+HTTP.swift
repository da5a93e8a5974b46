public import HTTPServer

extension Problem {
    /// The problem as an `application/problem+json` response; `instance` is the request path.
    /// The status line's reason phrase comes from HTTPServer's one table (`HTTPStatus(code:)`).
    public func response(instance: String? = nil) -> HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/problem+json"]
        for (name, value) in self.headers { headers.add(name, value) }
        return HTTPResponse(status: HTTPStatus(code: status), headers: headers, bytes: json(instance: instance))
    }

    /// A problem HTTPServer answered by itself (no route, a method the path does not take, a
    /// request it could not read, a timeout), in the API's shape: its title is the status's
    /// reason phrase as a sentence ("Method not allowed"), so its `type` is in the same family
    /// as every other (`…/problems/method-not-allowed`), and `instance` is the path when known.
    public init(_ problem: HTTPProblem) {
        self.init(
            status: problem.status.code, title: Self.sentence(problem.status.reasonPhrase), detail: problem.detail,
            headers: problem.headers.map { ($0.name, $0.value) })
    }

    /// "Request Header Fields Too Large" → "Request header fields too large"; acronyms ("HTTP", "URI") stay.
    static func sentence(_ phrase: String) -> String {
        phrase.split(separator: " ").enumerated().map { index, word in
            index == 0 || (word.count > 1 && word.allSatisfy(\.isUppercase)) ? String(word) : word.lowercased()
        }.joined(separator: " ")
    }

    /// How `BackpropService` configures its HTTPServer (`HTTPServerConfiguration.problemRenderer`).
    static let renderer: HTTPProblemRenderer = { problem, path in Problem(problem).response(instance: path) }
}
