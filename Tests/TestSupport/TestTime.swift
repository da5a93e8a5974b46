public import Foundation

/// How much longer than usual this run's tests wait: `BACKPROPD_TEST_TIME_SCALE` (default 1).
/// `scripts/test --sanitize=…` sets it because sanitized code (the test bundle and the binaries
/// it starts) runs 5–20× slower. Only deadlines for something to happen scale, never what a test
/// asserts happened.
public enum TestTime {
    public static let scale = ProcessInfo.processInfo.environment["BACKPROPD_TEST_TIME_SCALE"].flatMap(Double.init).map { max(1, $0) } ?? 1

    public static func scaled(_ duration: Duration) -> Duration { duration * scale }
    public static func scaled(seconds: Int) -> Int { Int((Double(seconds) * scale).rounded(.up)) }
    public static func scaled(_ seconds: TimeInterval) -> TimeInterval { seconds * scale }
}
