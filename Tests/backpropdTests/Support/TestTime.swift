import Foundation

/// How much longer than usual this run's tests wait: `BACKPROPD_TEST_TIME_SCALE` (default 1).
/// `scripts/test --sanitize=…` sets it because sanitized code (the test bundle and the backpropd
/// it starts) runs 5–20× slower. Only deadlines scale, never what a test asserts happened.
enum TestTime {
    static let scale = ProcessInfo.processInfo.environment["BACKPROPD_TEST_TIME_SCALE"].flatMap(Double.init).map { max(1, $0) } ?? 1

    static func scaled(_ seconds: TimeInterval) -> TimeInterval { seconds * scale }
}
