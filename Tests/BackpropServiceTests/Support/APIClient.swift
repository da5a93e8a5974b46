import Foundation
import Posix
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTP response as the tests look at it.
struct HTTPResult: Sendable {
    var status: Int
    /// Lower-cased names.
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw APIClient.Failure(description: "not a JSON object: \(text.prefix(200))")
        }
        return object
    }
}

/// URLSession against a local port, without caching or redirects getting in the way.
struct APIClient: Sendable {
    struct Failure: Error, CustomStringConvertible { var description: String }

    let port: Int
    let session: URLSession

    init(port: Int) {
        self.port = port
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        // Scaled like every other wait of the tests: under a sanitizer on a busy machine a whole
        // suite's servers were silent for over 120 s (ci-reliability, TSan, 2026-12-07).
        configuration.timeoutIntervalForRequest = TestTime.scaled(120.0)
        session = URLSession(configuration: configuration)
    }

    func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)\(path)")! }

    func send(
        _ method: String, _ path: String, body: String? = nil, contentType: String? = "application/json",
        headers: [String: String] = [:]
    ) async throws -> HTTPResult {
        var request = URLRequest(url: url(path))
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var lowered: [String: String] = [:]
        for (name, value) in http.allHeaderFields { lowered[String(describing: name).lowercased()] = String(describing: value) }
        return HTTPResult(status: http.statusCode, headers: lowered, body: data)
    }

    func get(_ path: String, headers: [String: String] = [:]) async throws -> HTTPResult {
        try await send("GET", path, headers: headers)
    }

    /// Submits a run and returns its id (expects 202).
    func submit(_ body: String, headers: [String: String] = [:]) async throws -> String {
        let result = try await send("POST", "/runs", body: body, headers: headers)
        guard result.status == 202, let id = try result.json()["id"] as? String else {
            throw Failure(description: "submit answered \(result.status): \(result.text)")
        }
        return id
    }

    /// Long-polls until the run has finished; returns its final representation. The timeout is
    /// multiplied by `TestTime.scale`.
    func waitUntilFinished(_ id: String, timeout: Duration = .seconds(120)) async throws -> [String: Any] {
        let timeout = TestTime.scaled(timeout)
        let deadline = ContinuousClock.now + timeout
        var etag = "\"none\""
        while ContinuousClock.now < deadline {
            let result = try await get("/runs/\(id)?wait=5", headers: ["If-None-Match": etag])
            guard result.status != 304 else { continue }
            guard result.status == 200 else { throw Failure(description: "GET /runs/\(id) answered \(result.status): \(result.text)") }
            etag = result.headers["etag"] ?? etag
            let run = try result.json()
            if let status = run["status"] as? String, ["succeeded", "failed", "cancelled"].contains(status) { return run }
        }
        throw Failure(description: "run \(id) did not finish within \(timeout)")
    }
}

/// Runs the curl binary; returns its exit status and standard output.
func curl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
    try await runProcess("/usr/bin/env", ["curl", "--silent", "--show-error"] + arguments)
}
