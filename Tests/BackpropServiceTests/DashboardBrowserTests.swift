import Backprop
import Foundation
import TestSupport
import Testing

@testable import BackpropService

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The dashboard in a real headless Chromium against an in-process service. One browser at a
/// time (`.serialized`): the machine may have two cores, shared with the rest of the suite.
@Suite(.serialized) struct DashboardBrowserTests {
    static let notebookAlphas: [Double] = [0.001, 0.01, 0.1, 1, 10, 100, 1000]

    /// The run view shows a finished run, has drawn every curve and put every trial's card on the page.
    static let runDrawn =
        "document.querySelector('#run-view').dataset.state === 'complete' && document.querySelector('svg.chart')?.dataset.pending === '0' && document.querySelector('#run-view').dataset.cards === 'attached'"

    /// Everything the run view shows, read from the DOM in one go.
    static let runViewSummary = """
        (() => {
          const all = (selector, root = document) => [...root.querySelectorAll(selector)];
          const cells = (table) => all('td', table).map((td) => td.textContent);
          return {
            state: document.querySelector('#run-view').dataset.state,
            title: document.querySelector('#run-title')?.textContent,
            curves: all('svg.chart path.curve').map((path) => ({
              trial: Number(path.dataset.trial), points: Number(path.dataset.points),
              stroke: path.getAttribute('stroke'), dash: path.getAttribute('stroke-dasharray') ?? '',
            })),
            legend: all('.legend-item').map((item) => item.textContent),
            endLabels: all('svg.chart .end-label').map((label) => label.textContent),
            cards: all('.trial').map((card) => ({
              rendered: card.dataset.rendered ?? null,
              weights: all('table.heatmap.weights', card).map(cells),
              changes: all('table.heatmap.changes', card).map(cells),
              boundaries: all('canvas.boundary', card).length,
              outputs: all('.outputs-table tbody tr', card).length,
            })),
            listed: all('#run-list .run-link').map((link) => ({
              id: link.dataset.runId, current: link.getAttribute('aria-current'), text: link.textContent,
              progress: link.querySelector('progress').value,
            })),
            facts: document.querySelector('.run .facts').textContent,
          };
        })()
        """

