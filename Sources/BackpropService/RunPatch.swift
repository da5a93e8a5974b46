import Backprop

/// A `PATCH /runs/{id}` body: a JSON merge patch (RFC 7396) of the run's `name` and `labels`,
/// the only members a client may change. `"name": null` removes the name; `"labels": {"k": "v"}`
/// sets one label and `{"k": null}` removes it, leaving the others; `"labels": null` removes
/// them all. Values are checked as `POST /runs` checks them, with the same messages.
struct RunPatch: Sendable, Equatable {
    /// nil: the name stays; `.some(nil)`: the name is removed.
    var name: String??
    /// Labels to set (a value) or remove (nil), by key.
    var labels: [String: String?] = [:]
    /// `"labels": null`: every label goes before `labels` applies.
    var removesAllLabels = false

    static let mediaType = "application/merge-patch+json"

    /// Parses and validates a body: 400 for text that is not JSON, 422 naming every bad member.
    init(parsing body: [UInt8], limits: ServiceLimits) throws(Problem) {
        let document: JSONDocument
        do throws(JSONSyntaxError) {
            document = try JSONDocument(parsing: body)
        } catch {
            throw Problem.malformedJSON(
                body.isEmpty ? "the body is empty; send a JSON merge patch such as {\"name\": \"new name\"}" : "the body is not valid JSON: \(error)")
        }
        var issues = document.duplicateMembers.map {
            ValidationIssue($0, "given more than once; give each member once (JSON readers disagree on which one counts)")
        }
        guard case .object(let members) = document.root else {
            throw Problem.invalidFields(
                issues + [
                    ValidationIssue("", "a merge patch of a run must be a JSON object (such as {\"name\": \"…\"}), got \(document.root.typeName)")
                ])
        }
        for member in members.keys.sorted() where member != "name" && member != "labels" {
            issues.append(
                ValidationIssue(
                    "/" + escapePointer(member), "cannot be changed; a run's name and labels can (everything else determines its results)"))
        }
        switch members["name"] {
        case nil: break
        case .null?: name = .some(nil)
        case .string(let text)? where text.unicodeScalars.count <= limits.maxNameLength: name = .some(text)
        case .string(let text)?:
            issues.append(ValidationIssue("/name", "at most \(limits.maxNameLength) characters, got \(text.unicodeScalars.count)"))
        case let other?: issues.append(ValidationIssue("/name", "expected a string, or null to remove the name, got \(other.typeName)"))
        }
        switch members["labels"] {
        case nil: break
        case .null?: removesAllLabels = true
        case .object(let entries)?:
            for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
                let pointer = "/labels/" + escapePointer(key)
                if let issue = RunRequest.labelNameIssue(key, at: pointer) {
                    issues.append(issue)
                } else if case .string(let text) = value, RunRequest.isLabelValue(text) {
                    labels[key] = .some(text)
                } else if case .null = value {
                    labels[key] = .some(nil)
                } else {
                    issues.append(
                        ValidationIssue(pointer, "expected a string of at most 256 characters, or null to remove the label, got \(value.typeName)"))
                }
            }
        case let other?:
            issues.append(
                ValidationIssue(
                    "/labels", "expected an object of labels to set (strings) or remove (null), or null to remove them all, got \(other.typeName)"))
        }
        if !issues.isEmpty { throw Problem.invalidFields(issues) }
    }

    /// The labels after the patch.
    func applied(to labels: [String: String]) -> [String: String] {
        var result = removesAllLabels ? [:] : labels
        for (key, value) in self.labels { result[key] = value }
        return result
    }
}
