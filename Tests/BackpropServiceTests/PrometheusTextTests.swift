import Testing

@testable import BackpropService

@Suite struct PrometheusTextTests {
    @Test func histogramBucketsAreCumulativeAndLabelsEscaped() {
        let metrics = ServiceMetrics()
        metrics.recordRequest(route: "/runs/{id}", code: 200, seconds: 0.0004)
        metrics.recordRequest(route: "/runs/{id}", code: 200, seconds: 0.003)
        metrics.recordRequest(route: "/runs/{id}", code: 404, seconds: 100)
        var text = PrometheusText()
        metrics.render(into: &text)
        let lines = text.text.split(separator: "\n").map(String.init)
        #expect(lines.contains("backpropd_http_requests_total{route=\"/runs/{id}\",code=\"200\"} 2"))
        #expect(lines.contains("backpropd_http_requests_total{route=\"/runs/{id}\",code=\"404\"} 1"))
        #expect(lines.contains("backpropd_http_request_duration_seconds_bucket{route=\"/runs/{id}\",le=\"0.0005\"} 1"))
        #expect(lines.contains("backpropd_http_request_duration_seconds_bucket{route=\"/runs/{id}\",le=\"0.005\"} 2"))
        #expect(lines.contains("backpropd_http_request_duration_seconds_bucket{route=\"/runs/{id}\",le=\"60\"} 2"))
        #expect(lines.contains("backpropd_http_request_duration_seconds_bucket{route=\"/runs/{id}\",le=\"+Inf\"} 3"))
        #expect(lines.contains("backpropd_http_request_duration_seconds_count{route=\"/runs/{id}\"} 3"))
        #expect(lines.contains("# TYPE backpropd_http_request_duration_seconds histogram"))

        var escaped = PrometheusText()
        escaped.sample("x", [("l", "a\"b\\c\nd")], 1.5)
        #expect(escaped.text == "x{l=\"a\\\"b\\\\c\\nd\"} 1.5\n")
    }
}