    @Test func notebookSweepRunView() async throws {
        try await withService { service in
            let alphas = Self.notebookAlphas.map { "\($0)" }.joined(separator: ", ")
            let id = try await service.client.submit(#"{"dataset": "xor", "alphas": [\#(alphas)], "hidden_size": 4, "name": "notebook"}"#)
            let run = try await service.client.waitUntilFinished(id, timeout: .seconds(300))
            #expect(run["status"] as? String == "succeeded")
            let trials = try #require(run["trials"] as? [[String: Any]])

            let screenshot = DashboardBrowser.artifacts + "/run-view.png"
            let allCardsDrawn = "document.querySelectorAll('.trial[data-rendered]').length === 7"
            let report = try await DashboardBrowser.run([
                Step.viewport(1280, 900),
                Step.navigate("http://127.0.0.1:\(service.port)/"),
                Step.wait("document.querySelector('#run-list .run-link[data-run-id=\"\(id)\"]') !== null"),
                Step.click("#run-list .run-link[data-run-id=\"\(id)\"]"),
                Step.wait(Self.runDrawn),
                Step.evaluate("location.hash", name: "opened"),
                Step.screenshot(screenshot, selector: "#run-view", scale: 0.5, ready: allCardsDrawn, name: "screenshot"),
                Step.evaluate(Self.runViewSummary, name: "view"),
                Step.hover("svg.chart", dx: -40, dy: 20),
                Step.wait("/iteration [0-9,]+ · error/.test(document.querySelector('#chart-readout').textContent)", name: "hovered"),
                Step.evaluate("!document.querySelector('.tooltip').hidden", name: "tooltip"),
                Step.evaluate("document.querySelector('svg.chart').focus(), document.activeElement.tagName", name: "focused"),
                Step.key("End"),
                Step.evaluate("document.querySelector('#chart-readout').textContent", name: "end"),
                Step.key("ArrowUp"),
                Step.evaluate("document.querySelector('#chart-readout').textContent", name: "previousTrial"),
                Step.evaluate("document.querySelector('.skip-link').focus()", name: "skipFocused"),
                Step.key("Enter"),
                Step.evaluate("[location.hash, document.activeElement.id, document.querySelector('#run-view').hidden]", name: "skipped"),
            ])
            #expect(report.problems().isEmpty, "\(report.problems())")
            #expect(report.named["opened"] as? String == "#/runs/\(id)", "the list links to the run view")
            let view = try report.object("view")
            #expect(view["state"] as? String == "complete")
            #expect(view["title"] as? String == "notebook")

            // Seven curves, told apart by colour and, without colour, by dash pattern and label.
            let curves = try #require(view["curves"] as? [[String: Any]])
            #expect(curves.count == 7)
            #expect(Set(curves.compactMap { $0["stroke"] as? String }).count == 7)
            #expect(Set(curves.compactMap { $0["dash"] as? String }).count == 7)
            for curve in curves {
                // 1,001 points per trial, at most four per pixel column once drawn.
                let points = try #require(curve["points"] as? Int)
                #expect((200...3_000).contains(points), "curve \(curve)")
            }
            let legend = try #require(view["legend"] as? [String])
            let endLabels = try #require(view["endLabels"] as? [String])
            for (index, alpha) in Self.notebookAlphas.enumerated() {
                #expect(legend[index].contains("α = \(Self.jsNumber(alpha))"), "\(legend[index])")
                #expect(endLabels[index] == "α = \(Self.jsNumber(alpha))")
            }

            // Per trial: the API's direction changes in the heatmaps, the weights, outputs, boundary.
            let cards = try #require(view["cards"] as? [[String: Any]])
            #expect(cards.count == 7)
            for (card, trial) in zip(cards, trials) {
                #expect(card["rendered"] as? String == "succeeded")
                let changes = try #require(card["changes"] as? [[String]])
                let apiChanges = try #require(trial["direction_changes"] as? [[[Int]]])
                #expect(changes.map { $0.map { Int($0.replacingOccurrences(of: ",", with: "")) } } == apiChanges.map { $0.flatMap { $0 } })
                let weights = try #require(card["weights"] as? [[String]])
                #expect(weights.map(\.count) == [12, 4], "synapse_0 is 3×4, synapse_1 4×1")
                #expect(card["boundaries"] as? Int == 1)
                #expect(card["outputs"] as? Int == 4)
            }

            let listed = try #require((view["listed"] as? [[String: Any]])?.first)
            #expect(listed["id"] as? String == id)
            #expect(listed["current"] as? String == "page")
            #expect((listed["text"] as? String)?.contains("succeeded") == true)
            #expect(listed["progress"] as? Double == 1)
            let best = try #require((run["summary"] as? [String: Any])?["best"] as? [String: Any])
            let bestAlpha = Self.jsNumber(try #require(best["alpha"] as? Double))
            #expect((listed["text"] as? String)?.contains("best α \(bestAlpha)") == true)
            #expect((view["facts"] as? String)?.contains("best α\(bestAlpha)") == true, "\(view["facts"] ?? "")")

            // Hover and keyboard readouts.
            #expect(report.named["tooltip"] as? Bool == true)
            #expect(report.named["focused"] as? String == "svg")
            let end = try #require(report.named["end"] as? String)
            #expect(end.contains("iteration 60,000 · error"), "\(end)")
            let previous = try #require(report.named["previousTrial"] as? String)
            #expect(previous.contains("iteration 60,000") && previous != end, "\(previous) after \(end)")
            let skipped = try #require(report.named["skipped"] as? [Any])
            #expect(
                skipped[0] as? String == "#/runs/\(id)" && skipped[1] as? String == "main" && skipped[2] as? Bool == false,
                "the skip link focuses the run and keeps the route: \(skipped)")

            // The screenshot is an image of the view, not a blank page.
            let stats = try await DashboardBrowser.imageStatistics(screenshot)
            #expect((stats["width"] as? Int ?? 0) >= 300)
            #expect((stats["foreground_fraction"] as? Double ?? 0) > 0.1, "\(stats)")
            #expect((stats["colours"] as? Int ?? 0) > 100, "\(stats)")
        }
    }

    @Test func listFormErrorsKeyboardAndPhoneWidth() async throws {
        try await withService { service in
            let id = try await service.client.submit(quickRunBody(alphas: [0.5, 1], iterations: 2_000, errorEvery: 20, extra: #", "name": "quick""#))
            _ = try await service.client.waitUntilFinished(id)
            let badBody = #"{"dataset": "xor", "alphas": [0, "fast"], "hidden_size": 4, "iterations": 0, "seed": 1}"#
            let problem = try await service.client.send("POST", "/runs", body: badBody).json()
            let issues = try #require(problem["errors"] as? [[String: String]])

            let base = "http://127.0.0.1:\(service.port)"
            let report = try await DashboardBrowser.run([
                Step.viewport(1280, 900),
                Step.navigate(base + "/"),
                Step.wait(
                    "document.querySelectorAll('#run-list .run-link').length === 1 && document.querySelectorAll('#field-dataset option').length > 1"),
                Step.evaluate(
                    """
                    ({
                      placeholder: !document.querySelector('#run-placeholder').hidden,
                      unlabelled: [...document.querySelectorAll('input, select, textarea')]
                        .filter((control) => control.labels.length === 0 && !control.getAttribute('aria-label')).map((control) => control.id),
                      item: document.querySelector('#run-list .run-link').textContent,
                      datasets: [...document.querySelectorAll('#field-dataset option')].map((option) => option.value),
                    })
                    """, name: "list"),
                Step.key("Tab"),
                Step.evaluate(
                    "({ class: document.activeElement.className, outline: getComputedStyle(document.activeElement).outlineStyle })", name: "tabbed"),
                Step.type("#field-alphas", "0, fast"),
                Step.type("#field-iterations", "0"),
                Step.click("#submit-button"),
                Step.wait("document.querySelector('#error-alphas').textContent !== ''"),
                Step.evaluate(
                    """
                    ({
                      alphas: document.querySelector('#error-alphas').textContent,
                      iterations: document.querySelector('#error-iterations').textContent,
                      invalid: [...document.querySelectorAll('[aria-invalid="true"]')].map((node) => node.id),
                      focused: document.activeElement.id,
                      described: document.querySelector('#field-alphas').getAttribute('aria-describedby'),
                      listed: document.querySelectorAll('#run-list .run-link').length,
                    })
                    """, name: "errors"),
                Step.viewport(390, 844, mobile: true),
                Step.navigate(base + "/#/runs/\(id)"),
                Step.wait(Self.runDrawn),
                Step.evaluate(
                    """
                    ({
                      overflow: document.documentElement.scrollWidth - innerWidth,
                      chart: document.querySelector('svg.chart').getBoundingClientRect().width,
                      curves: document.querySelectorAll('svg.chart path.curve').length,
                    })
                    """, name: "phone"),
            ])
            #expect(report.problems(expectingStatus: 422).isEmpty, "\(report.problems(expectingStatus: 422))")

            let list = try report.object("list")
            #expect(list["placeholder"] as? Bool == true)
            #expect((list["unlabelled"] as? [String])?.isEmpty == true, "\(list["unlabelled"] ?? "")")
            #expect((list["item"] as? String)?.contains("quick") == true)
            #expect(list["datasets"] as? [String] == ["xor", "first-column", "inline"])
            let tabbed = try report.object("tabbed")
            #expect(tabbed["class"] as? String == "skip-link")
            #expect(tabbed["outline"] as? String == "solid", "keyboard focus is visible")

            // The server's messages, next to the fields its JSON pointers name.
            let errors = try report.object("errors")
            let alphasText = try #require(errors["alphas"] as? String)
            let iterationsText = try #require(errors["iterations"] as? String)
            for issue in issues {
                let pointer = try #require(issue["pointer"])
                let detail = try #require(issue["detail"])
                if pointer.hasPrefix("/alphas/") {
                    let item = Int(pointer.dropFirst("/alphas/".count))! + 1
                    #expect(alphasText.contains("item \(item): \(detail)"), "\(alphasText) lacks \(detail)")
                } else if pointer == "/iterations" {
                    #expect(iterationsText.contains(detail))
                } else {
                    Issue.record("unexpected pointer \(pointer) for \(badBody)")
                }
            }
            #expect(Set(errors["invalid"] as? [String] ?? []) == ["field-alphas", "field-iterations"])
            #expect(["field-alphas", "field-iterations"].contains(errors["focused"] as? String ?? ""), "focus moves to an invalid field")
            #expect(errors["described"] as? String == "error-alphas")
            #expect(errors["listed"] as? Int == 1, "nothing was submitted")

            let phone = try report.object("phone")
            #expect(phone["overflow"] as? Int == 0, "no sideways scrolling at 390 px")
            #expect((phone["chart"] as? Double ?? 999) <= 390)
            #expect(phone["curves"] as? Int == 2)
        }
    }

    /// A long run followed live, then cancelled and deleted with the page's buttons.
    @Test func liveRunCancelAndDelete() async throws {
        try await withService { service in
            let base = "http://127.0.0.1:\(service.port)"
            let totalPoints =
                "[...document.querySelectorAll('svg.chart path.curve')].reduce((sum, path) => sum + Number(path.dataset.points ?? 0), 0)"
            let report = try await DashboardBrowser.run([
                Step.viewport(1280, 900),
                Step.navigate(base + "/"),
                Step.wait("document.querySelectorAll('#field-dataset option').length > 1"),
                // Still training after the ten seconds the test watches it, whatever the machine:
                // 8 trials × 10,000,000 iterations at hidden 64 (8.2e10 units of work, just under
                // --max-work) last minutes with any code path. At hidden 4 a CI machine twice as
                // fast as this one finished the run before the cancel. It is cancelled.
                Step.type("#field-alphas", "0.5, 1, 2, 4, 8, 16, 32, 64"),
                Step.type("#field-hidden", "64"),
                Step.type("#field-iterations", "10000000"),
                Step.type("#field-error-every", "2000"),
                Step.type("#field-name", "live"),
                Step.click("#submit-button"),
                Step.wait("document.querySelector('#run-view').dataset.state === 'live'"),
                Step.wait("\(totalPoints) > 0", name: "firstPoints"),
                Step.wait("document.querySelector('#run-list .run-link')?.textContent.includes('running')", name: "listedRunning"),
                Step.evaluate("location.hash.slice('#/runs/'.length)", name: "id"),
                Step.evaluate("new Promise((done) => setTimeout(done, 3000)).then(() => \(totalPoints))", name: "pointsBefore"),
                Step.evaluate(Self.networkEdges, name: "networkBefore"),
                Step.evaluate("new Promise((done) => setTimeout(done, 3000)).then(() => \(totalPoints))", name: "pointsAfter"),
                Step.evaluate(Self.networkEdges, name: "networkAfter"),
                Step.evaluate("document.querySelector('#run-view').dataset.status", name: "statusBeforeCancel"),
                Step.click("#cancel-run"),
                Step.wait("document.querySelector('#run-view').dataset.status === 'cancelled'"),
                Step.wait("document.querySelector('#run-list .run-link')?.textContent.includes('cancelled')"),
                Step.click("#delete-run"),
                Step.click("#confirm-delete"),
                Step.wait("location.hash === '#/' && document.querySelectorAll('#run-list .run-link').length === 0", name: "deleted"),
            ])
            #expect(report.problems().isEmpty, "\(report.problems())")
            #expect(report.named["statusBeforeCancel"] as? String == "running", "the run still trains when it is cancelled")
            let before = try #require(report.named["pointsBefore"] as? Int)
            let after = try #require(report.named["pointsAfter"] as? Int)
            #expect(after > before, "the chart grows while the run trains (\(before) → \(after))")

            // The network view follows the selected trial's weights while it trains.
            let networkBefore = try #require(report.named["networkBefore"] as? String)
            let networkAfter = try #require(report.named["networkAfter"] as? String)
            #expect(!networkBefore.isEmpty && networkBefore != networkAfter, "the network's edges change while the trial trains")

            let id = try #require(report.named["id"] as? String)
            #expect(try await service.client.get("/runs/\(id)").status == 404)

            // Live without refetching: one event stream, a few curve-free polls, no loop of full reads.
            let metrics = try await service.client.get("/metrics").text
            let streams = Self.counter(metrics, route: "/runs/{id}/events", code: "200")
            let reads = Self.counter(metrics, route: "/runs/{id}", code: "200") + Self.counter(metrics, route: "/runs/{id}", code: "304")
            #expect(streams >= 1 && streams <= 3, "\(streams) event streams")
            #expect(reads <= 40, "\(reads) reads of the run in about ten seconds")
        }
    }

    /// Sigmoid networks on the built-in data saturate rather than diverge, so the run is trained,
    /// then its stored file rewritten the way the engine reports a divergence (the last finite
    /// state at iteration 1,233, diverged at 1,234) and read back by a restarted service.
    @Test func divergedTrialIsMarkedWhereItDiverged() async throws {
        let directory = temporaryDirectory("dashboard-diverged")
        let first = try await offPool { try TestService(dataDirectory: directory) }
        let id: String
        do {
            id = try await first.client.submit(quickRunBody(alphas: [0.5, 50], iterations: 2_000, errorEvery: 20))
            _ = try await first.client.waitUntilFinished(id)
        } catch {
            await first.shutdown()
            throw error
        }
        await first.shutdown()

        try await offPool { try Self.rewriteAsDiverged(directory + "/runs/\(id).json") }

        let second = try await offPool { try TestService(dataDirectory: directory) }
        do {
            let report = try await DashboardBrowser.run([
                Step.viewport(1280, 900),
                Step.navigate("http://127.0.0.1:\(second.port)/#/runs/\(id)"),
                Step.wait(Self.runDrawn),
                Step.evaluate(
                    """
                    (() => {
                      const markers = [...document.querySelectorAll('svg.chart .diverged-marker')];
                      const tick = (text) => [...document.querySelectorAll('svg.chart .tick.x')].find((node) => node.textContent === text);
                      const x0 = Number(tick('0').getAttribute('x'));
                      const x1000 = Number(tick('1,000').getAttribute('x'));
                      const shown = markers.filter((marker) => marker.getAttribute('visibility') === 'visible');
                      return {
                        shown: shown.length,
                        iteration: Number(shown[0]?.dataset.iteration),
                        x: Number(/translate\\(([-0-9.]+),/.exec(shown[0]?.getAttribute('transform') ?? '')?.[1]),
                        expectedX: x0 + (x1000 - x0) * 1.234,
                        legend: document.querySelectorAll('.legend-item')[1].textContent,
                        card: document.querySelectorAll('.trial')[1].dataset.status,
                        facts: document.querySelector('.run .facts').textContent,
                      };
                    })()
                    """, name: "diverged"),
            ])
            #expect(report.problems().isEmpty, "\(report.problems())")
            let diverged = try report.object("diverged")
            #expect(diverged["shown"] as? Int == 1, "one marker, on the diverged trial")
            #expect(diverged["iteration"] as? Int == 1_234)
            let x = try #require(diverged["x"] as? Double)
            let expectedX = try #require(diverged["expectedX"] as? Double)
            #expect(abs(x - expectedX) < 1.5, "marked at iteration 1,234 (x \(x), expected \(expectedX))")
            #expect((diverged["legend"] as? String)?.contains("diverged at 1,234") == true, "\(diverged["legend"] ?? "")")
            #expect(diverged["card"] as? String == "diverged")
            #expect((diverged["facts"] as? String)?.contains("diverged1 of 2") == true)
        } catch {
            await second.shutdown()
            throw error
        }
        await second.shutdown()
    }

    /// The dashboard's live feed (run-feed.js, driven in the page) reads a run whose event stream
    /// is closed twice after a whole event. Each reconnect sends the last event's id as
    /// Last-Event-ID, so over the wire every point arrives exactly once (with `?since=` the
    /// faster trials' points came again), and the feed ends with every trial's whole curve.
    @Test func theLiveFeedResumesAfterTheLastEventItGotWhenItsStreamIsCut() async throws {
        try await withService { service in
            // Two hidden sizes train at different rates; the page cancels the run once the feed
            // has been cut twice and reads on. The run must still train then: with hidden 32 a
            // quiet CI machine finished it first and the cancel got 409 (4.2e10 units of work now).
            let id = try await service.client.submit(
                #"{"dataset": "xor", "alphas": [0.5, 1], "hidden_sizes": [2, 128], "iterations": 10000000, "error_every": 2000}"#)
            let start = """
                (async () => {
                  const id = '\(id)';
                  const realFetch = globalThis.fetch;
                  const feed = window.feedTest = { streams: [], points: {}, done: false, failed: null, cancelled: false };
                  const encoder = new TextEncoder();
                  globalThis.fetch = async (path, init = {}) => {
                    const response = await realFetch(path, init);
                    if (!String(path).includes(`/runs/${id}/events`)) return response;
                    const record = { path: String(path), lastEventId: init.headers?.['Last-Event-ID'] ?? null, sent: '' };
                    feed.streams.push(record);
                    const cutAt = feed.streams.length <= 2 ? 4000 : Infinity;
                    const reader = response.body.getReader();
                    const decoder = new TextDecoder();
                    let held = '';
                    let cutting = false;
                    const body = new ReadableStream({
                      async pull(controller) {
                        const { value, done } = await reader.read();
                        if (done) { if (held) { record.sent += held; controller.enqueue(encoder.encode(held)); } controller.close(); return; }
                        held += decoder.decode(value, { stream: true });
                        let part = held;
                        if (record.sent.length + held.length >= cutAt) {
                          const boundary = held.lastIndexOf('\\n\\n');
                          if (boundary < 0) { controller.enqueue(new Uint8Array(0)); return; }
                          part = held.slice(0, boundary + 2);
                          cutting = true;
                        }
                        held = held.slice(part.length);
                        record.sent += part;
                        controller.enqueue(encoder.encode(part));
                        // The cut: the connection closes after a whole event, as a proxy's would.
                        if (cutting) { reader.cancel().catch(() => {}); controller.close(); return; }
                        if (feed.streams.length >= 3 && !feed.cancelled && record.sent.includes('event: point')) {
                          feed.cancelled = true;
                          realFetch(`/runs/${id}/cancel`, { method: 'POST' });
                        }
                      },
                      cancel() { reader.cancel().catch(() => {}); },
                    }, { highWaterMark: 0 });
                    return new Response(body, { status: response.status, headers: response.headers });
                  };
                  const { RunFollower } = await import('/dashboard/run-feed.js');
                  const add = (trial, iterations) => { (feed.points[trial] ??= []).push(...Array.from(iterations)); };
                  const follower = new RunFollower((message) => {
                    if (message.type === 'run') message.run.trials.forEach((trial, index) => add(index, trial.curve.iterations));
                    if (message.type === 'points') message.points.forEach((batch) => add(batch.trial, batch.iterations));
                    if (message.type === 'failed') feed.failed = message.text;
                    if (message.type === 'complete' || message.type === 'failed') feed.done = true;
                  });
                  follower.open(id);
                  return true;
                })()
                """
            let report = try await DashboardBrowser.run([
                Step.navigate("http://127.0.0.1:\(service.port)/healthz"),
                Step.evaluate(start, name: "started"),
                Step.wait("window.feedTest.done", timeout: 240, name: "done"),
                Step.evaluate(
                    """
                    (() => {
                      const feed = window.feedTest;
                      const events = (text) => text.split('\\n\\n').filter((block) => block.trim() !== '');
                      return {
                        failed: feed.failed, points: feed.points,
                        streams: feed.streams.map((stream) => ({
                          path: stream.path, lastEventId: stream.lastEventId,
                          lastIdSent: [...stream.sent.matchAll(/^id: (.*)$/gm)].pop()?.[1] ?? null,
                          pointsSent: events(stream.sent).filter((block) => block.includes('event: point')).length,
                        })),
                      };
                    })()
                    """, name: "feed"),
            ])
            let problems = report.problems().filter { !$0.contains("/favicon.ico") }  // a JSON page has no icon
            #expect(problems.isEmpty, "\(problems)")
            let feed = try report.object("feed")
            #expect(feed["failed"] is NSNull, "\(feed["failed"] ?? "")")
            let streams = try #require(feed["streams"] as? [[String: Any]])
            try #require(streams.count >= 3, "cut twice, so three connections: \(streams)")
            #expect(streams[0]["lastEventId"] is NSNull && (streams[0]["path"] as? String)?.contains("since=") == true)
            for (previous, next) in zip(streams, streams.dropFirst()) {
                #expect(
                    next["lastEventId"] as? String == previous["lastIdSent"] as? String, "a reconnect resumes after the last event it got: \(next)")
                #expect((next["path"] as? String)?.contains("since=") == false, "\(next)")
            }

            let run = try await service.client.waitUntilFinished(id)
            let trials = try #require(run["trials"] as? [[String: Any]])
            let curves = trials.map { ($0["error_curve"] as? [[String: Any]] ?? []).map { $0["iteration"] as? Int ?? -1 } }
            let sent = streams.map { $0["pointsSent"] as? Int ?? 0 }.reduce(0, +)
            #expect(sent == curves.map(\.count).reduce(0, +), "every point sent once over the wire (\(sent) sent, \(curves.map(\.count)) in the run)")
            let points = try #require(feed["points"] as? [String: [Int]])
            for (index, curve) in curves.enumerated() {
                #expect(points[String(index)] ?? [] == curve, "trial \(index): the feed has the whole curve")
            }
        }
    }

    @Test func tokenProtectedServer() async throws {
        try await withService(configure: { $0.apiToken = "s3cret" }) { service in
            let id = try await service.client.submit(quickRunBody(alphas: [1], iterations: 100), headers: ["Authorization": "Bearer s3cret"])
            let report = try await DashboardBrowser.run([
                Step.viewport(1280, 900),
                Step.navigate("http://127.0.0.1:\(service.port)/"),
                Step.wait(
                    "document.querySelector('#token-panel').open && document.querySelector('#runs-status').textContent.includes('token')",
                    name: "asked"),
                Step.type("#token-input", "s3cret"),
                Step.key("Enter"),
                Step.wait("document.querySelector('#run-list .run-link[data-run-id=\"\(id)\"]') !== null", name: "listed"),
                Step.evaluate("sessionStorage.getItem('backpropd-token')", name: "kept"),
            ])
            #expect(report.problems(expectingStatus: 401).isEmpty, "\(report.problems(expectingStatus: 401))")
            #expect(report.named["kept"] as? String == "s3cret")
        }
    }

    /// The network view's edges (colour and width of each), as one string.
    static let networkEdges =
        "[...document.querySelectorAll('svg.network .edge')].map((edge) => edge.getAttribute('stroke') + edge.getAttribute('stroke-width')).join(' ')"

    /// Trial 1 of the stored run as the engine reports a divergence at iteration 1,234.
    static func rewriteAsDiverged(_ path: String) throws {
        let file = URL(fileURLWithPath: path)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        var stored = try decoder.decode(StoredRun.self, from: Data(contentsOf: file))
        guard var result = stored.trials[1].result?.trialResult else {
            let trials = stored.trials.map { "\($0.status) \($0.iterationsDone) result: \($0.result != nil)" }
            throw DashboardBrowser.Failure(description: "trial 1 of \(path) has no result; stored trials: \(trials)")
        }
        result.errorCurve = result.errorCurve.filter { $0.iteration <= 1_220 } + [CurvePoint(iteration: 1_233, error: 0.25)]
        result.status = .diverged
        result.divergedAtIteration = 1_234
        result.iterationsDone = 1_233
        result.finalError = 0.25
        stored.trials[1].result = StoredRun.Result(result)
        stored.trials[1].status = "diverged"
        stored.trials[1].iterationsDone = 1_233
        stored.events = nil  // rewritten history: the service rebuilds the log from the trials
        try JSONEncoder().encode(stored).write(to: file)
    }

    static func counter(_ metrics: String, route: String, code: String) -> Int {
        let prefix = "backpropd_http_requests_total{route=\"\(route)\",code=\"\(code)\"} "
        return metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0
    }

    /// How JavaScript's String(number) writes the alphas used here.
    static func jsNumber(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : "\(value)"
    }
}
