import Backprop

/// The one validation of a run request: `POST /runs` and `backpropd train` both come through
/// here, with the same defaults, limits and messages.
extension RunRequest {
    static let knownFields: Set<String> = [
        "dataset", "alphas", "hidden_size", "hidden_sizes", "iterations", "seed", "error_every", "name", "labels",
    ]

    /// Parses and validates a body: `Problem.malformedJSON` (400) saying where the text stops
    /// being JSON, or `Problem.invalidFields` (422) naming every invalid field.
    public init(parsing body: [UInt8], limits: ServiceLimits) throws(Problem) {
        let document: JSONDocument
        do throws(JSONSyntaxError) {
            document = try JSONDocument(parsing: body)
        } catch {
            throw Problem.malformedJSON(body.isEmpty ? "the body is empty; send a JSON object" : "the body is not valid JSON: \(error)")
        }
        try self.init(validating: document.root, duplicateMembers: document.duplicateMembers, limits: limits)
    }

    /// Validates a parsed body; on failure throws `Problem.invalidFields` naming **every**
    /// invalid field with a JSON pointer, not just the first. `duplicateMembers` are the pointers
    /// of members the body gave more than once (each is an issue: JSON readers disagree on which
    /// one counts).
    public init(validating body: JSONValue, duplicateMembers: [String] = [], limits: ServiceLimits) throws(Problem) {
        var issues = duplicateMembers.map {
            ValidationIssue($0, "given more than once; give each member once (JSON readers disagree on which one counts)")
        }
        guard case .object(let fields) = body else {
            throw Problem.invalidFields(issues + [ValidationIssue("", "the body must be a JSON object, got \(body.typeName)")])
        }
        for name in fields.keys.sorted() where !Self.knownFields.contains(name) {
            issues.append(ValidationIssue("/" + escapePointer(name), "unknown field; allowed: \(Self.knownFields.sorted().joined(separator: ", "))"))
        }
        let training = limits.training
        let dataset = Self.validateDataset(fields["dataset"], limits: limits, issues: &issues)
        let alphas = Self.validateAlphas(fields["alphas"], limits: limits, issues: &issues)
        let hiddenSizes = Self.validateHiddenSizes(fields["hidden_size"], fields["hidden_sizes"], limits: limits, issues: &issues)
        let iterations = integer(
            fields["iterations"], at: "/iterations", in: 1...training.maxIterations, default: limits.defaultIterations, issues: &issues)
        let seed = integer(fields["seed"], at: "/seed", in: 0...Int(UInt32.max), default: 1, issues: &issues)
        let errorEvery = integer(
            fields["error_every"], at: "/error_every", in: 1...max(1, iterations ?? 1),
            default: limits.defaultErrorEvery(iterations: iterations ?? limits.defaultIterations), issues: &issues)
        let name = Self.validateName(fields["name"], limits: limits, issues: &issues)
        let labels = Self.validateLabels(fields["labels"], limits: limits, issues: &issues)

        if let iterations, let errorEvery, iterations / errorEvery > training.maxCurvePoints {
            let least = (iterations + training.maxCurvePoints - 1) / training.maxCurvePoints
            issues.append(
                ValidationIssue(
                    "/error_every",
                    "\(iterations) iterations every \(errorEvery) would record \(iterations / errorEvery) curve points per trial; at most \(training.maxCurvePoints) are allowed: use error_every ≥ \(least)"
                ))
        }
        guard issues.isEmpty, let dataset, let alphas, let hiddenSizes, let iterations, let seed, let errorEvery else {
            throw Problem.invalidFields(issues)
        }
        self.init(
            datasetName: dataset.name,
            sweep: Sweep(
                dataset: dataset.value, alphas: alphas, hiddenSizes: hiddenSizes, iterations: iterations,
                errorEvery: errorEvery, seed: UInt32(seed)),
            name: name ?? nil, labels: labels ?? [:])
        try checkBudget(limits: limits)
    }

