import CommandLineOptions
import Foundation
import Synchronization
import Testing

@testable import Backprop
@testable import backpropd

/// Collects what a command writes.
final class CapturedConsole: Sendable {
    private let lines = Mutex<(out: [String], error: [String])>(([], []))
    var out: String { lines.withLock { $0.out.joined(separator: "\n") } }
    var error: String { lines.withLock { $0.error.joined(separator: "\n") } }
    var console: Console {
        Console(
            out: { text in self.lines.withLock { $0.out.append(text) } },
            error: { text in self.lines.withLock { $0.error.append(text) } })
    }
}

@Suite struct OptionParserTests {
    @Test func readsSpacedAndEqualsFormsAndFlags() throws {
        let options = try OptionParser(["--alphas", "1,2", "--seed=7", "--json"], valued: ["alphas", "seed"], flags: ["json"])
        #expect(options.string("alphas") == "1,2")
        #expect(try options.integer("seed", default: 0, in: 0...10) == 7)
        #expect(options.flags == ["json"])
        #expect(try options.integer("missing", default: 4, in: 0...9) == 4)
    }

    @Test(arguments: [
        (["--nope"], "unknown option '--nope'"),
        (["--seed"], "--seed needs a value"),
        (["--seed", "1", "--seed", "2"], "--seed given twice"),
        (["--json=yes"], "--json takes no value"),
        (["stray"], "unexpected argument 'stray'"),
    ])
    func refusesWithOneLine(arguments: [String], message: String) {
        #expect(throws: UsageError(message)) {
            try OptionParser(arguments, valued: ["seed"], flags: ["json"])
        }
    }

    @Test func typedGettersNameTheOption() throws {
        let options = try OptionParser(["--seed", "-1"], valued: ["seed"], flags: [])
        #expect(throws: UsageError("--seed must be a whole number from 0 to 9, not '-1'")) { try options.integer("seed", default: 0, in: 0...9) }
    }
}

@Suite struct CommandDispatcherTests {
    let dispatcher = CommandDispatcher(subcommands: [TrainCommand.self], defaultSubcommand: nil)

    /// The product binary is the product (issue 17): the engine benchmark is Benchmarks/EngineBench.
    @Test func productListsServeTrainAndHealthcheckOnly() {
        let captured = CapturedConsole()
        #expect(CommandDispatcher.backpropd.subcommands.map { $0.name } == ["serve", "train", "healthcheck"])
        #expect(CommandDispatcher.backpropd.run(["--help"], console: captured.console) == 0)
        let commands = captured.out.split(separator: "\n", omittingEmptySubsequences: false).drop { $0 != "commands:" }.dropFirst().prefix {
            !$0.isEmpty
        }
        #expect(commands.map { $0.split(separator: " ").first.map(String.init) } == ["serve", "train", "healthcheck"])
        #expect(CommandDispatcher.backpropd.run(["bench"], console: captured.console) == 2)
    }

    @Test func helpListsCommands() {
        let captured = CapturedConsole()
        #expect(dispatcher.run(["--help"], console: captured.console) == 0)
        #expect(captured.out.contains("train"))
        #expect(dispatcher.run(["train", "--help"], console: captured.console) == 0)
        #expect(captured.out.contains("--dataset-file FILE"))
    }

