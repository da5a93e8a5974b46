/// Every bound the server enforces, with defaults in the style of hardened Go servers.
/// Exceeding one gets the status named on each field.
public struct HTTPLimits: Sendable, Hashable {
    /// From accepting a connection, or from the first byte of a later request, until its head is
    /// complete. Exceeded: 408 then close (a connection that sent nothing is closed silently).
    public var headerReadTimeout: Duration = .seconds(10)
    /// For the whole body once the head is read. Exceeded: 408 then close.
    public var bodyReadTimeout: Duration = .seconds(30)
    /// How long a keep-alive connection may wait for its next request. Exceeded: closed silently.
    public var idleTimeout: Duration = .seconds(60)
    /// How long a pending write may make no progress (the client stopped reading). Exceeded:
    /// the connection is closed and a streaming writer throws. Not a limit on a response's total time.
    public var writeTimeout: Duration = .seconds(30)
    /// After the server closes its side, how long it keeps reading and discarding so the client
    /// sees the response (413 to a body still in flight) instead of a reset.
    public var lingerTimeout: Duration = .seconds(2)

    /// Request line plus header fields. Exceeded: 431 (or 414 when the target alone is too long).
    public var maxHeaderBytes: Int = 64 * 1024
    /// Header fields per request (and trailer fields per chunked body). Exceeded: 431.
    public var maxHeaderCount: Int = 100
    /// The request target. Exceeded: 414.
    public var maxURIBytes: Int = 8 * 1024
    /// A request body (after chunked decoding). Exceeded: 413, checked from Content-Length before
    /// reading any of the body, then close.
    public var maxBodyBytes: Int = 8 * 1024 * 1024
    /// Open connections. Over it a new connection takes a reserved place (below), or is closed.
    public var maxConnections: Int = 10_000
    /// Open connections from one client address. Over it a new connection from that address
    /// takes a reserved place, or is closed. Behind a proxy every client has the proxy's address.
    public var maxConnectionsPerClient: Int = 1_000
    /// Places beyond the two limits above, a client at most an eighth of them (at least one):
    /// a connection there sends one request, with a head timeout of at most 2 s, and only
    /// `HTTPServerConfiguration.reservedPaths` are served on it (the probes); anything else is
    /// answered 503 (the server is full) or 429 (the client holds its share), with `Retry-After`.
    public var reservedConnections: Int = 64
    /// A rejected request (by `screen`, 404, 405) whose unread body is at most this many bytes
    /// has it read and discarded to keep the connection alive; a longer body closes the connection.
    public var maxDiscardedBodyBytes: Int = 256 * 1024
    /// Unsent bytes a streamed response may queue before `HTTPBodyWriter.write` waits.
    public var streamBufferBytes: Int = 64 * 1024
    /// Bytes of later (pipelined) requests buffered while one is being answered; reading pauses beyond.
    public var maxPipelinedBytes: Int = 64 * 1024

    public init() {}
}
