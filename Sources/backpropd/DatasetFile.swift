import Backprop
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads `--dataset-file`: JSON `{"inputs": [[…]], "targets": [[…]]}`, validated by `Dataset`.
enum DatasetFile {
    static func load(_ path: String, limits: TrainingLimits) throws(UsageError) -> Dataset {
        let data: Data
        do {
            data = try Data(contentsOf: URL(filePath: path))
        } catch {
            throw UsageError("--dataset-file: cannot read '\(path)'")
        }
        return try parse(data, limits: limits)
    }

    static func parse(_ data: Data, limits: TrainingLimits) throws(UsageError) -> Dataset {
        struct Rows: Decodable {
            let inputs: [[Double]]
            let targets: [[Double]]
        }
        let rows: Rows
        do {
            rows = try JSONDecoder().decode(Rows.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw UsageError("--dataset-file: missing \"\(key.stringValue)\" (an array of rows of numbers)")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw UsageError("--dataset-file: /\(context.codingPath.map(\.pointerComponent).joined(separator: "/")) must be a number inside an array of rows")
        } catch {
            throw UsageError("--dataset-file: not valid JSON")
        }
        do {
            return try Dataset(inputs: rows.inputs, targets: rows.targets, limits: limits)
        } catch {
            throw UsageError("--dataset-file: \(error.description)")
        }
    }
}

extension CodingKey {
    var pointerComponent: String { intValue.map(String.init) ?? stringValue }
}