    @Test(arguments: [
        ([String](), "backpropd: no command given"),
        (["fly"], "backpropd: unknown command 'fly'"),
        (["train", "--alphas", "x"], #"backpropd train: --alphas, item 1: expected a finite number > 0, got the string "x""#),
        (["train", "--alphas", "1,-1"], "backpropd train: --alphas, item 2: expected a finite number > 0, got -1"),
        (["train", "--hidden-size", "100000"], "backpropd train: --hidden-size: out of range: expected an integer from 0 to 1024, got 100000"),
        (["train", "--dataset", "mnist"], #"backpropd train: --dataset: unknown dataset "mnist"; built-in datasets: xor, first-column"#),
        (
            ["train", "--iterations", "0", "--seed", "1.5"],
            "backpropd train: --iterations: out of range: expected an integer from 1 to 10000000, got 0; --seed: expected an integer from 0 to 4294967295, got the fraction 1.5"
        ),
        (["train", "--dataset", "xor", "--dataset-file", "x.json"], "backpropd train: give --dataset or --dataset-file, not both"),
        (["train", "--dataset-file", "/nonexistent/x.json"], "backpropd train: --dataset-file: cannot read '/nonexistent/x.json'"),
        (
            ["train", "--iterations", "1000", "--error-every", "0"],
            "backpropd train: --error-every: out of range: expected an integer from 1 to 1000, got 0"
        ),
        (
            ["train", "--iterations", "100000", "--error-every", "1"],
            "backpropd train: --error-every: 100000 iterations every 1 would record 100000 curve points per trial; at most 10000 are allowed: use error_every ≥ 10"
        ),
        (["train", "--threads", "0"], "backpropd train: --threads must be a whole number from 1 to 1024, not '0'"),
    ])
    func badArgumentsExitTwoWithOneLine(arguments: [String], start: String) {
        let captured = CapturedConsole()
        #expect(dispatcher.run(arguments, console: captured.console) == 2)
        #expect(captured.error.hasPrefix(start), "\(captured.error)")
        #expect(!captured.error.contains("\n"))
        #expect(captured.out.isEmpty)
    }

    @Test func defaultSubcommandTakesOptionsDirectly() {
        let captured = CapturedConsole()
        let withDefault = CommandDispatcher(subcommands: [TrainCommand.self], defaultSubcommand: TrainCommand.self)
        #expect(withDefault.run(["--iterations", "10", "--alphas", "1"], console: captured.console) == 0)
        #expect(captured.out.contains("alpha 1.0, hidden 4: succeeded after 10 iterations"))
    }
}

@Suite struct TrainCommandTests {
    @Test func jsonHasTheServiceShape() throws {
        let captured = CapturedConsole()
        let command = try TrainCommand(arguments: ["--alphas", "0.1,10", "--iterations", "300", "--error-every", "100", "--json"])
        #expect(command.run(console: captured.console) == 0)
        let document = try JSONDecoder().decode(TrialsDocument.self, from: Data(captured.out.utf8))
        #expect(document.trials.map(\.alpha) == [0.1, 10])
        #expect(document.trials.allSatisfy { $0.errorCurve.map(\.iteration) == [0, 100, 200, 300] && $0.status == .succeeded })
        let object = try JSONSerialization.jsonObject(with: Data(captured.out.utf8)) as! [String: Any]
        #expect(Array(object.keys) == ["trials"])
    }

    @Test func threadsDefaultsToTheCoresAndGivesTheSameTrialsAsOneThread() throws {
        #expect(try TrainCommand(arguments: []).threads == processorsOnline)
        func output(_ threads: String) throws -> String {
            let captured = CapturedConsole()
            let command = try TrainCommand(arguments: [
                "--alphas", "0.1,1,10,100,1000", "--hidden-size", "4,8",
                "--iterations", "600", "--error-every", "100", "--json", "--threads", threads,
            ])
            #expect(command.run(console: captured.console) == 0)
            return captured.out.split(separator: "\n").filter { !$0.contains("\"duration_ms\"") }.joined(separator: "\n")
        }
        let one = try output("1")
        #expect(try output("2") == one)
        #expect(try output("7") == one)
    }

    @Test func readableReportShowsCurveSynapsesAndCounts() throws {
        let captured = CapturedConsole()
        let command = try TrainCommand(arguments: ["--alphas", "0.001", "--iterations", "60000"])
        #expect(command.run(console: captured.console) == 0)
        let text = captured.out
        #expect(text.contains("error after 10000 iterations: 0.49516402549338606"))
        #expect(text.contains("-0.28448441  0.32471214 -1.53496167 -0.47594822"))
        #expect(text.contains("direction changes of synapse_1:"))
        #expect(text.contains("alpha 0.001, hidden 4: succeeded after 60000 iterations, did not learn"))
        #expect(text.hasSuffix("best: none (no trial learned: a final error at most half the starting error)"))
    }

    @Test func theBestIsATrialThatLearned() throws {
        let captured = CapturedConsole()
        #expect(try TrainCommand(arguments: ["--alphas", "0.001,10,1000"]).run(console: captured.console) == 0)
        // 0.0011918006535252407 with separate rounding, …413 with fused multiply-adds (AVX2/AVX-512).
        let alpha10 = TrialSpec(alpha: 10, hiddenSize: 4, iterations: 60000, errorEvery: 10000, seed: 1)
        let expected = try #require(
            Trainer.train(dataset: .builtIn(named: "xor")!, specs: [alpha10], cancellation: Cancellation()) { _, _ in }[0].finalError)
        #expect(abs(expected - 0.0011918006535252407) < 1e-17)
        #expect(captured.out.hasSuffix("best: alpha 10.0, hidden 4, final error \(expected)"))
        let json = CapturedConsole()
        #expect(try TrainCommand(arguments: ["--alphas", "0.001,10", "--iterations", "60000", "--json"]).run(console: json.console) == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as! [String: [[String: Any]]]
        #expect(object["trials"]?.map { $0["learned"] as? Bool } == [false, true])
    }

    @Test func datasetFileIsValidatedWithPointers() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("backpropd-dataset-\(UInt64.random(in: 0...UInt64.max)).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"{"inputs": [[0, 1], [1]], "targets": [[1], [0]]}"#.utf8).write(to: url)
        #expect(throws: UsageError("--dataset-file: /inputs/1: has 1 values but row 0 has 2: all rows need the same length")) {
            try TrainCommand(arguments: ["--dataset-file", url.path])
        }
        try Data(#"{"inputs": [[0, "a"]], "targets": [[1]]}"#.utf8).write(to: url)
        #expect(throws: UsageError(#"--dataset-file: /inputs/0/1: expected a finite number, got the string "a""#)) {
            try TrainCommand(arguments: ["--dataset-file", url.path])
        }
        try Data("{\"inputs\": [[0, 1]],\n \"targets\": [[1]]]}".utf8).write(to: url)
        #expect(throws: UsageError("--dataset-file: not valid JSON: line 2, column 18: expected ',' or '}' after an object member, found ']'")) {
            try TrainCommand(arguments: ["--dataset-file", url.path])
        }
        try Data(#"{"inputs": [[0, 1], [1, 1]], "targets": [[1], [0]]}"#.utf8).write(to: url)
        let command = try TrainCommand(arguments: ["--dataset-file", url.path, "--iterations", "5"])
        #expect(command.sweep.dataset.inputs.rowArrays == [[0, 1], [1, 1]])
    }

