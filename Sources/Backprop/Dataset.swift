/// Training data: one row of inputs and one row of targets per sample. Validated on creation,
/// so the trainer can rely on its shape and values.
public struct Dataset: Sendable, Hashable, Codable {
    /// samples × inputs. Include a column of ones if the network should learn a bias.
    public let inputs: Matrix
    /// samples × outputs.
    public let targets: Matrix

    public static let builtInNames = ["xor", "first-column"]

    /// `xor`: the notebook's XOR with a bias column (4×3, targets 0 1 1 0).
    /// `first-column`: In [2]'s data, whose target is the first input (4×2, targets 0 0 1 1).
    public static func builtIn(named name: String) -> Dataset? {
        switch name {
        case "xor":
            try? Dataset(inputs: [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], targets: [[0], [1], [1], [0]])
        case "first-column":
            try? Dataset(inputs: [[0, 1], [0, 1], [1, 0], [1, 0]], targets: [[0], [0], [1], [1]])
        default:
            nil
        }
    }

    /// Checks every row: at least one sample, rows of equal length, as many target rows as input
    /// rows, every value finite and within `limits.maxMagnitude`, sizes within `limits`.
    public init(inputs: [[Double]], targets: [[Double]], limits: TrainingLimits = .standard) throws(DatasetError) {
        var issues = Self.issues(in: inputs, field: "inputs", maxColumns: limits.maxInputs, limits: limits)
        issues += Self.issues(in: targets, field: "targets", maxColumns: limits.maxOutputs, limits: limits)
        if !inputs.isEmpty, !targets.isEmpty, inputs.count != targets.count {
            issues.append(
                ValidationIssue(
                    pointer: "/targets", message: "has \(targets.count) rows but inputs has \(inputs.count): one target row per input row"))
        }
        guard issues.isEmpty, let inputMatrix = Matrix(rowArrays: inputs), let targetMatrix = Matrix(rowArrays: targets) else {
            throw DatasetError(issues: issues)
        }
        self.inputs = inputMatrix
        self.targets = targetMatrix
    }

    public var samples: Int { inputs.rows }

    private static func issues(in rows: [[Double]], field: String, maxColumns: Int, limits: TrainingLimits) -> [ValidationIssue] {
        guard let first = rows.first else {
            return [ValidationIssue(pointer: "/\(field)", message: "must have at least one row")]
        }
        var issues: [ValidationIssue] = []
        if rows.count > limits.maxSamples {
            issues.append(ValidationIssue(pointer: "/\(field)", message: "has \(rows.count) rows; at most \(limits.maxSamples) are allowed"))
        }
        if first.isEmpty {
            issues.append(ValidationIssue(pointer: "/\(field)/0", message: "must have at least one value"))
        } else if first.count > maxColumns {
            issues.append(ValidationIssue(pointer: "/\(field)/0", message: "has \(first.count) values; at most \(maxColumns) are allowed"))
        }
        for (row, values) in rows.enumerated() {
            if values.count != first.count {
                issues.append(
                    ValidationIssue(
                        pointer: "/\(field)/\(row)", message: "has \(values.count) values but row 0 has \(first.count): all rows need the same length"
                    ))
            }
            for (column, value) in values.enumerated() where !value.isFinite || abs(value) > limits.maxMagnitude {
                issues.append(
                    ValidationIssue(
                        pointer: "/\(field)/\(row)/\(column)",
                        message: "must be a finite number between -\(limits.maxMagnitude) and \(limits.maxMagnitude)"))
            }
        }
        return issues
    }

    private enum CodingKeys: String, CodingKey { case inputs, targets }

    /// Decodes `{"inputs": [[…]], "targets": [[…]]}` and validates it; a `DatasetError` is thrown
    /// for valid JSON that is not a usable dataset.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            inputs: container.decode([[Double]].self, forKey: .inputs),
            targets: container.decode([[Double]].self, forKey: .targets))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(inputs, forKey: .inputs)
        try container.encode(targets, forKey: .targets)
    }
}
