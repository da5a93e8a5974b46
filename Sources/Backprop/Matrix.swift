/// A dense row-major matrix of doubles. Encodes as JSON rows: `[[1, 0], [0, 1]]`.
public struct Matrix: Sendable, Hashable, Codable {
    public let rows: Int
    public let columns: Int
    /// Row-major: element (r, c) is `values[r * columns + c]`.
    public let values: [Double]

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(rows >= 0 && columns >= 0 && values.count == rows * columns, "matrix shape does not match its values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// nil when the rows differ in length.
    public init?(rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        guard rowArrays.allSatisfy({ $0.count == columns }) else { return nil }
        self.init(rows: rowArrays.count, columns: columns, values: rowArrays.flatMap { $0 })
    }

    public subscript(row: Int, column: Int) -> Double { values[row * columns + column] }

    public var rowArrays: [[Double]] {
        (0..<rows).map { Array(values[($0 * columns)..<(($0 + 1) * columns)]) }
    }

    public init(from decoder: any Decoder) throws {
        let rowArrays = try [[Double]](from: decoder)
        guard let matrix = Matrix(rowArrays: rowArrays) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "matrix rows differ in length"))
        }
        self = matrix
    }

    public func encode(to encoder: any Encoder) throws {
        try rowArrays.encode(to: encoder)
    }
}
