#!/usr/bin/env python3
"""Issue 12's service figures: the training pool on Dispatch queues, side by side with its references.

  sweep   a lone notebook sweep over HTTP (POST /runs until it `succeeded`, one long-poll) against
          `backpropd train --threads 1` training the same sweep (wall time of the process), rounds
          interleaved; bar: ratio <= 1.15.
  eight   8 notebook sweeps submitted at once until all `succeeded`, against 8 sequential
          `backpropd train` runs of the same sweep (default --threads, as a user would run them);
          bar: ratio <= 0.6.
  busy    while every worker trains (one long 8-trial hidden-32 run per worker): GET /healthz and GET
          /runs/{id} of a finished notebook sweep with wrk at 16 connections; the same when idle
          for reference; bars: p99 <= 20 ms and <= 50 ms.

Usage (from the package root, after `swift build -c release`):
  python3 Benchmarks/pool_bench.py [--rounds 9] [--duration 10] [--only sweep,eight,busy]
          [--binary .build/release/backpropd] [--label NAME] [--as-user 65534]
Each server is started and stopped here (127.0.0.1, a free port, a temporary data dir).
Run under `flock BENCH_LOCK` (the machine's benchmark lock, if it has one) on a shared machine; the load is printed with each part.
"""
import argparse, http.client, json, os, re, signal, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from service_bench import listening_port  # noqa: E402

NOTEBOOK = {"dataset": "xor", "alphas": [0.001, 0.01, 0.1, 1, 10, 100, 1000], "hidden_size": 4,
            "iterations": 60000, "error_every": 50}
TRAIN_ARGS = ["--iterations", "60000", "--error-every", "50", "--json"]


def load():
    return open("/proc/loadavg").read().split()[:3]


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


