import Testing

@testable import Backprop

/// Every figure a seeded notebook cell printed, reproduced with seed 1 (shared/seed/figures.json),
/// by both roundings: the fastest path's (fused on AVX2/AVX-512) and the scalar path's (separate).
@Suite struct NotebookFigureTests {
    static let roundings = [CodePath.fastest, .scalar]

    @Test(arguments: roundings)
    func inTwoPrintsTheTwoLayerOutputsAfter9999Updates(path: CodePath) {
        let result = train(
            .builtIn(named: "first-column")!,
            [TrialSpec(alpha: 1, hiddenSize: 0, iterations: 9999, errorEvery: 10000, seed: 1)], codePath: path)[0]
        let figures = notebookFigures.filter { $0.case == "first-column" }
        #expect(figures.count == 4)
        for figure in figures {
            #expect(roundsTo(result.outputs[figure.row, 0], printed: figure.value), "row \(figure.row): \(result.outputs[figure.row, 0])")
        }
    }

    @Test(arguments: [("xor-h4", 4), ("xor-h32", 32)], roundings)
    func sweepsReproduceEveryPrintedFigure(case: (String, Int), path: CodePath) {
        let (name, hidden) = `case`
        let figures = notebookFigures.filter { $0.case == name }
        let alphas = Array(Set(figures.compactMap(\.alpha))).sorted()
        let specs = alphas.map { TrialSpec(alpha: $0, hiddenSize: hidden, iterations: 60000, errorEvery: 10000, seed: 1) }
        let results = train(.builtIn(named: "xor")!, specs, codePath: path)
        for figure in figures {
            let result = results[alphas.firstIndex(of: figure.alpha!)!]
            let label = "\(path) \(name) alpha \(figure.alpha!) \(figure.what) \(figure.iteration ?? figure.row)"
            switch figure.what {
            case "error":
                let point = result.errorCurve.first { $0.iteration == figure.iteration }
                #expect(point.map { isClose($0.error, figure.value) } == true, "\(label): \(String(describing: point))")
            case "synapses":
                let value = result.synapses[figure.layer][figure.row, figure.column]
                #expect(roundsTo(value, printed: figure.value), "\(label): \(value)")
            case "direction_changes":
                let value = result.directionChanges[figure.layer][figure.row][figure.column]
                #expect(Double(value) == figure.value, "\(label): \(value)")
            default:
                Issue.record("unknown figure kind \(figure.what)")
            }
        }
    }

    @Test func figuresCoverEveryPrintedCell() {
        #expect(notebookFigures.count == 125)
        #expect(Set(notebookFigures.map(\.what)) == ["outputs", "error", "synapses", "direction_changes"])
    }
}