    private func checkBudget(limits: ServiceLimits) throws(Problem) {
        let samples = sweep.dataset.inputs.rows
        let inputs = sweep.dataset.inputs.columns
        let outputs = sweep.dataset.targets.columns
        var work = 0.0
        var weights = 0
        for hidden in sweep.hiddenSizes {
            let perTrial = hidden == 0 ? inputs * outputs : inputs * hidden + hidden * outputs
            weights += perTrial * sweep.alphas.count
            work += Double(samples) * Double(perTrial) * Double(sweep.iterations) * Double(sweep.alphas.count)
        }
        var issues: [ValidationIssue] = []
        if work > limits.maxWork {
            issues.append(
                ValidationIssue(
                    "/iterations",
                    "the run needs \(Self.scientific(work)) units of work (samples × weights × iterations × trials); the limit is \(Self.scientific(limits.maxWork)): use fewer iterations, alphas or hidden units"
                ))
        }
        if weights > limits.maxRunWeights {
            issues.append(
                ValidationIssue(
                    "/hidden_sizes",
                    "the run's trials hold \(weights) weights in all; the limit is \(limits.maxRunWeights): use fewer alphas or smaller hidden sizes")
            )
        }
        if let issue = sizeIssue(limit: limits.maxRunBytes) { issues.append(issue) }
        if !issues.isEmpty { throw Problem.invalidFields(issues) }
    }

    /// The run's bytes against `--max-run-bytes`, with by how much and what would fit.
    private func sizeIssue(limit: Int) -> ValidationIssue? {
        let size = RunSizeBound(self)
        guard size.served > limit else { return nil }
        let over = size.served - limit
        let times = Double(size.served) / Double(limit)
        let ratio = times >= 10 ? String(Int(times.rounded())) : String(Double(Int(times * 10)) / 10)
        let what =
            "the run would take up to \(size.served.byteDescription) (\(size.trials) trials × \(size.curvePoints) curve points, with its synapses, direction counts and outputs; its file up to \(size.stored.byteDescription)); --max-run-bytes is \(limit.byteDescription), \(over.byteDescription) less (\(ratio)× over)"
        let fitting = size.curvePointsFitting(limit) - 2
        guard fitting >= 1 else {
            return ValidationIssue(
                "/alphas", what + ": even without curve points it does not fit; use fewer alphas or hidden sizes, or a smaller dataset")
        }
        let leastErrorEvery = (sweep.iterations + fitting - 1) / fitting
        return ValidationIssue(
            "/error_every", what + ": record at most \(fitting) curve points per trial (error_every ≥ \(leastErrorEvery)) or use fewer trials")
    }

    private static func scientific(_ value: Double) -> String {
        value < 1e18 ? String(Int(value)) : value.description
    }

    private static func validateDataset(
        _ value: JSONValue?, limits: ServiceLimits,
        issues: inout [ValidationIssue]
    ) -> (name: String?, value: Dataset)? {
        let names = Dataset.builtInNames.joined(separator: ", ")
        switch value {
        case nil:
            issues.append(ValidationIssue("/dataset", "required: a built-in name (\(names)) or {\"inputs\": [[…]], \"targets\": [[…]]}"))
        case .string(let name):
            if let dataset = Dataset.builtIn(named: name) { return (name, dataset) }
            issues.append(ValidationIssue("/dataset", "unknown dataset \(quoted(name)); built-in datasets: \(names)"))
        case .object(let fields):
            for name in fields.keys.sorted() where name != "inputs" && name != "targets" {
                issues.append(ValidationIssue("/dataset/" + escapePointer(name), "unknown field; a dataset has inputs and targets"))
            }
            let before = issues.count
            let inputs = matrix(fields["inputs"], at: "/dataset/inputs", issues: &issues)
            let targets = matrix(fields["targets"], at: "/dataset/targets", issues: &issues)
            guard issues.count == before, let inputs, let targets else { return nil }
            let values = inputs.reduce(0) { $0 + $1.count } + targets.reduce(0) { $0 + $1.count }
            if values > limits.maxDatasetValues {
                issues.append(ValidationIssue("/dataset", "the dataset holds \(values) numbers; at most \(limits.maxDatasetValues) are allowed"))
                return nil
            }
            do {
                return (nil, try Dataset(inputs: inputs, targets: targets, limits: limits.training))
            } catch {
                issues += error.issues.map { ValidationIssue("/dataset" + $0.pointer, $0.message) }
            }
        case let other?:
            issues.append(
                ValidationIssue("/dataset", "expected a built-in name (\(names)) or an object with inputs and targets, got \(other.typeName)"))
        }
        return nil
    }

