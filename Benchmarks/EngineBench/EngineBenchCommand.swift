import Backprop
import CommandLineOptions
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// EngineBench: the engine against JAX, numpy and a plain C loop, side by side in one run. A
/// developer tool beside HTTPBench and ServiceBench, not part of the `backpropd` binary: it
/// compiles C and reads `../shared/bench` at run time.
struct EngineBenchCommand {
    static let help = """
        usage: EngineBench [options]       (build with -c release: swift run -c release EngineBench)

        Times, interleaved round by round (medians reported):
          (a) the notebook's sweep: xor, 7 alphas × 60000 iterations, hidden 4, curve and direction counts
          (b) the same with hidden 32
          (c) numpy_scale.py's case: 256 samples × 16 inputs, hidden 64, 2000 iterations, alpha 0.01
        the engine as the service trains them (its calibrated plan) on one thread and on --threads,
        against Benchmarks/jax_engine.py (JAX jit, float64, one thread, compile excluded),
        numpy (../shared/bench/numpy_sweep.py for (a) and (b), ~11 s each, --numpy-rounds times;
        numpy_scale.py for (c) every round) and Benchmarks/plain_c_loop.c (cc -O3 at bench time,
        natural and --reordered loop orders); then every code path, layout and split the calibration
        chooses from, and what the calibration measured.

        BACKPROPD_ISA=avx2 (or baseline) caps the engine's instruction set, to stand in for an older
        CPU; the bench then caps JAX (--xla_cpu_max_isa), numpy (NPY_DISABLE_CPU_FEATURES) and
        OpenBLAS (OPENBLAS_CORETYPE=Haswell) the same way. The C loop is built for baseline x86-64.

        options:
          --rounds N          rounds for the engine, JAX and C (medians)                [5]
          --numpy-rounds N    rounds for numpy's (a) and (b) (0 skips numpy)            [1]
          --threads N         threads for the "all threads" column          [processors]
          --cases LIST        which cases, e.g. c or a,b                            [a,b,c]
          --no-jax            skip JAX
          --no-variants       skip the table of fixed paths and layouts
          --shared DIR        the numpy scripts   [../shared/bench beside the repository root]
          --c-source FILE     the plain C loop    [Benchmarks/plain_c_loop.c in the repository]
          --jax-script FILE   the JAX peer        [Benchmarks/jax_engine.py in the repository]
          -h, --help          show this help

        The repository root is the nearest directory with Package.swift above the working directory
        or above this executable, so the defaults work from any checkout and any directory in it.
        """

    let rounds: Int
    let numpyRounds: Int
    let threads: Int
    let cases: [EngineWorkload]
    let jax: Bool
    let variants: Bool
    let sharedBench: String?
    let cSource: String
    let jaxScript: String

    init(arguments: [String]) throws(UsageError) {
        let options = try OptionParser(
            arguments, valued: ["rounds", "numpy-rounds", "threads", "cases", "shared", "c-source", "jax-script"],
            flags: ["no-jax", "no-variants"])
        rounds = try options.integer("rounds", default: 5, in: 1...1000)
        numpyRounds = try options.integer("numpy-rounds", default: 1, in: 0...100)
        threads = try options.integer("threads", default: EngineCalibration.shared.threads, in: 1...64)
        let names = (options.string("cases") ?? "a,b,c").split(separator: ",").map { "(\($0.filter { $0 != " " }))" }
        cases = EngineWorkload.cases.filter { names.contains($0.name) }
        if cases.isEmpty || cases.count != Set(names).count {
            throw UsageError("--cases: a comma-separated list of a, b and c")
        }
        jax = !options.flags.contains("no-jax")
        variants = !options.flags.contains("no-variants")
        let hasScripts = { (directory: String) in access(directory + "/numpy_sweep.py", R_OK) == 0 }
        if let shared = options.string("shared"), !hasScripts(shared) {
            throw UsageError("--shared: no numpy_sweep.py in '\(shared)'")
        }
        sharedBench = options.string("shared") ?? RepositoryPaths.shared("bench").flatMap { hasScripts($0) ? $0 : nil }
        cSource = options.string("c-source") ?? RepositoryPaths.inRepository("Benchmarks/plain_c_loop.c")
        jaxScript = options.string("jax-script") ?? RepositoryPaths.inRepository("Benchmarks/jax_engine.py")
        if numpyRounds > 0 && sharedBench == nil {
            throw UsageError("cannot find ../shared/bench (numpy_sweep.py) beside the repository root; give --shared DIR or --numpy-rounds 0")
        }
    }

