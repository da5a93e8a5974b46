import Backprop

extension RunRequest {
    static let knownFields: Set<String> = [
        "dataset", "alphas", "hidden_size", "hidden_sizes", "iterations", "seed", "error_every", "name", "labels",
    ]

    /// Validates a parsed body; on failure throws `Problem.invalidFields` naming **every** invalid
    /// field with a JSON pointer, not just the first.
    public init(validating body: JSONValue, limits: ServiceLimits) throws(Problem) {
        var issues: [FieldIssue] = []
        guard case .object(let fields) = body else {
            throw Problem.invalidFields([FieldIssue("", "the body must be a JSON object, got \(body.typeName)")])
        }
        for name in fields.keys.sorted() where !Self.knownFields.contains(name) {
            issues.append(FieldIssue("/" + escapePointer(name), "unknown field; allowed: \(Self.knownFields.sorted().joined(separator: ", "))"))
        }

        let dataset = Self.validateDataset(fields["dataset"], limits: limits, issues: &issues)
        let alphas = Self.validateAlphas(fields["alphas"], limits: limits, issues: &issues)
        let hiddenSizes = Self.validateHiddenSizes(fields["hidden_size"], fields["hidden_sizes"], limits: limits, issues: &issues)
        let iterations = integer(fields["iterations"], at: "/iterations", in: 1...limits.maxIterations, default: limits.defaultIterations, issues: &issues)
        let seed = integer(fields["seed"], at: "/seed", in: 0...Int(UInt32.max), default: 1, issues: &issues)
        let errorEvery = integer(fields["error_every"], at: "/error_every", in: 1...max(1, iterations ?? 1),
                                 default: Self.defaultErrorEvery(iterations: iterations ?? limits.defaultIterations), issues: &issues)
        let name = Self.validateName(fields["name"], limits: limits, issues: &issues)
        let labels = Self.validateLabels(fields["labels"], limits: limits, issues: &issues)

        if let iterations, let errorEvery, iterations / errorEvery > limits.maxCurvePoints {
            let least = (iterations + limits.maxCurvePoints - 1) / limits.maxCurvePoints
            issues.append(FieldIssue("/error_every", "\(iterations) iterations every \(errorEvery) would record \(iterations / errorEvery) curve points per trial; at most \(limits.maxCurvePoints) are allowed (--max-curve-points): use error_every ≥ \(least)"))
        }
        guard issues.isEmpty, let dataset, let alphas, let hiddenSizes, let iterations, let seed, let errorEvery else {
            throw Problem.invalidFields(issues)
        }
        self.init(dataset: dataset.choice, alphas: alphas, hiddenSizes: hiddenSizes, iterations: iterations,
                  seed: UInt32(seed), errorEvery: errorEvery, name: name ?? nil, labels: labels ?? [:])
        try checkBudget(dataset: dataset.value, limits: limits)
    }

    private func checkBudget(dataset: Dataset, limits: ServiceLimits) throws(Problem) {
        let samples = dataset.inputs.rows
        let inputs = dataset.inputs.columns
        let outputs = dataset.targets.columns
        var work = 0.0
        var weights = 0
        for hidden in hiddenSizes {
            let perTrial = hidden == 0 ? inputs * outputs : inputs * hidden + hidden * outputs
            weights += perTrial * alphas.count
            work += Double(samples) * Double(perTrial) * Double(iterations) * Double(alphas.count)
        }
        var issues: [FieldIssue] = []
        if work > limits.maxWork {
            issues.append(FieldIssue("/iterations", "the run needs \(Self.scientific(work)) units of work (samples × weights × iterations × trials); the limit is \(Self.scientific(limits.maxWork)) (--max-work): use fewer iterations, alphas or hidden units"))
        }
        if weights > limits.maxRunWeights {
            issues.append(FieldIssue("/hidden_sizes", "the run's trials hold \(weights) weights in all; the limit is \(limits.maxRunWeights) (--max-run-weights): use fewer alphas or smaller hidden sizes"))
        }
        if !issues.isEmpty { throw Problem.invalidFields(issues) }
    }

