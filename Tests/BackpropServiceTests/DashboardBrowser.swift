import Foundation
import TestSupport
import Testing

/// A headless Chromium driven by `scripts/browser/drive-chromium` (the DevTools protocol over a
/// pipe): the tests hand it a list of steps and read back what each returned.
struct DashboardBrowser {
    struct Failure: Error, CustomStringConvertible { var description: String }

    /// What the driver reported: results of the steps that carried a `name`, and every console
    /// message or exception the page produced.
    struct Report {
        var named: [String: Any]
        var console: [String]

        func object(_ name: String) throws -> [String: Any] {
            guard let value = named[name] as? [String: Any] else {
                throw Failure(description: "no object result named \(name): \(named[name] ?? "nil")")
            }
            return value
        }

        /// Console lines that mean the page misbehaved: errors, exceptions, CSP refusals; except
        /// the lines naming an HTTP status the test provoked (Chromium logs every 4xx it loads).
        func problems(expectingStatus status: Int? = nil) -> [String] {
            console.filter { line in
                if let status, line.contains("Failed to load resource: the server responded with a status of \(status) ") { return false }
                return line.hasPrefix("exception") || line.hasPrefix("console.error") || line.hasPrefix("log.error") || line.contains("Refused")
            }
        }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Where tests leave screenshots for people to look at (ignored by git).
    static let artifacts: String = {
        let path = repository.appendingPathComponent(".build/dashboard-tests").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static func script(_ name: String) -> String {
        repository.appendingPathComponent("scripts/browser/\(name)").path
    }

    /// Runs the steps in one fresh browser; throws with the driver's error and the console if a step failed.
    /// The browser runs at nice 10, like the tests' training: the suites share two cores with
    /// timing-sensitive servers.
    static func run(_ steps: [[String: Any]]) async throws -> Report {
        let data = try JSONSerialization.data(withJSONObject: steps)
        let file = try await offPool {
            let file = temporaryDirectory("browser") + "/steps.json"
            try data.write(to: URL(fileURLWithPath: file))
            return file
        }
        let (_, output) = try await runProcess("/usr/bin/env", ["nice", "-n", "10", "python3", script("drive-chromium"), file])
        guard let report = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
            throw Failure(description: "drive-chromium printed no report: \(output.prefix(2000))")
        }
        let console = report["console"] as? [String] ?? []
        guard report["ok"] as? Bool == true else {
            throw Failure(description: "browser: \(report["error"] ?? "?")\nconsole:\n\(console.joined(separator: "\n"))")
        }
        return Report(named: report["named"] as? [String: Any] ?? [:], console: console)
    }

    /// Decodes a PNG with scripts/browser/png-stats: size, distinct colours, share of non-background pixels.
    static func imageStatistics(_ path: String) async throws -> [String: Any] {
        let (status, output) = try await runProcess("/usr/bin/env", ["nice", "-n", "10", "python3", script("png-stats"), path])
        guard status == 0, let stats = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
            throw Failure(description: "png-stats failed (\(status)): \(output)")
        }
        return stats
    }
}

/// The driver's steps (see the header of scripts/browser/drive-chromium).
enum Step {
    static func viewport(_ width: Int, _ height: Int, mobile: Bool = false) -> [String: Any] {
        ["do": "viewport", "width": width, "height": height, "mobile": mobile]
    }

    static func navigate(_ url: String) -> [String: Any] { ["do": "navigate", "url": url, "timeout": TestTime.scaled(seconds: 90)] }

    /// Polls `expression` until it is truthy; generous by default, for a loaded two-core machine
    /// (seconds, times `TestTime.scale`).
    static func wait(_ expression: String, timeout: Int = 120, name: String? = nil) -> [String: Any] {
        named(["do": "wait", "expression": expression, "timeout": TestTime.scaled(seconds: timeout)], name)
    }

    static func evaluate(_ expression: String, name: String) -> [String: Any] {
        ["do": "evaluate", "expression": expression, "name": name]
    }

    static func click(_ selector: String) -> [String: Any] { ["do": "click", "selector": selector] }
    static func hover(_ selector: String, dx: Double = 0, dy: Double = 0) -> [String: Any] {
        ["do": "hover", "selector": selector, "dx": dx, "dy": dy]
    }
    static func type(_ selector: String, _ text: String) -> [String: Any] { ["do": "type", "selector": selector, "text": text] }
    static func key(_ key: String) -> [String: Any] { ["do": "key", "key": key] }

    static func screenshot(_ path: String, selector: String, scale: Double = 1, ready: String, name: String) -> [String: Any] {
        [
            "do": "screenshot", "path": path, "selector": selector, "scale": scale, "ready": ready, "timeout": TestTime.scaled(seconds: 120),
            "name": name,
        ]
    }

    private static func named(_ step: [String: Any], _ name: String?) -> [String: Any] {
        guard let name else { return step }
        return step.merging(["name": name]) { $1 }
    }
}
