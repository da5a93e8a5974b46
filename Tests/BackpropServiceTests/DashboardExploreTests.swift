import Foundation
import Testing

@testable import BackpropService

extension DashboardBrowserTests {
    /// Exploring runs in the dashboard (issue 14), in a real headless Chromium against an
    /// in-process service: the list's filter box, order, label chips and CSV link; renaming a run
    /// in place; charts that load `points=` sized to their width and zoom (drag or keys) into
    /// full resolution, also while the run trains; the compare view and its address. Nested in
    /// DashboardBrowserTests, whose `.serialized` holds for these too.
    @Suite struct Explore {
        /// The ids of the listed runs, in the list's order.
        static let listedIds = "[...document.querySelectorAll('#run-list .run-link')].map((link) => link.dataset.runId).join(',')"

        /// Sets a form control's value as a user would and tells the page (a select's change, a box's input).
        static func setValue(_ selector: String, _ value: String, event: String) -> String {
            "(() => { const node = document.querySelector('\(selector)'); node.value = \(jsString(value)); node.dispatchEvent(new Event('\(event)', { bubbles: true })); return node.value; })()"
        }

        static func jsString(_ text: String) -> String {
            String(data: try! JSONSerialization.data(withJSONObject: [text]), encoding: .utf8)!.dropFirst().dropLast().description
        }

        /// The chart's zoom as the page shows it.
        static let chartState = """
            (() => {
              const svg = document.querySelector('svg.chart');
              return { window: svg.dataset.window ?? '', zoom: svg.dataset.zoom ?? '', loaded: Number(svg.dataset.loaded),
                       pending: svg.dataset.pending, text: document.querySelector('#chart-zoom')?.textContent ?? '',
                       readout: document.querySelector('#chart-readout').textContent,
                       points: Number(document.querySelector('#run-view')?.dataset.points ?? 0),
                       plot: Number(svg.getAttribute('width')), curves: document.querySelectorAll('svg.chart path.curve').length };
            })()
            """

