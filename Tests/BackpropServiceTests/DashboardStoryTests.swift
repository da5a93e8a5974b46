import Backprop
import Foundation
import Testing

@testable import BackpropService

extension DashboardBrowserTests {
    /// The dashboard tells the sweep's story (issue 15), in a real headless Chromium against an
    /// in-process service: the summary plots and table, colour by alpha, contrast, matrices at any
    /// hidden size without sideways scrolling, keyboard readouts, the boundary's plane, the network
    /// view, "Run again" and labels. Nested in DashboardBrowserTests, whose `.serialized` holds for
    /// these too: one browser at a time, the machine may have two cores.
    @Suite struct Story {
        static let laptop = (width: 1280, height: 900)
        static let phone = (width: 390, height: 844)

        /// Opens a finished run and waits until its view is complete and every card on the page is drawn
        /// (the window grows to the page's height for a moment, so every card comes on screen).
        static func openRun(_ base: String, _ id: String, width: Int, height: Int, phone: Bool = false, artifact: String) -> [[String: Any]] {
            [
                Step.viewport(width, height, mobile: phone),
                Step.navigate("\(base)/#/runs/\(id)"),
                // This run's view (not the one before it, while the route changes), finished and drawn.
                Step.wait("document.querySelector('.run-id code')?.textContent === '\(id)' && \(DashboardBrowserTests.runDrawn)"),
                Step.screenshot(
                    DashboardBrowser.artifacts + "/\(artifact).png", selector: "#run-view", scale: 0.5,
                    ready: "[...document.querySelectorAll('.trial-details[open]')].every((details) => details.closest('.trial').dataset.rendered)",
                    name: "\(artifact)-screenshot"),
            ]
        }

        /// Text and contrast checks shared by every view: no sideways scrolling, every text ≥ 4.5:1.
        /// `measuredAtLeast`: how many texts the probe must have seen (a view's size, so a blank page fails).
        static func expectReadable(_ report: DashboardBrowser.Report, _ name: String, at where_: String, measuredAtLeast: Int = 101) throws {
            let overflow = try report.object("\(name)-overflow")
            #expect(overflow["scroll"] as? Int == 0, "\(where_): the page scrolls sideways: \(overflow)")
            #expect((overflow["culprits"] as? [Any])?.isEmpty == true, "\(where_): \(overflow)")
            let contrast = try report.object("\(name)-contrast")
            #expect((contrast["measured"] as? Int ?? 0) >= measuredAtLeast, "\(where_): measured \(contrast)")
            #expect((contrast["failures"] as? [Any])?.isEmpty == true, "\(where_): text below 4.5:1: \(contrast)")
            #expect((contrast["faded"] as? [Any])?.isEmpty == true, "\(where_): translucent text: \(contrast)")
            #expect((contrast["lowest"] as? Double ?? 0) >= 4.5, "\(where_): \(contrast)")
        }

        static func readability(_ name: String) -> [[String: Any]] {
            [Step.evaluate(DashboardProbes.overflow, name: "\(name)-overflow"), Step.evaluate(DashboardProbes.contrast, name: "\(name)-contrast")]
        }

        /// What the run JSON says about each trial, as the page should summarise it.
        struct TrialFacts {
            var alpha: Double
            var finalError: Double
            var startError: Double
            var directionChanges: Int
            var curve: [(iteration: Int, error: Double)]
            var synapses: [[[Double]]]

            init(_ trial: [String: Any]) throws {
                alpha = try #require(trial["alpha"] as? Double)
                finalError = try #require(trial["final_error"] as? Double)
                let points = try #require(trial["error_curve"] as? [[String: Any]])
                curve = points.compactMap { point in (point["iteration"] as? Int).flatMap { i in (point["error"] as? Double).map { (i, $0) } } }
                startError = try #require(curve.first { $0.iteration == 0 }?.error)
                directionChanges = try #require(trial["direction_changes"] as? [[[Int]]]).joined().joined().reduce(0, +)
                synapses = try #require(trial["synapses"] as? [[[Double]]])
                learned = try #require(trial["learned"] as? Bool)
            }

