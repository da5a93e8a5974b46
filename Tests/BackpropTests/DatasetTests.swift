import Foundation
import Testing

@testable import Backprop

@Suite struct DatasetTests {
    @Test func builtInsAreTheNotebooks() {
        let xor = Dataset.builtIn(named: "xor")!
        #expect(xor.inputs.rowArrays == [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
        #expect(xor.targets.values == [0, 1, 1, 0])
        let firstColumn = Dataset.builtIn(named: "first-column")!
        #expect(firstColumn.inputs.rowArrays == [[0, 1], [0, 1], [1, 0], [1, 0]])
        #expect(firstColumn.targets.values == [0, 0, 1, 1])
        #expect(Dataset.builtIn(named: "mnist") == nil)
        #expect(Dataset.builtInNames.allSatisfy { Dataset.builtIn(named: $0) != nil })
    }

    @Test(
        arguments: [
            ([[Double]](), [[0.0]], "/inputs", "at least one row"),
            ([[1.0], []], [[0.0], [1.0]], "/inputs/1", "same length"),
            ([[1.0, 2.0], [3.0, .nan]], [[0.0], [1.0]], "/inputs/1/1", "finite"),
            ([[1.0], [2.0]], [[0.0]], "/targets", "one target row per input row"),
            ([[1.0]], [[2e9]], "/targets/0/0", "finite number between"),
            ([[]], [[1.0]], "/inputs/0", "at least one value"),
        ] as [([[Double]], [[Double]], String, String)])
    func refusesWithThePointerOfTheProblem(inputs: [[Double]], targets: [[Double]], pointer: String, message: String) {
        #expect {
            try Dataset(inputs: inputs, targets: targets)
        } throws: { error in
            guard let error = error as? DatasetError else { return false }
            return error.issues.contains { $0.pointer == pointer && $0.message.contains(message) }
        }
    }

    @Test func limitsAreEnforced() {
        var limits = TrainingLimits()
        limits.maxSamples = 2
        limits.maxInputs = 1
        #expect(throws: DatasetError.self) { try Dataset(inputs: [[1], [2], [3]], targets: [[1], [2], [3]], limits: limits) }
        #expect(throws: DatasetError.self) { try Dataset(inputs: [[1, 2]], targets: [[1]], limits: limits) }
    }

    @Test func decodesAndValidatesJSON() throws {
        let json = #"{"inputs": [[0, 1], [1, 0]], "targets": [[1], [0]]}"#
        let dataset = try JSONDecoder().decode(Dataset.self, from: Data(json.utf8))
        #expect(dataset.inputs.rowArrays == [[0, 1], [1, 0]])
        let roundTrip = try JSONDecoder().decode(Dataset.self, from: JSONEncoder().encode(dataset))
        #expect(roundTrip == dataset)
        #expect(throws: DatasetError.self) {
            try JSONDecoder().decode(Dataset.self, from: Data(#"{"inputs": [[0, 1], [1]], "targets": [[1], [0]]}"#.utf8))
        }
    }

    @Test func matrixEncodesAsRowsAndRejectsRaggedRows() throws {
        let matrix = Matrix(rows: 2, columns: 2, values: [1, 2, 3, 4])
        #expect(String(decoding: try JSONEncoder().encode(matrix), as: UTF8.self) == "[[1,2],[3,4]]")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Matrix.self, from: Data("[[1,2],[3]]".utf8)) }
        #expect(Matrix(rowArrays: [[1], [2, 3]]) == nil)
    }
}