class Server:
    as_user = None   # --as-user: run the server without root's privileges, as in the container

    def __init__(self, binary, *arguments):
        self.data_dir = tempfile.mkdtemp(prefix="backpropd-pool-bench-")
        prefix = []
        if Server.as_user is not None:
            os.chmod(self.data_dir, 0o777)
            prefix = ["setpriv", f"--reuid={Server.as_user}", f"--regid={Server.as_user}", "--clear-groups"]
        self.process = subprocess.Popen(
            [*prefix, binary, "serve", "--port", "0", "--data-dir", self.data_dir, "--log-level", "warning", *arguments],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.port = None
        deadline = time.time() + 120
        while self.port is None and time.time() < deadline and self.process.poll() is None:
            time.sleep(0.05)
            self.port = listening_port(self.process.pid)
        if self.port is None:
            raise SystemExit(f"backpropd did not start (exit {self.process.poll()})")
        # Since issue 16 the server listens before it has loaded its stored runs (even none) and
        # answers 503 until then: wait for /readyz.
        while self.request("GET", "/readyz")[0] != 200:
            if time.time() > deadline:
                raise SystemExit("backpropd never became ready")
            time.sleep(0.05)

    def request(self, method, path, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        connection.close()
        return response.status, payload

    def submit(self, body):
        status, payload = self.request("POST", "/runs", body)
        assert status == 202, (status, payload[:300])
        return json.loads(payload)["id"]

    def wait_finished(self, run_id, iterations):
        while True:
            status, payload = self.request("GET", f"/runs/{run_id}?since={iterations}&wait=60")
            assert status == 200, (status, payload[:300])
            run = json.loads(payload)
            if run["status"] in ("succeeded", "failed", "cancelled"):
                return run

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def train_seconds(binary, threads=None):
    arguments = [binary, "train", *TRAIN_ARGS] + (["--threads", str(threads)] if threads else [])
    started = time.perf_counter()
    subprocess.run(arguments, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def wrk(url, connections, duration):
    output = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
                            check=True, capture_output=True, text=True).stdout

    def ms(label):
        match = re.search(label + r"\s+([\d.]+)(us|ms|s)\b", output)
        return float(match.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[match.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), "p50": ms("50%"),
            "p99": ms("99%"), "non2xx": int(non2xx.group(1)) if non2xx else 0}


def bench_sweep(binary, rounds):
    server = Server(binary)
    server.wait_finished(server.submit(NOTEBOOK), 60000)   # warm: the first training pays one-time set-up
    train_seconds(binary, 1)
    http, train = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        server.wait_finished(server.submit(NOTEBOOK), 60000)
        http.append(time.perf_counter() - started)
        train.append(train_seconds(binary, 1))
    server.stop()
    h, t = statistics.median(http), statistics.median(train)
    print(f"sweep: POST → succeeded median {h * 1000:.1f} ms (min {min(http) * 1000:.1f}); "
          f"backpropd train --threads 1 median {t * 1000:.1f} ms (min {min(train) * 1000:.1f}); ratio {h / t:.2f} (bar ≤ 1.15)")
    print(f"  per round ratios: {', '.join(f'{a / b:.2f}' for a, b in zip(http, train))}")


def bench_eight(binary, rounds):
    server = Server(binary)
    server.wait_finished(server.submit(NOTEBOOK), 60000)
    together, sequential = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        ids = [server.submit(NOTEBOOK) for _ in range(8)]
        for run_id in ids:
            server.wait_finished(run_id, 60000)
        together.append(time.perf_counter() - started)
        started = time.perf_counter()
        for _ in range(8):
            train_seconds(binary)
        sequential.append(time.perf_counter() - started)
    server.stop()
    a, b = statistics.median(together), statistics.median(sequential)
    print(f"eight: 8 sweeps at once median {a * 1000:.0f} ms; 8 sequential `backpropd train` median {b * 1000:.0f} ms; "
          f"ratio {a / b:.2f} (bar ≤ 0.6); per round {', '.join(f'{x / y:.2f}' for x, y in zip(together, sequential))}")


def bench_busy(binary, rounds, duration, workers):
    server = Server(binary, "--workers", str(workers))
    finished = server.submit(NOTEBOOK)
    server.wait_finished(finished, 60000)
    base = f"http://127.0.0.1:{server.port}"
    idle = {"healthz": [], "sweep": []}
    busy = {"healthz": [], "sweep": []}
    for _ in range(rounds):
        for name, path in (("healthz", "/healthz"), ("sweep", f"/runs/{finished}")):
            idle[name].append(wrk(base + path, 16, duration))
        # One run per worker, each 8 hidden-32 trials (one job) far longer than the measurement.
        long_runs = [server.submit({"dataset": "xor", "alphas": [1, 2, 3, 4, 5, 6, 7, 8], "hidden_size": 32,
                                    "iterations": 10_000_000, "error_every": 1000}) for _ in range(workers)]
        time.sleep(0.5)
        for name, path in (("healthz", "/healthz"), ("sweep", f"/runs/{finished}")):
            busy[name].append(wrk(base + path, 16, duration))
        for run_id in long_runs:
            server.request("POST", f"/runs/{run_id}/cancel")
            server.request("DELETE", f"/runs/{run_id}")
    server.stop()
    for name, bar in (("healthz", 20), ("sweep", 50)):
        for label, results in (("idle", idle[name]), ("every worker training", busy[name])):
            med = lambda key: statistics.median(r[key] for r in results)
            print(f"busy: GET {'/healthz' if name == 'healthz' else '/runs/{id} (finished sweep)'} at 16 connections, {label}: "
                  f"{med('rps'):,.0f} req/s, p50 {med('p50'):.2f} ms, p99 {med('p99'):.2f} ms "
                  f"(max {max(r['p99'] for r in results):.2f}), non-2xx {sum(r['non2xx'] for r in results)}"
                  + (f" (bar p99 ≤ {bar} ms)" if label != "idle" else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--only", default="sweep,eight,busy")
    parser.add_argument("--binary", default=".build/release/backpropd")
    parser.add_argument("--label", default="")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--as-user", type=int, help="run the server as this uid (e.g. 65534): no privilege to raise priorities, as in the container")
    options = parser.parse_args()
    Server.as_user = options.as_user
    print(f"{options.label or options.binary} on {cpu_model()}, {os.cpu_count()} cores; load {' '.join(load())}")
    for part in options.only.split(","):
        started_load = load()
        if part == "sweep":
            bench_sweep(options.binary, options.rounds)
        elif part == "eight":
            bench_eight(options.binary, max(1, options.rounds // 3))
        elif part == "busy":
            bench_busy(options.binary, max(1, options.rounds // 3), options.duration, options.workers)
        else:
            sys.exit(f"unknown part {part}")
        print(f"  load {' '.join(started_load)} → {' '.join(load())}")


if __name__ == "__main__":
    main()
