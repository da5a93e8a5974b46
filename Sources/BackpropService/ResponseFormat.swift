import HTTPServer

/// JSON or CSV, for the endpoints that offer both: `?format=json|csv` when given, else the
/// `Accept` header (CSV when it ranks `text/csv` above JSON, with q-values as RFC 9110 §12.5.1
/// says; JSON otherwise, also for `*/*` and for types neither of which is offered).
enum ResponseFormat: String, Sendable, CaseIterable {
    case json
    case csv

    /// Reads `format` from `query` (a bad value is recorded there) and falls back on `Accept`.
    init(reading query: inout QueryParameters, accept: String?) {
        let formats = Self.allCases.map(\.rawValue).joined(separator: ", ")
        if let format = query.value("format", expected: "one of \(formats)", ResponseFormat.init(rawValue:)) {
            self = format
        } else {
            self = Self.preferred(accept: accept)
        }
    }

    static func preferred(accept: String?) -> ResponseFormat {
        guard let accept else { return .json }
        // Per format: the specificity (2 type/subtype, 1 type/*, 0 */*) and q of the most
        // specific range that matches it.
        var json: (specificity: Int, quality: Double) = (-1, 0)
        var csv: (specificity: Int, quality: Double) = (-1, 0)
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";")
            let type = (parts.first.map { String($0.trimmingOptionalWhitespace()) } ?? "").lowercased()
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingOptionalWhitespace().lowercased() }
                if pair.count == 2, pair[0] == "q", let value = Double(pair[1]), (0...1).contains(value) { quality = value }
            }
            func consider(_ target: inout (specificity: Int, quality: Double), _ specificity: Int) {
                if specificity > target.specificity {
                    target = (specificity, quality)
                } else if specificity == target.specificity {
                    target.quality = max(target.quality, quality)
                }
            }
            switch type {
            case "text/csv": consider(&csv, 2)
            case "application/json": consider(&json, 2)
            case "text/*": consider(&csv, 1)
            case "application/*": consider(&json, 1)
            case "*/*": consider(&csv, 0); consider(&json, 0)
            default: continue
            }
        }
        return csv.quality > json.quality ? .csv : .json
    }
}