    /// Prints the tables to standard output; the exit status.
    func run() -> Int32 {
        let environment = PeerEnvironment.current
        var directory = Array("/tmp/backpropd-bench-XXXXXX".utf8CString)
        guard let made = mkdtemp(&directory) else {
            printError("EngineBench: cannot create a temporary directory")
            return 1
        }
        let binary = String(cString: made) + "/plain_c_loop"
        guard let compiled = Subprocess.run("cc", ["-O3", "-o", binary, cSource, "-lm"], environment: environment.variables),
            compiled.status == 0
        else {
            printError("EngineBench: cannot compile \(cSource) with cc -O3 (run from the package root or give --c-source)")
            return 1
        }
        print("EngineBench — \(Machine.description)")
        print("engine: \(Machine.instructionSets); \(rounds) rounds, medians; load before: \(Machine.loadAverage)")
        print("peers: \(environment.summary)\n")

        var samples = BenchSamples()
        let variantRows = variants ? cases.map { ($0, $0.variants(threads: threads)) } : []
        for round in 0..<max(rounds, numpyRounds) {
            if round < rounds {
                for workload in cases {
                    samples.record(workload.name, "engine", workload.time(threads: 1))
                    if threads > 1 { samples.record(workload.name, "engine threads", workload.time(threads: threads)) }
                    let c = { (arguments: [String]) in
                        Subprocess.run(binary, arguments, environment: environment.variables)
                            .flatMap { Subprocess.number(after: "seconds=", in: $0.output) }
                    }
                    samples.record(workload.name, "C", c(workload.cArguments))
                    samples.record(workload.name, "C reordered", c(workload.cArguments + ["--reordered"]))
                    if jax { recordJAX(workload, into: &samples, environment: environment) }
                }
                for (workload, rows) in variantRows {
                    for row in rows { samples.record(workload.name, "variant " + row.label, row.time()) }
                }
            }
            if numpyRounds > 0, let shared = sharedBench {
                for workload in cases {
                    let sweep = workload.name != "(c)"
                    guard round < (sweep ? numpyRounds : max(rounds, numpyRounds)) else { continue }
                    let (script, arguments, key) =
                        sweep
                        ? ("numpy_sweep.py", [String(workload.specs[0].hiddenSize)], "seconds=")
                        : ("numpy_scale.py", ["--reps", "1"], "TIME ")
                    let outcome = Subprocess.run("python3", [shared + "/" + script] + arguments, environment: environment.variables)
                    samples.record(workload.name, "numpy", outcome.flatMap { Subprocess.number(after: key, in: $0.output) })
                }
            }
        }
        let report = BenchReport(samples: samples, cases: cases, threads: threads, variantLabels: variantRows.map { ($0.0, $0.1.map(\.label)) })
        print(report.text)
        print("\nload after: \(Machine.loadAverage)")
        return 0
    }

    /// JAX in its own process per round (startup and compile excluded): the fastest of two
    /// runs of each variant.
    private func recordJAX(_ workload: EngineWorkload, into samples: inout BenchSamples, environment: PeerEnvironment) {
        guard let outcome = Subprocess.run("python3", [jaxScript, workload.jaxCase, "--reps", "2"], environment: environment.variables),
            outcome.status == 0
        else {
            samples.record(workload.name, "JAX", nil)
            return
        }
        var best: [String: Double] = [:]
        for line in outcome.output.split(separator: "\n") where line.hasPrefix("jax ") {
            let words = line.split(separator: " ")
            guard words.count >= 4, let seconds = Subprocess.number(after: "seconds=", in: String(line)) else { continue }
            best[String(words[2])] = min(best[String(words[2])] ?? .infinity, seconds)
        }
        for (variant, seconds) in best { samples.record(workload.name, "JAX " + variant, seconds) }
    }
}

/// The environment of the peers: one thread each, and the engine's instruction-set cap
/// (BACKPROPD_ISA) applied to JAX, numpy and OpenBLAS too.
struct PeerEnvironment {
    let variables: [String]
    let summary: String

    static var current: PeerEnvironment {
        var variables = [
            "PATH=" + (getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"),
            "OPENBLAS_NUM_THREADS=1", "OMP_NUM_THREADS=1", "MKL_NUM_THREADS=1",
        ]
        if let home = getenv("HOME") { variables.append("HOME=" + String(cString: home)) }
        var xla = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        var summary = "one thread each"
        if CodePath.InstructionSet.allowed < .avx512 {
            xla += " --xla_cpu_max_isa=" + (CodePath.InstructionSet.allowed == .avx2 ? "AVX2" : "SSE4_2")
            variables += ["NPY_DISABLE_CPU_FEATURES=X86_V4 AVX512_ICL AVX512_SPR", "OPENBLAS_CORETYPE=Haswell"]
            summary += "; capped like the engine: JAX --xla_cpu_max_isa, numpy without AVX-512, OpenBLAS Haswell kernels"
        }
        variables.append("XLA_FLAGS=" + xla)
        return PeerEnvironment(variables: variables, summary: summary)
    }
}