        @Test func listFilterOrderChipsRenameAndCSVLinks() async throws {
            try await withService { service in
                let small = try await service.client.submit(
                    quickRunBody(alphas: [0.5], iterations: 2_000, errorEvery: 20, extra: #", "name": "alpha small", "labels": {"team": "ana"}"#))
                let big = try await service.client.submit(
                    quickRunBody(alphas: [4], iterations: 2_000, errorEvery: 20, extra: #", "name": "beta big", "labels": {"team": "bo"}"#))
                let gamma = try await service.client.submit(
                    quickRunBody(alphas: [1], iterations: 2_000, errorEvery: 20, extra: #", "name": "gamma", "labels": {"team": "ana", "kind": "x"}"#)
                )
                for id in [small, big, gamma] { _ = try await service.client.waitUntilFinished(id) }
                let byError = try #require(try await service.client.get("/runs?sort=best_error").json()["runs"] as? [[String: Any]]).compactMap {
                    $0["id"] as? String
                }
                let newest = [gamma, big, small]
                #expect(byError != newest, "the test needs the two orders to differ: \(byError)")
                let renamed = #"gamma, renamed "quoted""#
                let base = "http://127.0.0.1:\(service.port)"
                let fetchText =
                    "(href) => fetch(href).then(async (response) => ({ status: response.status, type: response.headers.get('content-type'), text: await response.text() }))"
                let report = try await DashboardBrowser.run([
                    Step.viewport(1280, 900),
                    Step.navigate(base + "/"),
                    Step.wait("document.querySelectorAll('#run-list .run-link').length === 3"),
                    Step.evaluate(Self.listedIds, name: "newest"),
                    Step.evaluate(
                        "Object.fromEntries([...document.querySelectorAll('#run-list .run-item')].map((item) => [item.querySelector('.run-link').dataset.runId, [...item.querySelectorAll('.chip')].map((chip) => chip.textContent)]))",
                        name: "chips"),
                    // Order by best error.
                    Step.evaluate(Self.setValue("#run-sort", "best_error", event: "change"), name: "sorted"),
                    Step.wait("\(Self.listedIds) === '\(byError.joined(separator: ","))'", name: "byError"),
                    // The filter box: a label, then a label and a word of the name.
                    Step.type("#run-filter", "team:ana"),
                    Step.wait(
                        "\(Self.listedIds).split(',').sort().join(',') === '\([small, gamma].sorted().joined(separator: ","))'", name: "labelled"),
                    Step.type("#run-filter", "team:ana GAM"),
                    Step.wait("\(Self.listedIds) === '\(gamma)'", name: "labelAndName"),
                    Step.evaluate(Self.setValue("#run-filter", "", event: "input"), name: "cleared"),
                    Step.wait("document.querySelectorAll('#run-list .run-link').length === 3"),
                    // A label chip filters by its label; the list's CSV link follows the filter.
                    Step.click(".run-item .chip[data-label=\"kind:x\"]"),
                    Step.wait("\(Self.listedIds) === '\(gamma)'", name: "chipFiltered"),
                    Step.evaluate("document.querySelector('#run-filter').value", name: "chipFilter"),
                    Step.evaluate(
                        "(\(fetchText))(document.querySelector('#runs-csv').href).then((csv) => ({ ...csv, href: document.querySelector('#runs-csv').getAttribute('href') }))",
                        name: "listCSV"),
                    // Rename in place from the run's view.
                    Step.navigate(base + "/#/runs/\(gamma)"),
                    Step.wait(DashboardBrowserTests.runDrawn),
                    Step.click("#rename-run"),
                    Step.evaluate("document.activeElement.id", name: "renameFocused"),
                    Step.type("#rename-input", renamed),
                    Step.key("Enter"),
                    Step.wait(
                        "document.querySelector('#run-title').textContent === \(Self.jsString(renamed)) && !document.querySelector('#run-title').hidden"
                    ),
                    Step.wait(
                        "document.querySelector('#run-list .run-link[data-run-id=\"\(gamma)\"] .run-name').textContent === \(Self.jsString(renamed))",
                        name: "listRenamed"),
                    Step.evaluate("document.activeElement.id", name: "renamedFocus"),
                    // Too long a name: the server's problem, shown beside the field.
                    Step.click("#rename-run"),
                    Step.type("#rename-input", String(repeating: "n", count: 201)),
                    Step.key("Enter"),
                    Step.wait("document.querySelector('#rename-error').textContent !== ''", name: "renameError"),
                    Step.key("Escape"),
                    Step.evaluate("(\(fetchText))(document.querySelector('#run-csv').href)", name: "runCSV"),
                ])
                #expect(report.problems(expectingStatus: 422).isEmpty, "\(report.problems(expectingStatus: 422))")
                #expect(report.named["newest"] as? String == newest.joined(separator: ","), "newest first by default")
                let chips = try report.object("chips")
                #expect(chips[gamma] as? [String] == ["kind=x", "team=ana"])
                #expect(chips[small] as? [String] == ["team=ana"])
                #expect(report.named["sorted"] as? String == "best_error")
                #expect(report.named["chipFilter"] as? String == "kind:x")

                let listCSV = try report.object("listCSV")
                #expect(listCSV["status"] as? Int == 200)
                #expect((listCSV["type"] as? String)?.hasPrefix("text/csv") == true, "\(listCSV)")
                #expect(listCSV["href"] as? String == "/runs?label=kind%3Ax&sort=best_error&format=csv", "\(listCSV)")
                let listRows = (listCSV["text"] as? String ?? "").split(separator: "\r\n")
                #expect(listRows.count == 2 && listRows[0].hasPrefix("id,name,status,") && listRows[1].hasPrefix(gamma), "\(listRows)")

                #expect(report.named["renameFocused"] as? String == "rename-input")
                #expect(report.named["renamedFocus"] as? String == "rename-run", "the focus goes back to the Rename button")
                let stored = try await service.client.get("/runs/\(gamma)").json()
                #expect(stored["name"] as? String == renamed, "the rename was PATCHed")
                #expect((stored["labels"] as? [String: String]) == ["team": "ana", "kind": "x"], "a merge patch of the name keeps the labels")

                let runCSV = try report.object("runCSV")
                #expect((runCSV["type"] as? String)?.hasPrefix("text/csv") == true)
                let runRows = (runCSV["text"] as? String ?? "").split(separator: "\r\n")
                #expect(runRows.first == "trial,alpha,hidden_size,iteration,error")
                #expect(runRows.count == 1 + 101, "one row per curve point of the one trial: \(runRows.count)")
            }
        }

        /// A finished run's chart loads about two points per pixel column, not the 10,001 per
        /// trial stored; zooming (keys, then a drag) reads the window at full resolution.
        @Test func chartLoadsPointsForItsWidthAndZoomReadsFullResolution() async throws {
            try await withService { service in
                let id = try await service.client.submit(
                    quickRunBody(alphas: [0.5, 2], iterations: 10_000, errorEvery: 1, extra: #", "name": "long curves""#))
                _ = try await service.client.waitUntilFinished(id)
                let base = "http://127.0.0.1:\(service.port)"
                let zoomed =
                    "document.querySelector('svg.chart').dataset.zoom === 'loaded' && document.querySelector('svg.chart').dataset.pending === '0'"
                let report = try await DashboardBrowser.run([
                    Step.viewport(1280, 900),
                    Step.navigate(base + "/#/runs/\(id)"),
                    Step.wait(DashboardBrowserTests.runDrawn),
                    Step.evaluate(Self.chartState, name: "whole"),
                    // Keys: + five times (each halves the window around its middle).
                    Step.evaluate("document.querySelector('svg.chart').focus(), document.activeElement.tagName", name: "focused"),
                    Step.key("+"), Step.key("+"), Step.key("+"), Step.key("+"), Step.key("+"),
                    Step.wait(zoomed),
                    Step.key("End"),
                    Step.evaluate(Self.chartState, name: "keys"),
                    // 0 shows everything again; a drag across the chart zooms to what it covered.
                    Step.key("0"),
                    Step.wait(
                        "document.querySelector('svg.chart').dataset.window === '' && document.querySelector('svg.chart').dataset.pending === '0'"),
                    Step.evaluate(Self.chartState, name: "reset"),
                    ["do": "drag", "selector": "svg.chart", "dx": -120, "to_dx": -100, "dy": 0],
                    Step.wait(zoomed),
                    Step.evaluate(Self.chartState, name: "dragged"),
                    Step.click("#zoom-reset"),
                    Step.wait("document.querySelector('svg.chart').dataset.window === ''", name: "buttonReset"),
                ])
                #expect(report.problems().isEmpty, "\(report.problems())")
                let whole = try report.object("whole")
                let points = try #require(whole["points"] as? Int)
                #expect(points >= 400 && points <= 2 * 1280, "points= follows the view's width: \(whole)")
                let loaded = try #require(whole["loaded"] as? Int)
                #expect(loaded <= 2 * points && loaded < 10_001, "the chart holds at most points= per trial, not 10,001: \(whole)")
                #expect(whole["curves"] as? Int == 2)

                let keys = try report.object("keys")
                #expect(keys["window"] as? String == "4843-5157", "five halvings of 0…10,000 around its middle: \(keys)")
                #expect(keys["loaded"] as? Int == 2 * 315, "every point of the window, both trials: \(keys)")
                #expect((keys["readout"] as? String)?.contains("iteration 5,157 · error") == true, "End reads the window's last point: \(keys)")
                #expect((keys["text"] as? String) == "Iterations 4,843 to 5,157.")

                let reset = try report.object("reset")
                #expect(reset["loaded"] as? Int == loaded, "0 goes back to the whole run's points: \(reset)")
                let dragged = try report.object("dragged")
                let window = try #require(dragged["window"] as? String).split(separator: "-").compactMap { Int($0) }
                try #require(window.count == 2, "\(dragged)")
                // 20 px of a plot about 800 px wide over 10,000 iterations: some 250 iterations.
                #expect(window[1] - window[0] > 100 && window[1] - window[0] < 600, "\(dragged)")
                #expect(dragged["loaded"] as? Int == 2 * (window[1] - window[0] + 1), "every point of the dragged window: \(dragged)")
            }
        }

        /// Zoomed into a training run's window, live points keep coming into it and the window stays.
        @Test func liveUpdatesKeepTheZoom() async throws {
            try await withService { service in
                // Hidden 128 (4.1e10 units of work, about 15 s a trial in a debug build on the
                // 2-vCPU Xeon): still training when the page has zoomed and read on, also on a CPU
                // several times faster; it is cancelled at the end.
                let id = try await service.client.submit(
                    #"{"dataset": "xor", "alphas": [0.5, 1], "hidden_size": 128, "iterations": 10000000, "error_every": 2000, "name": "live zoom"}"#)
                let base = "http://127.0.0.1:\(service.port)"
                // Home puts the cursor on iteration 0, + halves the window around it: [0, W]. Zoom
                // until W is about four times what has trained, so the run goes on inside it.
                let zoomAhead = """
                    (async () => {
                      const svg = document.querySelector('svg.chart');
                      const press = (key) => svg.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
                      const run = await fetch('/runs/\(id)?since=9007199254740991').then((response) => response.json());
                      const trained = Math.max(20000, ...run.trials.map((trial) => trial.iterations_done));
                      for (let i = 0; i < 24; i++) {
                        const to = Number((svg.dataset.window || '0-10000000').split('-')[1]);
                        if (to / 2 < 4 * trained) break;
                        press('Home'); press('+');
                      }
                      return svg.dataset.window;
                    })()
                    """
                let report = try await DashboardBrowser.run([
                    Step.viewport(1280, 900),
                    Step.navigate(base + "/#/runs/\(id)"),
                    Step.wait(
                        "document.querySelector('#run-view').dataset.state === 'live' && Number(document.querySelector('svg.chart')?.dataset.loaded) > 4"
                    ),
                    Step.evaluate(zoomAhead, name: "window"),
                    Step.wait("document.querySelector('svg.chart').dataset.zoom === 'loaded'"),
                    Step.evaluate(Self.chartState, name: "zoomed"),
                    Step.evaluate("window.zoomedLoaded = Number(document.querySelector('svg.chart').dataset.loaded)", name: "zoomedLoaded"),
                    Step.wait("Number(document.querySelector('svg.chart').dataset.loaded) >= window.zoomedLoaded + 4", timeout: 120),
                    Step.evaluate(Self.chartState, name: "later"),
                ])
                _ = try await service.client.send("POST", "/runs/\(id)/cancel")
                #expect(report.problems().isEmpty, "\(report.problems())")
                let zoomed = try report.object("zoomed")
                let later = try report.object("later")
                #expect((zoomed["window"] as? String)?.hasPrefix("0-") == true, "\(zoomed)")
                #expect(later["window"] as? String == zoomed["window"] as? String, "the window stays while points arrive: \(zoomed) → \(later)")
                #expect((later["loaded"] as? Int ?? 0) > (zoomed["loaded"] as? Int ?? 0), "live points join the zoomed window: \(zoomed) → \(later)")
                #expect(later["zoom"] as? String == "loaded")
            }
        }

        /// Tick runs, compare them; the address opens the same view; another trial can be drawn.
        @Test func compareViewFromTicksAndFromItsAddress() async throws {
            try await withService { service in
                let bodies = [
                    quickRunBody(alphas: [0.5, 1, 2], iterations: 2_000, errorEvery: 20, extra: #", "name": "first""#),
                    quickRunBody(alphas: [0.1, 10], iterations: 3_000, errorEvery: 30, extra: #", "name": "second""#),
                    quickRunBody(alphas: [4, 8], iterations: 1_000, errorEvery: 10, hiddenSize: 8, extra: #", "name": "third""#),
                ]
                var ids: [String] = []
                var runs: [[String: Any]] = []
                for body in bodies { ids.append(try await service.client.submit(body)) }
                for id in ids { runs.append(try await service.client.waitUntilFinished(id)) }
                let best = try runs.map { try #require(($0["summary"] as? [String: Any])?["best"] as? [String: Any]) }
                let base = "http://127.0.0.1:\(service.port)"
                let compared =
                    "document.querySelector('#compare-view').dataset.state === 'complete' && document.querySelector('#compare-view svg.chart')?.dataset.pending === '0'"
                let table = """
                    (() => ({
                      hash: location.hash,
                      title: document.querySelector('#compare-title').textContent,
                      runViewHidden: document.querySelector('#run-view').hidden,
                      rows: [...document.querySelectorAll('#compare-table tbody tr')].map((row) => ({
                        id: row.dataset.runId, name: row.querySelector('th').textContent.trim(),
                        alpha: row.querySelector('.best-alpha').textContent, error: row.querySelector('.best-error').textContent,
                        chosen: Number(row.querySelector('select').value), options: row.querySelectorAll('select option').length })),
                      curves: [...document.querySelectorAll('#compare-view svg.chart path.curve')].map((path) => Number(path.dataset.points)),
                      legend: [...document.querySelectorAll('#compare-view .legend-item')].map((item) => item.textContent),
                      ticked: [...document.querySelectorAll('.run-tick:checked')].map((box) => box.dataset.runId),
                      stray: [...document.querySelector('#compare-view').childNodes].filter((node) => node.nodeType === 3).map((node) => node.textContent),
                    }))()
                    """
                let report = try await DashboardBrowser.run(
                    [
                        Step.viewport(1280, 900),
                        Step.navigate(base + "/"),
                        Step.wait("document.querySelectorAll('#run-list .run-link').length === 3"),
                        Step.evaluate("document.querySelector('#compare-runs').disabled", name: "disabledBefore"),
                        Step.click(".run-tick[data-run-id=\"\(ids[0])\"]"),
                        Step.click(".run-tick[data-run-id=\"\(ids[2])\"]"),
                        Step.click(".run-tick[data-run-id=\"\(ids[1])\"]"),
                        Step.evaluate("document.querySelector('#compare-runs').textContent", name: "button"),
                        Step.click("#compare-runs"),
                        Step.wait(compared),
                        Step.evaluate(table, name: "ticked"),
                    ] + Story.readability("compare") + [
                        // Another trial of the first run.
                        Step.evaluate(Self.setValue("#compare-table tbody tr:first-child select", "2", event: "change"), name: "chose"),
                        Step.wait("document.querySelector('#compare-view .legend-item').textContent.includes('α = 2,') && \(compared)"),
                        Step.evaluate(table, name: "other"),
                        // Zoom works here too.
                        Step.evaluate("document.querySelector('#compare-view svg.chart').focus(), document.activeElement.tagName", name: "focused"),
                        Step.key("+"),
                        Step.wait("document.querySelector('#compare-view svg.chart').dataset.zoom === 'loaded'"),
                        Step.evaluate("document.querySelector('#compare-view svg.chart').dataset.window", name: "zoomWindow"),
                        // The address alone opens the same view (here two of the runs, in that order).
                        Step.navigate(base + "/#/compare/\(ids[2]),\(ids[0])"),
                        Step.wait(compared),
                        Step.evaluate(table, name: "address"),
                        Step.viewport(390, 844, mobile: true),
                        Step.navigate(base + "/#/compare/\(ids.joined(separator: ","))"),
                        Step.wait(compared),
                    ] + Story.readability("comparePhone"))
                #expect(report.problems().isEmpty, "\(report.problems())")
                #expect(report.named["disabledBefore"] as? Bool == true)
                #expect(report.named["button"] as? String == "Compare 3 runs")
                let ticked = try report.object("ticked")
                let order = [ids[0], ids[2], ids[1]]
                #expect(ticked["hash"] as? String == "#/compare/\(order.joined(separator: ","))")
                #expect(ticked["title"] as? String == "Compare 3 runs")
                #expect(ticked["runViewHidden"] as? Bool == true)
                #expect((ticked["stray"] as? [String])?.isEmpty == true, "no stray text in the view: \(ticked["stray"] ?? "")")
                #expect((ticked["legend"] as? [String])?.map { $0.prefix(5) } == ["first", "third", "secon"], "the legend in the table's order")
                let rows = try #require(ticked["rows"] as? [[String: Any]])
                try #require(rows.count == 3)
                for (row, index) in zip(rows, [0, 2, 1]) {
                    #expect(row["id"] as? String == ids[index])
                    #expect(row["name"] as? String == ["first", "second", "third"][index])
                    let alpha = try #require(best[index]["alpha"] as? Double)
                    #expect(row["alpha"] as? String == DashboardBrowserTests.jsNumber(alpha), "\(row)")
                    let error = try #require(best[index]["final_error"] as? Double)
                    let shown = try #require(Double(row["error"] as? String ?? ""))
                    #expect(abs(shown - error) <= error * 0.006, "3 significant digits of \(error): \(row)")
                    #expect(row["chosen"] as? Int == best[index]["trial"] as? Int, "each run's best trial by default: \(row)")
                    #expect(row["options"] as? Int == (runs[index]["trials"] as? [Any])?.count)
                }
                let curves = try #require(ticked["curves"] as? [Int])
                #expect(curves.count == 3 && curves.allSatisfy { $0 > 10 }, "\(curves)")
                #expect(Set(ticked["ticked"] as? [String] ?? []) == Set(ids))
                try Story.expectReadable(report, "compare", at: "compare at 1280", measuredAtLeast: 60)  // the view has about 100 texts

                let other = try report.object("other")
                let otherRows = try #require(other["rows"] as? [[String: Any]])
                #expect(otherRows.first?["chosen"] as? Int == 2)
                #expect((other["legend"] as? [String])?.first?.contains("α = 2, error") == true, "\(other["legend"] ?? "")")
                #expect((report.named["zoomWindow"] as? String)?.isEmpty == false)

                let address = try report.object("address")
                #expect((address["rows"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[2], ids[0]])
                #expect(Set(address["ticked"] as? [String] ?? []) == [ids[2], ids[0]], "the list's ticks follow the address")
                try Story.expectReadable(report, "comparePhone", at: "compare at 390", measuredAtLeast: 60)
            }
        }
    }
}
