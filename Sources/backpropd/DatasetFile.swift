import BackpropService
import CommandLineOptions

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads `--dataset-file`: the JSON a request's inline `dataset` holds,
/// `{"inputs": [[…]], "targets": [[…]]}`, for the run request's validation to check.
enum DatasetFile {
    static func load(_ path: String) throws(UsageError) -> JSONDocument {
        let data: Data
        do {
            data = try Data(contentsOf: URL(filePath: path))
        } catch {
            throw UsageError("--dataset-file: cannot read '\(path)'")
        }
        do {
            return try JSONDocument(parsing: Array(data))
        } catch {
            throw UsageError("--dataset-file: not valid JSON: \(error)")
        }
    }
}