            var learned: Bool

            /// api.md's rule: not diverged and the final error at most half the error at iteration 0.
            var learnedByRule: Bool { finalError <= 0.5 * startError }

            func firstIteration(atMost threshold: Double) -> Int? { curve.first { $0.error <= threshold }?.iteration }
        }

        static func facts(_ run: [String: Any]) throws -> [TrialFacts] {
            try #require(run["trials"] as? [[String: Any]]).map(TrialFacts.init)
        }

        @Test func notebookSweepSummaryKeyboardAndRunAgain() async throws {
            try await withService { service in
                let alphas = DashboardBrowserTests.notebookAlphas.map { "\($0)" }.joined(separator: ", ")
                let id = try await service.client.submit(
                    #"{"dataset": "xor", "alphas": [\#(alphas)], "hidden_size": 4, "name": "notebook", "labels": {"source": "notebook"}}"#)
                let run = try await service.client.waitUntilFinished(id, timeout: .seconds(300))
                let trials = try Self.facts(run)
                #expect(trials.map(\.learned) == trials.map(\.learnedByRule), "the service's `learned` follows api.md's rule")
                #expect(trials.map(\.learned) == [false, true, true, true, true, true, false], "api.md: the notebook learns at 0.01 to 100")
                let best = try #require((run["summary"] as? [String: Any])?["best"] as? [String: Any])
                let bestIndex = try #require(best["trial"] as? Int)
                let base = "http://127.0.0.1:\(service.port)"

                let readout = { (selector: String) in "document.querySelector('\(selector)').textContent" }
                let report = try await DashboardBrowser.run(
                    Self.openRun(base, id, width: Self.laptop.width, height: Self.laptop.height, artifact: "notebook")
                        + Self.readability("laptop") + [
                            Step.evaluate(DashboardProbes.summary, name: "summary"),
                            Step.evaluate("document.querySelector('.run .facts').textContent", name: "facts"),
                            Step.evaluate(
                                "import('/dashboard/format.js').then((format) => [\(Self.formatExamples.map { "\($0.0)" }.joined(separator: ", "))].map(format.formatNumber))",
                                name: "formatted"),
                            // The summary's plots by keyboard: the first mark (smallest alpha), then the last.
                            Step.evaluate("document.querySelector('#summary-error-plot').focus(), document.activeElement.id", name: "plotFocused"),
                            Step.key("ArrowRight"),
                            Step.evaluate(readout("#summary-readout"), name: "firstMark"),
                            Step.key("End"),
                            Step.evaluate(readout("#summary-readout"), name: "lastMark"),
                            Step.key("Enter"),
                            Step.evaluate("document.querySelector('#network-trial').value", name: "selectedByPlot"),
                            // Sort by final error with the keyboard.
                            Step.evaluate("document.querySelector('#sweep-table th[data-key=finalError] button').focus()", name: "sortFocused"),
                            Step.key("Enter"),
                            Step.evaluate(DashboardProbes.summary, name: "sorted"),
                            // Another error to reach.
                            Step.type("#reach-threshold", "0.01"),
                            Step.evaluate(DashboardProbes.summary, name: "threshold"),
                            // The network view's readout by keyboard.
                            Step.evaluate("document.querySelector('svg.network').focus(), document.activeElement.tagName", name: "networkFocused"),
                            Step.key("ArrowDown"),
                            Step.evaluate(readout("#network-readout"), name: "neuron"),
                            Step.key("ArrowRight"),
                            Step.evaluate(readout("#network-readout"), name: "hiddenNeuron"),
                            // A heatmap-or-table cell has its value; the table cells carry the exact number.
                            Step.evaluate(
                                "[...document.querySelectorAll('.trial')[0].querySelectorAll('table.heatmap.weights td')].map((td) => Number(td.dataset.value))",
                                name: "weightCells"),
                            // Run again: the form starts from this run.
                            Step.click("#run-again"),
                            Step.evaluate(
                                """
                                ({ alphas: document.querySelector('#field-alphas').value, hidden: document.querySelector('#field-hidden').value,
                                   iterations: document.querySelector('#field-iterations').value, seed: document.querySelector('#field-seed').value,
                                   every: document.querySelector('#field-error-every').value, name: document.querySelector('#field-name').value,
                                   labels: document.querySelector('#field-labels').value, dataset: document.querySelector('#field-dataset').value,
                                   focused: document.activeElement.id })
                                """, name: "prefilled"),
                            Step.type("#field-labels", "source=again, broken"),
                            Step.click("#submit-button"),
                            Step.wait("document.querySelector('#error-labels').textContent !== ''"),
                            Step.evaluate(readout("#error-labels"), name: "labelsError"),
                            Step.type("#field-labels", "source=again, owner=ana"),
                            Step.type("#field-iterations", "600"),
                            Step.click("#submit-button"),
                            Step.wait("location.hash !== '#/runs/\(id)' && location.hash.startsWith('#/runs/')"),
                            Step.evaluate("location.hash.slice('#/runs/'.length)", name: "againId"),
                        ] + [Step.viewport(Self.phone.width, Self.phone.height, mobile: true)]
                        + Self.openRun(base, id, width: Self.phone.width, height: Self.phone.height, phone: true, artifact: "notebook-phone")
                        + Self.readability("phone") + [Step.evaluate(DashboardProbes.summary, name: "phoneSummary")])
                #expect(report.problems(expectingStatus: 422).isEmpty, "\(report.problems(expectingStatus: 422))")
                try Self.expectReadable(report, "laptop", at: "notebook at 1280")
                try Self.expectReadable(report, "phone", at: "notebook at 390")

                // One mark per trial in both plots; learned (filled) or not (hollow) as the rule says.
                let summary = try report.object("summary")
                for plot in ["errorMarks", "changeMarks"] {
                    let marks = try #require(summary[plot] as? [[String: Any]])
                    #expect(marks.map { $0["trial"] as? Int } == Array(0..<7), "\(plot): \(marks)")
                    for mark in marks {
                        let trial = trials[mark["trial"] as! Int]
                        #expect(mark["state"] as? String == (trial.learned ? "learned" : "unlearned"), "\(plot) α \(trial.alpha): \(mark)")
                    }
                }
                #expect(summary["bestRings"] as? Int == 2, "the best trial is ringed in both plots")
                // The table: one row per trial in alpha order, with the API's numbers.
                let rows = try #require(summary["rows"] as? [[String: Any]])
                #expect(rows.map { $0["trial"] as? Int } == Array(0..<7))
                for row in rows {
                    let index = row["trial"] as! Int
                    let cells = try #require(row["cells"] as? [String])
                    let trial = trials[index]
                    #expect(cells[0].hasPrefix(Self.format(trial.alpha)), "\(cells)")
                    #expect(cells[1] == "4" && cells[2] == "succeeded" && cells[3] == (trial.learned ? "yes" : "no"), "\(cells)")
                    #expect(cells[4] == Self.format(trial.finalError), "final error \(cells[4]) for \(trial.finalError)")
                    #expect(cells[5] == trial.firstIteration(atMost: 0.05).map(Self.count) ?? "not reached", "reach \(cells[5])")
                    #expect(cells[6] == Self.count(trial.directionChanges), "direction changes \(cells[6]) for \(trial.directionChanges)")
                    #expect(row["best"] as? Bool == (index == bestIndex))
                    #expect(cells[0].contains("best") == (index == bestIndex), "\(cells[0])")
                }
                // One number format everywhere; times in UTC, marked so.
                #expect(report.named["formatted"] as? [String] == Self.formatExamples.map(\.1))
                #expect(Self.formatExamples.allSatisfy { Self.format($0.0) == $0.1 }, "the test's own formatter agrees with the examples")
                let created = try #require(run["created_at"] as? String)
                let facts = try #require(report.named["facts"] as? String)
                #expect(facts.contains("created\(created.prefix(19).replacingOccurrences(of: "T", with: " ")) UTC"), "\(facts)")
                let story = try #require(summary["story"] as? String)
                #expect(story.contains("Best: α = \(Self.format(trials[bestIndex].alpha))"), "\(story)")
                #expect(story.contains("(\(trials.filter(\.learned).count) of 7)"), "\(story)")

                // Keyboard: the plots' readouts, sorting, the threshold, the network.
                #expect(report.named["plotFocused"] as? String == "summary-error-plot")
                let first = try #require(report.named["firstMark"] as? String)
                #expect(first.hasPrefix("α = 0.001 · succeeded · final error \(Self.format(trials[0].finalError))"), "\(first)")
                let last = try #require(report.named["lastMark"] as? String)
                #expect(last.hasPrefix("α = 1000 ·"), "\(last)")
                #expect(report.named["selectedByPlot"] as? String == "6", "Enter selects the trial under the cursor")
                let sorted = try report.object("sorted")
                let sortedRows = try #require(sorted["rows"] as? [[String: Any]]).map { $0["trial"] as! Int }
                #expect(sortedRows == trials.indices.sorted { trials[$0].finalError < trials[$1].finalError }, "\(sortedRows)")
                #expect((sorted["headers"] as? [[String: Any]])?.first { $0["key"] as? String == "finalError" }?["sort"] as? String == "ascending")
                let threshold = try #require(try report.object("threshold")["rows"] as? [[String: Any]])
                for row in threshold {
                    let trial = trials[row["trial"] as! Int]
                    #expect((row["cells"] as? [String])?[5] == trial.firstIteration(atMost: 0.01).map(Self.count) ?? "not reached", "\(row)")
                }
                #expect(report.named["networkFocused"] as? String == "svg")
                let neuron = try #require(report.named["neuron"] as? String)
                #expect(neuron.hasPrefix("x2 · value 0 for sample 1 · weights out: "), "\(neuron)")
                let hidden = try #require(report.named["hiddenNeuron"] as? String)
                #expect(hidden.hasPrefix("h") && hidden.contains("activation") && hidden.contains("weights in: "), "\(hidden)")
                let weightCells = try #require(report.named["weightCells"] as? [Double])
                #expect(weightCells == trials[0].synapses[0].flatMap { $0 } + trials[0].synapses[1].flatMap { $0 }, "tables carry the exact weights")

                // Run again: the form shows the run's request; labels are checked before sending.
                let prefilled = try report.object("prefilled")
                #expect(prefilled["alphas"] as? String == "0.001, 0.01, 0.1, 1, 10, 100, 1000")
                #expect(prefilled["hidden"] as? String == "4" && prefilled["iterations"] as? String == "60000" && prefilled["seed"] as? String == "1")
                #expect(prefilled["every"] as? String == "\((run["request"] as? [String: Any])?["error_every"] as? Int ?? -1)")
                #expect(
                    prefilled["name"] as? String == "notebook" && prefilled["labels"] as? String == "source=notebook"
                        && prefilled["dataset"] as? String == "xor")
                #expect(prefilled["focused"] as? String == "field-alphas")
                #expect((report.named["labelsError"] as? String)?.contains("item 2") == true, "\(report.named["labelsError"] ?? "")")
                let againId = try #require(report.named["againId"] as? String)
                let again = try await service.client.get("/runs/\(againId)").json()
                #expect(again["labels"] as? [String: String] == ["source": "again", "owner": "ana"])
                #expect((again["request"] as? [String: Any])?["alphas"] as? [Double] == DashboardBrowserTests.notebookAlphas)
                #expect((again["request"] as? [String: Any])?["iterations"] as? Int == 600)

                let phoneRows = try #require(try report.object("phoneSummary")["rows"] as? [[String: Any]])
                #expect(phoneRows.count == 7, "the table on a phone")
            }
        }

