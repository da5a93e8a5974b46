import Testing

@testable import Backprop

/// Other seeds, datasets (2 outputs, 40 and 300 samples: numpy's pairwise mean) and hidden sizes,
/// against values numpy computed (Fixtures/generate_fixtures.py), by both roundings.
@Suite struct NumpyComparisonTests {
    @Test(arguments: numpyCases.map(\.name), NotebookFigureTests.roundings)
    func matchesNumpy(_ name: String, path: CodePath) {
        let fixture = numpyCases.first { $0.name == name }!
        let results = train(fixture.dataset.dataset, fixture.specs, codePath: path)
        for (result, expected) in zip(results, fixture.trials) {
            let label = "\(path) \(name) alpha \(expected.alpha)"
            #expect(result.status == expected.status, "\(label)")
            #expect(result.divergedAtIteration == expected.divergedAt, "\(label)")
            #expect(result.iterationsDone == expected.iterationsDone, "\(label)")
            #expect(result.errorCurve.map(\.iteration) == expected.curve.map(\.0), "\(label)")
            for (point, (_, error)) in zip(result.errorCurve, expected.curve) {
                #expect(isClose(point.error, error), "\(label) error at \(point.iteration): \(point.error) vs \(error)")
            }
            #expect(result.finalError.map { isClose($0, expected.curve.last!.1) } == true, "\(label)")
            for (matrix, values) in zip(result.synapses, expected.synapses) {
                #expect(matrix.values.count == values.count)
                for (actual, wanted) in zip(matrix.values, values) {
                    #expect(isClose(actual, wanted), "\(label) weight \(actual) vs \(wanted)")
                }
            }
            #expect(result.directionChanges.map { $0.flatMap { $0 } } == expected.directionChanges, "\(label)")
            for (actual, wanted) in zip(result.outputs.values, expected.outputs) {
                #expect(isClose(actual, wanted), "\(label) output \(actual) vs \(wanted)")
            }
        }
    }
}
