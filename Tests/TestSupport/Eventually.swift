/// Polls `condition` every 10 ms for up to `seconds`: for effects that happen on the server's
/// queues shortly after the client observed its answer.
public func eventually(within seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
    for _ in 0..<Int(seconds * 100) {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
