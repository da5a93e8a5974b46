import Posix

/// The service's counters and the request-duration histogram. Gauges (runs by status, queue
/// depth, busy workers) are read from their owners when `/metrics` is scraped.
public final class ServiceMetrics: Sendable {
    /// Upper bounds in seconds of the request-duration histogram buckets.
    public static let durationBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    private struct Histogram {
        var counts = [Int](repeating: 0, count: ServiceMetrics.durationBuckets.count)
        var sum = 0.0
        var count = 0
    }

    private struct RouteCode: Hashable { var route: String; var code: Int }

    private struct State {
        var requests: [RouteCode: Int] = [:]
        var durations: [String: Histogram] = [:]
        var trialsCompleted: [String: Int] = [:]
        var iterationsCompleted = 0
        var runsSubmitted = 0
        var storageFailures = 0
        var runFilesSkipped: [String: Int] = [:]
        var eventStreams = 0
        var longPolls = 0
    }

    private let state = Locked(State())

    public init() {}

    public func recordRequest(route: String, code: Int, seconds: Double) {
        state.withLock { state in
            state.requests[RouteCode(route: route, code: code), default: 0] += 1
            var histogram = state.durations[route] ?? Histogram()
            if let bucket = Self.durationBuckets.firstIndex(where: { seconds <= $0 }) { histogram.counts[bucket] += 1 }
            histogram.sum += seconds
            histogram.count += 1
            state.durations[route] = histogram
        }
    }

    public func recordTrialCompleted(status: String) { state.withLock { $0.trialsCompleted[status, default: 0] += 1 } }
    public func recordIterations(_ count: Int) { state.withLock { $0.iterationsCompleted += count } }
    public func recordRunSubmitted() { state.withLock { $0.runsSubmitted += 1 } }
    public func recordStorageFailure() { state.withLock { $0.storageFailures += 1 } }
    /// The run files start-up left where they were, by reason (`RunStore.Skipped.Reason`).
    public func recordRunFilesSkipped(_ reasons: [RunStore.Skipped.Reason]) {
        state.withLock { state in
            state.runFilesSkipped = [:]
            for reason in reasons { state.runFilesSkipped[reason.rawValue, default: 0] += 1 }
        }
    }
    /// An event stream opened (+1) or ended (-1).
    public func recordEventStream(_ change: Int) { state.withLock { $0.eventStreams += change } }
    /// A long-poll began (+1) or stopped (-1) waiting.
    public func recordLongPoll(_ change: Int) { state.withLock { $0.longPolls += change } }

    public func render(into text: inout PrometheusText) {
        let state = self.state.withLock { $0 }
        text.family("backpropd_runs_submitted_total", .counter, help: "Runs accepted by POST /runs.")
        text.sample("backpropd_runs_submitted_total", [], Double(state.runsSubmitted))
        text.family("backpropd_trials_completed_total", .counter, help: "Trials finished, by final status.")
        for status in ["succeeded", "diverged", "cancelled"] {
            text.sample("backpropd_trials_completed_total", [("status", status)], Double(state.trialsCompleted[status] ?? 0))
        }
        text.family("backpropd_iterations_completed_total", .counter, help: "Training iterations done by all workers.")
        text.sample("backpropd_iterations_completed_total", [], Double(state.iterationsCompleted))
        text.family("backpropd_storage_failures_total", .counter, help: "Run files that could not be written.")
        text.sample("backpropd_storage_failures_total", [], Double(state.storageFailures))
        text.family(
            "backpropd_run_files_skipped", .gauge,
            help: "Run files start-up left where they are (another format, not a regular file, too large, unreadable); named in the log.")
        for reason in RunStore.Skipped.Reason.allCases {
            text.sample("backpropd_run_files_skipped", [("reason", reason.rawValue)], Double(state.runFilesSkipped[reason.rawValue] ?? 0))
        }
        text.family("backpropd_event_streams", .gauge, help: "GET /runs/{id}/events streams open.")
        text.sample("backpropd_event_streams", [], Double(state.eventStreams))
        text.family("backpropd_long_polls", .gauge, help: "GET /runs/{id}?wait= requests waiting for news.")
        text.sample("backpropd_long_polls", [], Double(state.longPolls))
        text.family("backpropd_http_requests_total", .counter, help: "HTTP requests answered, by route and status code.")
        for (key, count) in state.requests.sorted(by: { ($0.key.route, $0.key.code) < ($1.key.route, $1.key.code) }) {
            text.sample("backpropd_http_requests_total", [("route", key.route), ("code", String(key.code))], Double(count))
        }
        text.family("backpropd_http_request_duration_seconds", .histogram, help: "Time from request head to response handed to the connection.")
        for (route, histogram) in state.durations.sorted(by: { $0.key < $1.key }) {
            var cumulative = 0
            for (bound, count) in zip(Self.durationBuckets, histogram.counts) {
                cumulative += count
                text.sample(
                    "backpropd_http_request_duration_seconds_bucket", [("route", route), ("le", PrometheusText.format(bound))], Double(cumulative))
            }
            text.sample("backpropd_http_request_duration_seconds_bucket", [("route", route), ("le", "+Inf")], Double(histogram.count))
            text.sample("backpropd_http_request_duration_seconds_sum", [("route", route)], histogram.sum)
            text.sample("backpropd_http_request_duration_seconds_count", [("route", route)], Double(histogram.count))
        }
    }
}