    private static func scientific(_ value: Double) -> String {
        value < 1e18 ? String(Int(value)) : value.description
    }

    private static func validateDataset(_ value: JSONValue?, limits: ServiceLimits,
                                        issues: inout [FieldIssue]) -> (choice: DatasetChoice, value: Dataset)? {
        let names = Dataset.builtInNames.joined(separator: ", ")
        switch value {
        case nil:
            issues.append(FieldIssue("/dataset", "required: a built-in name (\(names)) or {\"inputs\": [[…]], \"targets\": [[…]]}"))
        case .string(let name):
            if let dataset = Dataset.builtIn(named: name) { return (.builtIn(name), dataset) }
            issues.append(FieldIssue("/dataset", "unknown dataset \"\(name)\"; built-in datasets: \(names)"))
        case .object(let fields):
            for name in fields.keys.sorted() where name != "inputs" && name != "targets" {
                issues.append(FieldIssue("/dataset/" + escapePointer(name), "unknown field; a dataset has inputs and targets"))
            }
            let before = issues.count
            let inputs = matrix(fields["inputs"], at: "/dataset/inputs", issues: &issues)
            let targets = matrix(fields["targets"], at: "/dataset/targets", issues: &issues)
            guard issues.count == before, let inputs, let targets else { return nil }
            let values = inputs.reduce(0) { $0 + $1.count } + targets.reduce(0) { $0 + $1.count }
            if values > limits.maxDatasetValues {
                issues.append(FieldIssue("/dataset", "the dataset holds \(values) numbers; at most \(limits.maxDatasetValues) are allowed (--max-dataset-values)"))
                return nil
            }
            do {
                let dataset = try Dataset(inputs: inputs, targets: targets, limits: limits.trainingLimits)
                return (.inline(inputs: inputs, targets: targets), dataset)
            } catch {
                issues += error.issues.map { FieldIssue("/dataset" + $0.pointer, $0.message) }
            }
        case let other?:
            issues.append(FieldIssue("/dataset", "expected a built-in name (\(names)) or an object with inputs and targets, got \(other.typeName)"))
        }
        return nil
    }

    private static func matrix(_ value: JSONValue?, at pointer: String, issues: inout [FieldIssue]) -> [[Double]]? {
        guard case .array(let rows)? = value, !rows.isEmpty else {
            issues.append(FieldIssue(pointer, value == nil ? "required: an array of rows of numbers" : "expected a non-empty array of rows of numbers"))
            return nil
        }
        var matrix: [[Double]] = []
        matrix.reserveCapacity(rows.count)
        let before = issues.count
        for (rowIndex, row) in rows.enumerated() {
            guard case .array(let cells) = row else {
                issues.append(FieldIssue("\(pointer)/\(rowIndex)", "expected an array of numbers, got \(row.typeName)"))
                continue
            }
            var values: [Double] = []
            values.reserveCapacity(cells.count)
            for (column, cell) in cells.enumerated() {
                if case .number(let number) = cell, number.isFinite {
                    values.append(number)
                } else {
                    issues.append(FieldIssue("\(pointer)/\(rowIndex)/\(column)", "expected a finite number, got \(cell.typeName)"))
                }
            }
            matrix.append(values)
        }
        return issues.count == before ? matrix : nil
    }

    private static func validateAlphas(_ value: JSONValue?, limits: ServiceLimits, issues: inout [FieldIssue]) -> [Double]? {
        guard case .array(let items)? = value else {
            issues.append(FieldIssue("/alphas", value == nil ? "required: 1 to \(limits.maxAlphas) learning rates > 0" : "expected an array of numbers, got \(value!.typeName)"))
            return nil
        }
        guard (1...limits.maxAlphas).contains(items.count) else {
            issues.append(FieldIssue("/alphas", "must hold 1 to \(limits.maxAlphas) alphas (--max-alphas), got \(items.count)"))
            return nil
        }
        var alphas: [Double] = []
        for (index, item) in items.enumerated() {
            if case .number(let alpha) = item, alpha.isFinite, alpha > 0 {
                alphas.append(alpha)
            } else {
                issues.append(FieldIssue("/alphas/\(index)", "expected a finite number > 0, got \(Self.describe(item))"))
            }
        }
        return alphas.count == items.count ? alphas : nil
    }