    private static func matrix(_ value: JSONValue?, at pointer: String, issues: inout [ValidationIssue]) -> [[Double]]? {
        guard case .array(let rows)? = value, !rows.isEmpty else {
            issues.append(
                ValidationIssue(pointer, value == nil ? "required: an array of rows of numbers" : "expected a non-empty array of rows of numbers"))
            return nil
        }
        var matrix: [[Double]] = []
        matrix.reserveCapacity(rows.count)
        let before = issues.count
        for (rowIndex, row) in rows.enumerated() {
            guard case .array(let cells) = row else {
                issues.append(ValidationIssue("\(pointer)/\(rowIndex)", "expected an array of numbers, got \(row.typeName)"))
                continue
            }
            var values: [Double] = []
            values.reserveCapacity(cells.count)
            for (column, cell) in cells.enumerated() {
                if case .number(let number) = cell, number.isFinite {
                    values.append(number)
                } else {
                    issues.append(ValidationIssue("\(pointer)/\(rowIndex)/\(column)", "expected a finite number, got \(describe(cell))"))
                }
            }
            matrix.append(values)
        }
        return issues.count == before ? matrix : nil
    }

    private static func validateAlphas(_ value: JSONValue?, limits: ServiceLimits, issues: inout [ValidationIssue]) -> [Double]? {
        guard case .array(let items)? = value else {
            issues.append(
                ValidationIssue(
                    "/alphas",
                    value.map { "expected an array of numbers, got \($0.typeName)" } ?? "required: 1 to \(limits.maxAlphas) learning rates > 0"))
            return nil
        }
        guard (1...limits.maxAlphas).contains(items.count) else {
            issues.append(ValidationIssue("/alphas", "must hold 1 to \(limits.maxAlphas) alphas, got \(items.count)"))
            return nil
        }
        var alphas: [Double] = []
        for (index, item) in items.enumerated() {
            if case .number(let alpha) = item, alpha.isFinite, alpha > 0 {
                alphas.append(alpha)
            } else {
                issues.append(ValidationIssue("/alphas/\(index)", "expected a finite number > 0, got \(describe(item))"))
            }
        }
        return alphas.count == items.count ? alphas : nil
    }

    private static func validateHiddenSizes(
        _ single: JSONValue?, _ list: JSONValue?, limits: ServiceLimits,
        issues: inout [ValidationIssue]
    ) -> [Int]? {
        let range = 0...limits.training.maxHiddenSize
        switch (single, list) {
        case (nil, nil):
            return [limits.defaultHiddenSize]
        case (_?, _?):
            issues.append(ValidationIssue("/hidden_sizes", "give hidden_size or hidden_sizes, not both"))
            return nil
        case (let single?, nil):
            return integer(single, at: "/hidden_size", in: range, default: limits.defaultHiddenSize, issues: &issues).map { [$0] }
        case (nil, let list?):
            guard case .array(let items) = list, (1...limits.maxHiddenSizes).contains(items.count) else {
                issues.append(
                    ValidationIssue("/hidden_sizes", "expected an array of 1 to \(limits.maxHiddenSizes) hidden sizes, got \(describe(list))"))
                return nil
            }
            let sizes = items.enumerated().compactMap { index, item in
                integer(item, at: "/hidden_sizes/\(index)", in: range, default: limits.defaultHiddenSize, issues: &issues)
            }
            return sizes.count == items.count ? sizes : nil
        }
    }