        @Test func sixtyFourAlphasColouredInOrder() async throws {
            try await withService { service in
                let alphas = (0..<64).map { pow(10, -3 + 6 * Double($0) / 63) }
                let id = try await service.client.submit(
                    quickRunBody(alphas: alphas, iterations: 3_000, errorEvery: 30, extra: #", "name": "64 alphas""#))
                let run = try await service.client.waitUntilFinished(id, timeout: .seconds(300))
                let trials = try Self.facts(run)
                let base = "http://127.0.0.1:\(service.port)"
                let report = try await DashboardBrowser.run(
                    Self.openRun(base, id, width: Self.laptop.width, height: Self.laptop.height, artifact: "alphas-64")
                        + Self.readability("laptop") + [
                            Step.evaluate(DashboardProbes.summary, name: "summary"),
                            Step.evaluate(DashboardProbes.curveColours, name: "colours"),
                            Step.evaluate(
                                """
                                ({ legendOpen: document.querySelector('.legend-details')?.open, cardsOpen: document.querySelectorAll('.trial-details[open]').length,
                                   cards: document.querySelectorAll('.trial').length, endLabels: document.querySelector('svg.chart .end-labels').getAttribute('visibility') })
                                """, name: "compact"),
                        ] + Self.openRun(base, id, width: Self.phone.width, height: Self.phone.height, phone: true, artifact: "alphas-64-phone")
                        + Self.readability("phone") + [Step.evaluate(DashboardProbes.summary, name: "phoneSummary")])
                #expect(report.problems().isEmpty, "\(report.problems())")
                try Self.expectReadable(report, "laptop", at: "64 alphas at 1280")
                try Self.expectReadable(report, "phone", at: "64 alphas at 390")

                for name in ["summary", "phoneSummary"] {
                    let summary = try report.object(name)
                    #expect((summary["errorMarks"] as? [Any])?.count == 64, "\(name): 64 marks of final error")
                    #expect((summary["changeMarks"] as? [Any])?.count == 64, "\(name): 64 marks of direction changes")
                    let rows = try #require(summary["rows"] as? [[String: Any]])
                    #expect(rows.map { $0["trial"] as? Int } == Array(0..<64), "\(name): rows in alpha order")
                    let learnedCells = rows.map { ($0["cells"] as? [String])?[3] }
                    #expect(learnedCells == trials.map { $0.learned ? "yes" : "no" }, "\(name)")
                }
                let compact = try report.object("compact")
                #expect(compact["legendOpen"] as? Bool == false, "64 legend buttons fold away")
                #expect(compact["cardsOpen"] as? Int == 0 && compact["cards"] as? Int == 64, "\(compact)")
                #expect(compact["endLabels"] as? String == "hidden")

                // Colour by alpha: lightness rises with alpha, and equal steps of log alpha are
                // near-equal steps of colour: OKLab distances over every 9 alphas (a step of one is
                // within the 8-bit rounding of sRGB) within a factor of 1.3.
                let colours = try #require(report.named["colours"] as? [[String: Any]])
                #expect(colours.count == 64)
                let labs = try colours.map { try #require($0["lab"] as? [Double]) }
                let order = trials.indices.sorted { trials[$0].alpha < trials[$1].alpha }
                let lightness = order.map { labs[$0][0] }
                #expect(zip(lightness, lightness.dropFirst()).allSatisfy { $0 < $1 }, "lightness by alpha: \(lightness)")
                let spans = stride(from: 9, to: order.count, by: 9).map { end in
                    sqrt(zip(labs[order[end - 9]], labs[order[end]]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +))
                }
                let smallest = try #require(spans.min())
                let largest = try #require(spans.max())
                #expect(smallest > 0.02 && largest / smallest < 1.3, "colour steps \(spans)")
            }
        }

        @Test func matricesFitAtEveryHiddenSize() async throws {
            try await withService { service in
                let largest = ServiceLimits().training.maxHiddenSize
                var ids: [Int: String] = [:]
                var runs: [Int: [String: Any]] = [:]
                for hidden in [4, 32, largest] {
                    let id = try await service.client.submit(
                        quickRunBody(
                            alphas: [0.5, 5], iterations: hidden > 64 ? 200 : 2_000, errorEvery: 10, hiddenSize: hidden,
                            extra: #", "name": "hidden \#(hidden)""#))
                    ids[hidden] = id
                    runs[hidden] = try await service.client.waitUntilFinished(id, timeout: .seconds(300))
                }
                let base = "http://127.0.0.1:\(service.port)"
                let matrices = """
                    [...document.querySelectorAll('.trial')].map((card) => [...card.querySelectorAll('figure.matrix')].map((figure) => figure.classList.contains('as-table') ? 'table' : 'heatmap'))
                    """
                let focusHeatmap =
                    "(() => { const surface = document.querySelector('.trial .weights-block .heatmap-surface'); surface.focus(); return document.activeElement === surface; })()"
                let heatmapReadout =
                    "(() => { const r = document.querySelector('.trial .weights-block .matrix-readout'); return { text: r.textContent, cell: r.dataset.cell, value: Number(r.dataset.value) }; })()"
                let lastTicks =
                    "[...document.querySelectorAll('.trial .weights-block .colour-bar')].map((bar) => bar.querySelector('.last').textContent)"
                // Labelled ticks of each log axis: the error chart's, the summary's final error and alpha axes.
                let logTicks =
                    "['svg.chart .tick.y', '#summary-error-plot .tick.y', '#summary-error-plot .tick.x'].map((selector) => document.querySelectorAll(selector).length)"
                var steps: [[String: Any]] = []
                for hidden in [4, 32, largest] {
                    let id = try #require(ids[hidden])
                    steps +=
                        Self.openRun(base, id, width: Self.laptop.width, height: Self.laptop.height, artifact: "hidden-\(hidden)")
                        + Self.readability("laptop-\(hidden)") + [
                            Step.evaluate(matrices, name: "laptop-\(hidden)-matrices"), Step.evaluate(logTicks, name: "ticks-\(hidden)"),
                        ]
                    if hidden != 4 {
                        steps += [
                            Step.evaluate(focusHeatmap, name: "laptop-\(hidden)-focused"),
                            Step.key("ArrowRight"),
                            Step.evaluate(heatmapReadout, name: "laptop-\(hidden)-readout"),
                            Step.key("ArrowDown"),
                            Step.evaluate(heatmapReadout, name: "laptop-\(hidden)-readout-down"),
                        ]
                    }
                    if hidden == 32 {
                        steps += [
                            Step.evaluate(
                                "[...document.querySelectorAll('.trial .weights-block canvas.heatmap-image')].map((canvas) => canvas.style.width)",
                                name: "heatmapWidths"),
                            Step.evaluate(lastTicks, name: "runScale"),
                            Step.click("input[name=scale-mode][value=trial]"),
                            Step.wait(
                                "(() => { const ticks = \(lastTicks); return ticks.length === 4 && ticks[0] !== ticks[2]; })()",
                                name: "trialScaleDrawn"),
                            Step.evaluate(lastTicks, name: "trialScale"),
                        ]
                    }
                    steps +=
                        Self.openRun(base, id, width: Self.phone.width, height: Self.phone.height, phone: true, artifact: "hidden-\(hidden)-phone")
                        + Self.readability("phone-\(hidden)") + [Step.evaluate(matrices, name: "phone-\(hidden)-matrices")]
                }
                let report = try await DashboardBrowser.run(steps)
                #expect(report.problems().isEmpty, "\(report.problems())")
                for hidden in [4, 32, largest] {
                    try Self.expectReadable(report, "laptop-\(hidden)", at: "hidden \(hidden) at 1280")
                    try Self.expectReadable(report, "phone-\(hidden)", at: "hidden \(hidden) at 390")
                }
                for hidden in [4, 32, largest] {
                    let ticks = try #require(report.named["ticks-\(hidden)"] as? [Int])
                    #expect(ticks.allSatisfy { $0 >= 3 }, "hidden \(hidden): labelled log ticks \(ticks)")
                }
                // Small matrices are tables of numbers; wide or tall ones heatmaps.
                #expect(report.named["laptop-4-matrices"] as? [[String]] == Array(repeating: ["table", "table", "table", "table"], count: 2))
                #expect(
                    report.named["laptop-32-matrices"] as? [[String]] == Array(repeating: ["heatmap", "heatmap", "heatmap", "heatmap"], count: 2))
                #expect(
                    report.named["phone-\(largest)-matrices"] as? [[String]]
                        == Array(repeating: ["heatmap", "heatmap", "heatmap", "heatmap"], count: 2))

                // The heatmap readout by keyboard: one step right is synapse_0[0][1], then down [1][1].
                for hidden in [32, largest] {
                    #expect(report.named["laptop-\(hidden)-focused"] as? Bool == true)
                    let synapse = try #require(((runs[hidden]?["trials"] as? [[String: Any]])?.first?["synapses"] as? [[[Double]]])?.first)
                    let right = try report.object("laptop-\(hidden)-readout")
                    #expect(right["cell"] as? String == "0,1" && right["value"] as? Double == synapse[0][1], "hidden \(hidden): \(right)")
                    #expect((right["text"] as? String)?.hasPrefix("x1 → h2: ") == true, "\(right)")
                    let down = try report.object("laptop-\(hidden)-readout-down")
                    #expect(down["cell"] as? String == "1,1" && down["value"] as? Double == synapse[1][1], "hidden \(hidden): \(down)")
                }
                // Every card's pictures get the card's width (the first cards too, drawn before it was measured).
                let widths = try #require(report.named["heatmapWidths"] as? [String])
                #expect(widths.count == 4 && widths[0] == widths[2] && widths[1] == widths[3], "\(widths)")
                // One scale per layer for the run, or each trial its own.
                let runScale = try #require(report.named["runScale"] as? [String])
                #expect(runScale.count == 4 && runScale[0] == runScale[2] && runScale[1] == runScale[3], "\(runScale)")
                let trialScale = try #require(report.named["trialScale"] as? [String])
                #expect(trialScale[0] != trialScale[2], "\(trialScale)")
            }
        }

        @Test func decisionBoundaryBeyondTwoInputs() async throws {
            try await withService { service in
                let parity =
                    #"{"inputs": [[0,0,0],[0,0,1],[0,1,0],[0,1,1],[1,0,0],[1,0,1],[1,1,0],[1,1,1]], "targets": [[0],[1],[1],[0],[1],[0],[0],[1]]}"#
                let threeInputs = try await service.client.submit(
                    #"{"dataset": \#(parity), "alphas": [1, 10], "hidden_size": 4, "iterations": 2000, "name": "parity"}"#)
                let oneInput = try await service.client.submit(
                    #"{"dataset": {"inputs": [[0],[1]], "targets": [[0],[1]]}, "alphas": [1], "hidden_size": 2, "iterations": 200}"#)
                _ = try await service.client.waitUntilFinished(threeInputs)
                _ = try await service.client.waitUntilFinished(oneInput)
                let base = "http://127.0.0.1:\(service.port)"
                let boundaries = "[...document.querySelectorAll('.trial canvas.boundary')].map((canvas) => canvas.getAttribute('aria-label'))"
                let report = try await DashboardBrowser.run(
                    Self.openRun(base, threeInputs, width: Self.laptop.width, height: Self.laptop.height, artifact: "parity") + [
                        Step.evaluate(
                            """
                            ({ options: [...document.querySelectorAll('#plane-x option')].map((option) => option.textContent),
                               note: document.querySelector('#plane-note').textContent })
                            """, name: "picker"),
                        Step.evaluate(boundaries, name: "before"),
                        // Cards redraw while on screen (or near it): bring them there, then pick x3 across, sample 3.
                        Step.evaluate("document.querySelector('.trial').scrollIntoView()", name: "scrolled"),
                        Step.evaluate(
                            "(() => { const x = document.querySelector('#plane-x'); x.value = '2'; x.dispatchEvent(new Event('change')); const row = document.querySelector('#plane-row'); row.value = '2'; row.dispatchEvent(new Event('change')); })()",
                            name: "picked"),
                        Step.wait("\(boundaries).every((label) => label.includes('over x3 and x2'))"),
                        Step.evaluate(boundaries, name: "after"),
                        Step.evaluate("document.querySelector('#plane-note').textContent", name: "afterNote"),
                    ] + Self.openRun(base, oneInput, width: Self.laptop.width, height: Self.laptop.height, artifact: "one-input") + [
                        Step.evaluate("[...document.querySelectorAll('.trial .boundary-absent')].map((node) => node.textContent)", name: "absent"),
                        Step.evaluate("document.querySelectorAll('#plane-x').length", name: "noPicker"),
                    ])
                #expect(report.problems().isEmpty, "\(report.problems())")
                let picker = try report.object("picker")
                #expect(picker["options"] as? [String] == ["x1", "x2", "x3"])
                #expect((picker["note"] as? String)?.contains("held at sample 1: x3 = 0") == true, "\(picker)")
                let before = try #require(report.named["before"] as? [String])
                #expect(before.count == 2 && before.allSatisfy { $0.contains("over x1 and x2 with x3 = 0") }, "\(before)")
                let after = try #require(report.named["after"] as? [String])
                #expect(after.allSatisfy { $0.contains("over x3 and x2 with x1 = 0") }, "sample 3 is 0 1 0: \(after)")
                #expect((report.named["afterNote"] as? String)?.contains("x1 = 0") == true)
                let absent = try #require(report.named["absent"] as? [String])
                #expect(absent == ["No decision boundary: The boundary needs two inputs; this dataset has 1."], "\(absent)")
                #expect(report.named["noPicker"] as? Int == 0)
            }
        }

        /// Numbers and how the page writes them (issue 15's examples among them).
        static let formatExamples: [(Double, String)] = [
            (-35_417_084, "-35.4e6"), (5e5, "500e3"), (1e200, "100e198"), (1_000_000, "1e6"), (0.000856, "856e-6"), (1000, "1000"),
            (0.5, "0.5"), (0.4964, "0.496"), (12345, "12.3e3"), (999.6, "1000"), (9999.6, "10e3"), (-1.5, "-1.5"), (0, "0"), (0.001, "0.001"),
        ]

        /// The page's number format (3 significant digits, engineering style outside 0.001…9,999),
        /// written again here to check the page against.
        static func format(_ value: Double) -> String {
            guard value != 0 else { return "0" }
            let rounded = Double(String(format: "%.2e", value))!
            let roundedExponent = Int(floor(log10(abs(rounded))))
            func trim(_ text: String) -> String {
                guard text.contains(".") else { return text }
                var text = text
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
                return text
            }
            if (-3...3).contains(roundedExponent) {
                return trim(String(format: "%.\(max(0, 2 - roundedExponent))f", rounded))
            }
            let engineering = Int(floor(Double(roundedExponent) / 3)) * 3
            let mantissa = rounded / pow(10, Double(engineering))
            return trim(String(format: "%.\(max(0, 2 - (roundedExponent - engineering)))f", mantissa)) + "e\(engineering)"
        }

        static func count(_ value: Int) -> String {
            let formatter = NumberFormatter()
            formatter.numberStyle = .decimal
            formatter.locale = Locale(identifier: "en_US")
            return formatter.string(from: NSNumber(value: value))!
        }
    }
}
