import Backprop
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
        #expect(request.datasetName == "xor")
        #expect(request.sweep == Sweep.notebook, "the API's defaults are the notebook's sweep")
        #expect(request.sweep.errorEvery == 50, "the largest 1-2-5 step ≤ iterations / 1000 (it was 60)")
        #expect(request.sweep.trials.count == 7)
        #expect(try RunRequest(validating: request.json, limits: ServiceLimits()) == request)
    }

    /// Found running schemathesis against a server with lowered limits (scripts/api-fuzz.sh): an
    /// omitted iterations or hidden_size became 60000 / 4 even above --max-iterations / --max-hidden-size.
    @Test func defaultsNeverExceedTheConfiguredLimits() throws {
        var limits = ServiceLimits()
        limits.training.maxIterations = 2000
        limits.training.maxHiddenSize = 2
        limits.training.maxCurvePoints = 500
        let request = try validate(#"{"dataset": "xor", "alphas": [1]}"#, limits: limits)
        #expect(request.sweep.iterations == 2000)
        #expect(request.sweep.errorEvery == 5, "2 would record 1000 points, over the limit of 500")
        #expect(request.sweep.hiddenSizes == [2])
        #expect(try validate(#"{"dataset": "xor", "alphas": [1]}"#).sweep.iterations == 60_000, "the notebook's default otherwise")
    }

    @Test func gridIsAlphasTimesHiddenSizes() throws {
        let request = try validate(
            #"{"dataset": {"inputs": [[0, 1], [1, 0]], "targets": [[0], [1]]}, "alphas": [1, 2], "hidden_sizes": [0, 3, 8], "iterations": 10, "error_every": 5, "seed": 4294967295, "name": "grid", "labels": {"team": "a/b"}}"#
        )
        #expect(request.sweep.trials.map(\.hiddenSize) == [0, 0, 3, 3, 8, 8])
        #expect(request.sweep.trials.map(\.alpha) == [1, 2, 1, 2, 1, 2])
        #expect(request.sweep.seed == UInt32.max)
        #expect(request.datasetName == nil)
        #expect(request.sweep.dataset.inputs.rowArrays == [[0, 1], [1, 0]])
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
        (
            #"{"dataset": "xor", "alphas": [0], "hidden_size": -1, "iterations": 0, "seed": 0.5}"#,
            ["/alphas/0", "/hidden_size", "/iterations", "/seed"]
        ),
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

/// Issue 13's bad-input cases, message by message.
@Suite struct RunRequestMessageTests {
    private func problem(_ json: String) -> Problem? {
        do {
            _ = try RunRequest(parsing: Array(json.utf8), limits: ServiceLimits())
            return nil
        } catch {
            return error
        }
    }

    private func message(_ json: String, at pointer: String) -> String? {
        problem(json)?.errors.first { $0.pointer == pointer }?.message
    }

    @Test func wholeNumbersBeyondTheRangeAreOutOfRangeNotFractions() {
        #expect(
            message(#"{"dataset": "xor", "alphas": [1], "iterations": 1e20}"#, at: "/iterations")
                == "out of range: expected an integer from 1 to 10000000, got 1e+20")
        #expect(
            message(#"{"dataset": "xor", "alphas": [1], "iterations": 1e400}"#, at: "/iterations")
                == "out of range: expected an integer from 1 to 10000000, got a number above 1.8e308 (the largest double)")
        #expect(
            message(#"{"dataset": "xor", "alphas": [1], "seed": -1e400}"#, at: "/seed")
                == "out of range: expected an integer from 0 to 4294967295, got a number below -1.8e308 (the most negative double)")
        #expect(
            message(#"{"dataset": "xor", "alphas": [1], "iterations": 12.5}"#, at: "/iterations")
                == "expected an integer from 1 to 10000000, got the fraction 12.5")
        #expect(
            message(#"{"dataset": "xor", "alphas": [1], "hidden_size": "4"}"#, at: "/hidden_size")
                == #"expected an integer from 0 to 1024, got the string "4""#)
    }

    @Test func aNumberBeyondADoubleIsAFieldErrorBesideTheOthers() {
        let found = problem(#"{"dataset": "xor", "alphas": [1e400, -1], "hidden_size": -1}"#)
        #expect(found?.status == 422)
        #expect(found?.errors.map(\.pointer) == ["/alphas/0", "/alphas/1", "/hidden_size"])
        #expect(found?.errors.first?.message == "expected a finite number > 0, got a number above 1.8e308 (the largest double)")
    }

    @Test func duplicateMembersAreNamed() {
        let found = problem(#"{"alphas": [1], "dataset": "xor", "alphas": [2], "labels": {"a": "x", "a": "y"}}"#)
        #expect(found?.status == 422)
        #expect(found?.errors.map(\.pointer) == ["/alphas", "/labels/a"])
        #expect(found?.errors.first?.message.hasPrefix("given more than once") == true)
    }

    @Test func malformedJSONSaysWhere() {
        let found = problem("{\"dataset\": \"xor\",\n \"alphas\": [1,]}")
        #expect(found?.status == 400)
        #expect(
            found?.detail
                == "the body is not valid JSON: line 2, column 15: expected a value (an object, array, string, number, true, false or null), found ']'"
        )
        #expect(found?.errors.map(\.pointer) == [""])
    }

    @Test func theHiddenSizeAndCurvePointLimitsAreTheEnginesOne() {
        // TrainingLimits said 256 and 100,000; ServiceLimits 1024 and 10,000. One definition now.
        #expect(ServiceLimits().training == Backprop.TrainingLimits.standard)
        #expect(TrainingLimits.standard.maxHiddenSize == 1024)
        #expect(TrainingLimits.standard.maxCurvePoints == 10_000)
    }
}