    private static func validateName(_ value: JSONValue?, limits: ServiceLimits, issues: inout [ValidationIssue]) -> String?? {
        switch value {
        case nil, .null?: return .some(nil)
        case .string(let name)? where name.unicodeScalars.count <= limits.maxNameLength: return .some(name)
        case .string(let name)?:
            issues.append(ValidationIssue("/name", "at most \(limits.maxNameLength) characters, got \(name.unicodeScalars.count)"))
        case let other?: issues.append(ValidationIssue("/name", "expected a string or null, got \(other.typeName)"))
        }
        return nil
    }

    private static func validateLabels(_ value: JSONValue?, limits: ServiceLimits, issues: inout [ValidationIssue]) -> [String: String]? {
        switch value {
        case nil, .null?: return [:]
        case .object(let members)?:
            if members.count > limits.maxLabels {
                issues.append(ValidationIssue("/labels", "at most \(limits.maxLabels) labels, got \(members.count)"))
                return nil
            }
            var labels: [String: String] = [:]
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                let pointer = "/labels/" + escapePointer(key)
                if let issue = labelNameIssue(key, at: pointer) {
                    issues.append(issue)
                } else if case .string(let text) = member, isLabelValue(text) {
                    labels[key] = text
                } else {
                    issues.append(ValidationIssue(pointer, "expected a string of at most 256 characters, got \(member.typeName)"))
                }
            }
            return labels.count == members.count ? labels : nil
        case let other?:
            issues.append(ValidationIssue("/labels", "expected an object of string labels, got \(other.typeName)"))
            return nil
        }
    }
}

extension RunRequest {
    /// A label's name has 1 to 64 characters (POST and PATCH alike).
    static func labelNameIssue(_ key: String, at pointer: String) -> ValidationIssue? {
        key.isEmpty || key.unicodeScalars.count > 64 ? ValidationIssue(pointer, "label names have 1 to 64 characters") : nil
    }

    /// A label's value is a string of at most 256 characters.
    static func isLabelValue(_ text: String) -> Bool { text.unicodeScalars.count <= 256 }
}

/// An integer field: absent → `defaultValue`; wrong type, fraction or range → an issue and nil.
func integer(
    _ value: JSONValue?, at pointer: String, in range: ClosedRange<Int>, default defaultValue: Int,
    issues: inout [ValidationIssue]
) -> Int? {
    guard let value else { return defaultValue }
    let expected = "an integer from \(range.lowerBound) to \(range.upperBound)"
    guard case .number(let number) = value else {
        issues.append(ValidationIssue(pointer, "expected \(expected), got \(describe(value))"))
        return nil
    }
    // Whole numbers beyond Int (1e20, or ∞ for 1e400) are out of range, not fractions.
    guard number.isInfinite || number == number.rounded() else {
        issues.append(ValidationIssue(pointer, "expected \(expected), got the fraction \(describe(value))"))
        return nil
    }
    guard number >= Double(range.lowerBound), number <= Double(range.upperBound), let integer = Int(exactly: number),
        range.contains(integer)
    else {
        issues.append(ValidationIssue(pointer, "out of range: expected \(expected), got \(describe(value))"))
        return nil
    }
    return integer
}

/// How a message shows a value a user sent: numbers and short strings as written, the rest by type.
func describe(_ value: JSONValue) -> String {
    switch value {
    case .number(let number):
        if number.isInfinite {
            return number < 0 ? "a number below -1.8e308 (the most negative double)" : "a number above 1.8e308 (the largest double)"
        }
        if number == number.rounded(), number.magnitude < 1e16 { return String(Int(number)) }
        return number.description
    case .string(let text):
        let shown = text.unicodeScalars.count <= 40 ? text : String(String.UnicodeScalarView(text.unicodeScalars.prefix(40))) + "…"
        return "the string " + quoted(shown)
    case .bool(let flag):
        return String(flag)
    case .null, .array, .object:
        return value.typeName
    }
}

/// `text` as a JSON string literal.
func quoted(_ text: String) -> String {
    var writer = JSONWriter(reservingCapacity: text.utf8.count + 2)
    writer.string(text)
    return String(decoding: writer.bytes, as: UTF8.self)
}

/// RFC 6901: `~` → `~0`, `/` → `~1`.
func escapePointer(_ token: String) -> String {
    token.replacing("~", with: "~0").replacing("/", with: "~1")
}
