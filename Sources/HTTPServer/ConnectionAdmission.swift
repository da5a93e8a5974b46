/// Who gets a new connection, so that no client can take them all and the probes of whoever runs
/// the server are answered even when every connection is held (half-sent heads, long-polls):
/// at most `maxConnections` in all and `maxPerClient` per client address are admitted. Beyond
/// either, a connection may take one of `reserved` places (at most `reservedPerClient` per
/// client), where it sends one request: a probe path (`/healthz`) is answered, anything else
/// gets 503 (the server is full) or 429 (this client holds its share). Beyond those it is closed.
/// A value type: the server keeps it behind a lock, tests drive it directly.
struct ConnectionAdmission: Sendable {
    enum Decision: Hashable, Sendable {
        case admitted
        case reserved(Overflow)
        case refused
    }

    /// Which limit a reserved connection is over.
    enum Overflow: Hashable, Sendable {
        case server
        case client
    }

    let maxConnections: Int
    let maxPerClient: Int
    let reserved: Int
    let reservedPerClient: Int
    private(set) var open = 0
    private(set) var reservedOpen = 0
    private var clients: [String: (open: Int, reserved: Int)] = [:]

    init(_ limits: HTTPLimits) {
        maxConnections = limits.maxConnections
        maxPerClient = limits.maxConnectionsPerClient
        reserved = limits.reservedConnections
        reservedPerClient = Self.reservedShare(limits.reservedConnections)
    }

    /// A client may hold an eighth of the reserved places (at least one), so one client's
    /// half-sent heads cannot hold them all either.
    static func reservedShare(_ reserved: Int) -> Int { max(1, reserved / 8) }

    /// The client part of an accepted connection's `remoteAddress` (`1.2.3.4:5678` → `1.2.3.4`,
    /// `[::1]:5678` → `[::1]`).
    static func client(of remoteAddress: String) -> String {
        guard let colon = remoteAddress.lastIndex(of: ":") else { return remoteAddress }
        return String(remoteAddress[..<colon])
    }

    /// Counts a new connection from `client` and says how it is served; `.refused` is not counted.
    mutating func admit(client: String) -> Decision {
        var entry = clients[client] ?? (0, 0)
        let decision: Decision
        if open >= maxConnections || entry.open >= maxPerClient {
            guard reservedOpen < reserved, entry.reserved < reservedPerClient else { return .refused }
            decision = .reserved(open >= maxConnections ? .server : .client)
            reservedOpen += 1
            entry.reserved += 1
        } else {
            decision = .admitted
            open += 1
            entry.open += 1
        }
        clients[client] = entry
        return decision
    }

    /// The connection `admit` let in has closed.
    mutating func release(client: String, decision: Decision) {
        guard var entry = clients[client] else { return }
        switch decision {
        case .admitted:
            open -= 1
            entry.open -= 1
        case .reserved:
            reservedOpen -= 1
            entry.reserved -= 1
        case .refused:
            return
        }
        clients[client] = entry.open == 0 && entry.reserved == 0 ? nil : entry
    }

    /// Connections open from `client` (admitted, reserved).
    func connections(of client: String) -> (open: Int, reserved: Int) { clients[client] ?? (0, 0) }
}