    /// Issue 13: the CLI's default error_every was 10000, the API's iterations / 1000; both are
    /// now the API's rule (60000 → 50), and the readable report still shows the notebook's marks.
    @Test func defaultsAreTheAPIs() throws {
        let command = try TrainCommand(arguments: [])
        #expect(command.sweep == Sweep.notebook)
        #expect(command.sweep.errorEvery == 50)
        let lowered = try TrainCommand(arguments: ["--iterations", "2000"])
        #expect(lowered.sweep.errorEvery == 2)
    }

    @Test func readableReportShowsTheNotebookMarksOfALongCurve() {
        let curve = stride(from: 0, through: 60_000, by: 50).map { CurvePoint(iteration: $0, error: 0) }
        #expect(
            TrainReport.displayedPoints(of: curve, errorEvery: 50, iterations: 60_000).map(\.iteration)
                == Array(stride(from: 0, through: 60_000, by: 10_000)))
        let short = [0, 100, 200, 250].map { CurvePoint(iteration: $0, error: 0) }
        #expect(TrainReport.displayedPoints(of: short, errorEvery: 100, iterations: 250).map(\.iteration) == [0, 100, 200, 250])
        let odd = stride(from: 0, through: 1234, by: 3).map { CurvePoint(iteration: $0, error: 0) } + [CurvePoint(iteration: 1234, error: 0)]
        #expect(
            TrainReport.displayedPoints(of: odd, errorEvery: 3, iterations: 1234).map(\.iteration) == [
                0, 150, 300, 450, 600, 750, 900, 1050, 1200, 1234,
            ])
    }

    @Test func fixedDecimalsRoundLikeNumpyPrints() {
        #expect(TrainReport.fixed(-0.284484414, decimals: 8) == "-0.28448441")
        #expect(TrainReport.fixed(0.000000004, decimals: 8) == "0.00000000")
        #expect(TrainReport.fixed(12.5, decimals: 1) == "12.5")
        #expect(TrainReport.fixed(-3, decimals: 0) == "-3")
    }
}
