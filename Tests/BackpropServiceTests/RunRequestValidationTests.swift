import Testing
@testable import BackpropService

@Suite struct RunRequestValidationTests {
    private func validate(_ json: String, limits: ServiceLimits = ServiceLimits()) throws(Problem) -> RunRequest {
        let value = try! JSONValue.parse(Array(json.utf8))
        return try RunRequest(validating: value, limits: limits)
    }

    private func pointers(_ json: String, limits: ServiceLimits = ServiceLimits()) -> [String] {
        do {
            _ = try validate(json, limits: limits)
            return []
        } catch {
            #expect(error.status == 422)
            return error.errors.map(\.pointer)
        }
    }

    @Test func notebookSweepIsNormalizedWithDefaults() throws {
        let request = try validate(#"{"dataset": "xor", "alphas": [0.001, 0.01, 0.1, 1, 10, 100, 1000], "hidden_size": 4}"#)
        #expect(request.dataset == .builtIn("xor"))
        #expect(request.hiddenSizes == [4])
        #expect(request.iterations == 60_000)
        #expect(request.errorEvery == 60)
        #expect(request.seed == 1)
        #expect(request.trialSpecs.count == 7)
        #expect(try RunRequest(validating: request.json, limits: ServiceLimits()) == request)
    }

    /// Found running schemathesis against a server with lowered limits (scripts/api-fuzz.sh): an
    /// omitted iterations or hidden_size became 60000 / 4 even above --max-iterations / --max-hidden-size.
    @Test func defaultsNeverExceedTheConfiguredLimits() throws {
        var limits = ServiceLimits()
        limits.maxIterations = 2000
        limits.maxHiddenSize = 2
        let request = try validate(#"{"dataset": "xor", "alphas": [1]}"#, limits: limits)
        #expect(request.iterations == 2000)
        #expect(request.errorEvery == 2)
        #expect(request.hiddenSizes == [2])
        #expect(try validate(#"{"dataset": "xor", "alphas": [1]}"#).iterations == 60_000, "the notebook's default otherwise")
    }

    @Test func gridIsAlphasTimesHiddenSizes() throws {
        let request = try validate(#"{"dataset": {"inputs": [[0, 1], [1, 0]], "targets": [[0], [1]]}, "alphas": [1, 2], "hidden_sizes": [0, 3, 8], "iterations": 10, "error_every": 5, "seed": 4294967295, "name": "grid", "labels": {"team": "a/b"}}"#)
        #expect(request.trialSpecs.map(\.hiddenSize) == [0, 0, 3, 3, 8, 8])
        #expect(request.trialSpecs.map(\.alpha) == [1, 2, 1, 2, 1, 2])
        #expect(request.seed == UInt32.max)
        #expect(request.labels == ["team": "a/b"])
        #expect(try RunRequest(validating: request.json, limits: ServiceLimits()) == request)
    }

    @Test(arguments: [
        (#"[]"#, [""]),
        (#"{"alphas": [1]}"#, ["/dataset"]),
        (#"{"dataset": "nope", "alphas": [1]}"#, ["/dataset"]),
        (#"{"dataset": 3, "alphas": [1]}"#, ["/dataset"]),
        (#"{"dataset": "xor"}"#, ["/alphas"]),
        (#"{"dataset": "xor", "alphas": []}"#, ["/alphas"]),
        (#"{"dataset": "xor", "alphas": "1"}"#, ["/alphas"]),
        (#"{"dataset": "xor", "alphas": [1, 0, -1, "x", null]}"#, ["/alphas/1", "/alphas/2", "/alphas/3", "/alphas/4"]),
        (#"{"dataset": "xor", "alphas": [1], "hidden_size": 1025}"#, ["/hidden_size"]),
        (#"{"dataset": "xor", "alphas": [1], "hidden_size": 2.5}"#, ["/hidden_size"]),
        (#"{"dataset": "xor", "alphas": [1], "hidden_size": 4, "hidden_sizes": [4]}"#, ["/hidden_sizes"]),
        (#"{"dataset": "xor", "alphas": [1], "hidden_sizes": [4, -1, true]}"#, ["/hidden_sizes/1", "/hidden_sizes/2"]),
        (#"{"dataset": "xor", "alphas": [1], "hidden_sizes": []}"#, ["/hidden_sizes"]),
        (#"{"dataset": "xor", "alphas": [1], "iterations": 0}"#, ["/iterations"]),
        (#"{"dataset": "xor", "alphas": [1], "iterations": 10000001}"#, ["/iterations"]),
        (#"{"dataset": "xor", "alphas": [1], "iterations": "60000"}"#, ["/iterations"]),
        (#"{"dataset": "xor", "alphas": [1], "seed": -1}"#, ["/seed"]),
        (#"{"dataset": "xor", "alphas": [1], "seed": 4294967296}"#, ["/seed"]),
        (#"{"dataset": "xor", "alphas": [1], "iterations": 100, "error_every": 101}"#, ["/error_every"]),
        (#"{"dataset": "xor", "alphas": [1], "iterations": 100000, "error_every": 1}"#, ["/error_every"]),
        (#"{"dataset": "xor", "alphas": [1], "name": 5, "labels": {"a": 1}}"#, ["/name", "/labels/a"]),
        (#"{"dataset": "xor", "alphas": [1], "labels": []}"#, ["/labels"]),
        (#"{"dataset": "xor", "alphas": [1], "alpha": 1, "a/b": 2}"#, ["/a~1b", "/alpha"]),
        (#"{"dataset": {"inputs": [[0, "x"], 5], "targets": []}, "alphas": [1]}"#, ["/dataset/inputs/0/1", "/dataset/inputs/1", "/dataset/targets"]),
        (#"{"dataset": {"inputs": [[0]], "targets": [[1]], "extra": 1}, "alphas": [1]}"#, ["/dataset/extra"]),
        (#"{"dataset": "xor", "alphas": [0], "hidden_size": -1, "iterations": 0, "seed": 0.5}"#, ["/alphas/0", "/hidden_size", "/iterations", "/seed"]),
    ])
    func everyInvalidFieldIsNamed(body: String, expected: [String]) {
        #expect(pointers(body) == expected)
    }

    @Test func inlineDatasetIssuesComeFromTheEngineUnderDataset() {
        let found = pointers(#"{"dataset": {"inputs": [[0, 1], [1]], "targets": [[0], [1]]}, "alphas": [1]}"#)
        #expect(!found.isEmpty)
        #expect(found.allSatisfy { $0.hasPrefix("/dataset/") })
    }

    @Test func workBudgetAndWeightLimitAreEnforced() {
        var limits = ServiceLimits()
        limits.maxWork = 1_000_000
        let found = pointers(#"{"dataset": "xor", "alphas": [1, 2], "iterations": 100000}"#, limits: limits)
        #expect(found == ["/iterations"])
        limits = ServiceLimits()
        limits.maxRunWeights = 100
        #expect(pointers(#"{"dataset": "xor", "alphas": [1, 2], "hidden_size": 32, "iterations": 10}"#, limits: limits) == ["/hidden_sizes"])
        limits.maxAlphas = 2
        #expect(pointers(#"{"dataset": "xor", "alphas": [1, 2, 3], "iterations": 10}"#, limits: limits) == ["/alphas"])
    }

    @Test func problemDocumentListsEveryIssue() throws {
        do {
            _ = try validate(#"{"dataset": "xor", "alphas": [0], "iterations": 0}"#)
            Issue.record("expected a problem")
        } catch {
            let json = try JSONValue.parse(error.json(instance: "/runs"))
            guard case .object(let fields) = json, case .array(let errors)? = fields["errors"] else {
                Issue.record("no errors array"); return
            }
            #expect(fields["status"] == .number(422))
            #expect(fields["instance"] == .string("/runs"))
            #expect(errors.count == 2)
        }
    }
}