    private static func validateHiddenSizes(_ single: JSONValue?, _ list: JSONValue?, limits: ServiceLimits,
                                            issues: inout [FieldIssue]) -> [Int]? {
        let range = 0...limits.maxHiddenSize
        switch (single, list) {
        case (nil, nil):
            return [limits.defaultHiddenSize]
        case (_?, _?):
            issues.append(FieldIssue("/hidden_sizes", "give hidden_size or hidden_sizes, not both"))
            return nil
        case (let single?, nil):
            return integer(single, at: "/hidden_size", in: range, default: limits.defaultHiddenSize, issues: &issues).map { [$0] }
        case (nil, let list?):
            guard case .array(let items) = list, (1...limits.maxHiddenSizes).contains(items.count) else {
                issues.append(FieldIssue("/hidden_sizes", "expected an array of 1 to \(limits.maxHiddenSizes) hidden sizes (--max-hidden-sizes), got \(describe(list))"))
                return nil
            }
            let sizes = items.enumerated().compactMap { index, item in
                integer(item, at: "/hidden_sizes/\(index)", in: range, default: limits.defaultHiddenSize, issues: &issues)
            }
            return sizes.count == items.count ? sizes : nil
        }
    }

    private static func validateName(_ value: JSONValue?, limits: ServiceLimits, issues: inout [FieldIssue]) -> String?? {
        switch value {
        case nil, .null?: return .some(nil)
        case .string(let name)? where name.unicodeScalars.count <= limits.maxNameLength: return .some(name)
        case .string?: issues.append(FieldIssue("/name", "at most \(limits.maxNameLength) characters"))
        case let other?: issues.append(FieldIssue("/name", "expected a string, got \(other.typeName)"))
        }
        return nil
    }

    private static func validateLabels(_ value: JSONValue?, limits: ServiceLimits, issues: inout [FieldIssue]) -> [String: String]? {
        switch value {
        case nil, .null?: return [:]
        case .object(let members)?:
            if members.count > limits.maxLabels {
                issues.append(FieldIssue("/labels", "at most \(limits.maxLabels) labels"))
                return nil
            }
            var labels: [String: String] = [:]
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                let pointer = "/labels/" + escapePointer(key)
                if key.isEmpty || key.unicodeScalars.count > 64 {
                    issues.append(FieldIssue(pointer, "label names have 1 to 64 characters"))
                } else if case .string(let text) = member, text.unicodeScalars.count <= 256 {
                    labels[key] = text
                } else {
                    issues.append(FieldIssue(pointer, "expected a string of at most 256 characters, got \(member.typeName)"))
                }
            }
            return labels.count == members.count ? labels : nil
        case let other?:
            issues.append(FieldIssue("/labels", "expected an object of string labels, got \(other.typeName)"))
            return nil
        }
    }

    private static func describe(_ value: JSONValue) -> String {
        if case .number(let number) = value { return number.description }
        return value.typeName
    }
}

/// An integer field: absent → `defaultValue`; wrong type, fraction or range → an issue and nil.
func integer(_ value: JSONValue?, at pointer: String, in range: ClosedRange<Int>, default defaultValue: Int,
             issues: inout [FieldIssue]) -> Int? {
    guard let value else { return defaultValue }
    guard case .number(let number) = value, number == number.rounded(), number.magnitude < 9.0e15 else {
        issues.append(FieldIssue(pointer, "expected an integer from \(range.lowerBound) to \(range.upperBound), got \(value.typeName == "a number" ? "a fraction" : value.typeName)"))
        return nil
    }
    let integer = Int(number)
    guard range.contains(integer) else {
        issues.append(FieldIssue(pointer, "must be from \(range.lowerBound) to \(range.upperBound), got \(integer)"))
        return nil
    }
    return integer
}

/// RFC 6901: `~` → `~0`, `/` → `~1`.
func escapePointer(_ token: String) -> String {
    token.replacing("~", with: "~0").replacing("/", with: "~1")
}
