#!/usr/bin/env python3
"""The service's speed bar (issue 4), measured side by side with its named peers.

  1. sweep: the notebook sweep (xor, 7 alphas, hidden 4, 60000 iterations) from POST /runs to
     `succeeded` over HTTP, against the engine alone training the same sweep single-threaded
     (Benchmarks/ServiceBench). Rounds interleaved; medians; bar: ratio <= 0.6.
  2. get: GET /runs/{id} of the finished sweep with wrk at 64 connections, against HTTPBench's
     fixed JSON route serving the same bytes. Rounds interleaved; medians; bar: ratio >= 0.8.
  3. busy: the same GET while every worker trains; bar: p99 <= 20 ms.
  4. memory: RSS idle, and with 1,000 finished notebook sweeps stored (error_every 100);
     bars: <= 30 MB and <= 200 MB.
  5. cancel: POST /runs/{id}/cancel of a sweep caught training, until the answer (which comes
     once its trials have stopped, with the final state); bar: <= 100 ms (issue 13).

Usage (from the package root, after `swift build -c release`):
  python3 Benchmarks/service_bench.py [--rounds 5] [--duration 10] [--sweeps 1000] [--only sweep,get,memory,cancel]
      [--baseline PATH/TO/OTHER/backpropd] [--error-every N] [--no-busy]
With --baseline, get and memory also measure that binary (an earlier build: copy it aside
before rebuilding), side by side: get rounds interleaved (fixed route, this build, baseline),
memory one after the other, and print this build / baseline.
Traffic goes to 127.0.0.1 only. Every server is started and stopped by this script.
"""
import argparse, http.client, json, os, re, shutil, signal, statistics, subprocess, sys, tempfile, time

BUILD = ".build/release"
NOTEBOOK = {"dataset": "xor", "alphas": [0.001, 0.01, 0.1, 1, 10, 100, 1000], "hidden_size": 4}


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    def __init__(self, *arguments, data_dir=None, binary=None):
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="backpropd-bench-")
        self.process = subprocess.Popen(
            [binary or f"{BUILD}/backpropd", "serve", "--port", "0", "--data-dir", self.data_dir, "--log-level", "warning", *arguments],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # Warnings only: the listening line is info, so ask /healthz on the port from the process' sockets.
        self.port = None
        deadline = time.time() + 300
        while self.port is None and time.time() < deadline:
            time.sleep(0.05)
            self.port = listening_port(self.process.pid)
        if self.port is None:
            raise SystemExit(f"backpropd did not start (exit {self.process.poll()}): {self.process.stdout.read() if self.process.poll() is not None else 'still running'}")

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        data = json.dumps(body) if body is not None else None
        all_headers = {"Content-Type": "application/json"} if body is not None else {}
        all_headers.update(headers or {})
        connection.request(method, path, body=data, headers=all_headers)
        response = connection.getresponse()
        payload = response.read()
        connection.close()
        return response.status, dict(response.getheaders()), payload

    def submit(self, body):
        status, _, payload = self.request("POST", "/runs", body)
        assert status == 202, (status, payload[:300])
        return json.loads(payload)["id"]

    def wait_finished(self, run_id, iterations=60000):
        # since=iterations never has newer points, so the long-poll answers when the run finishes.
        while True:
            status, _, payload = self.request("GET", f"/runs/{run_id}?since={iterations}&wait=60")
            run = json.loads(payload)
            if run["status"] in ("succeeded", "failed", "cancelled"):
                return run

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=15)


def listening_port(pid):
    """The TCP port the process listens on (from /proc/net/tcp and its socket inodes)."""
    try:
        inodes = {os.readlink(f"/proc/{pid}/fd/{fd}")[8:-1] for fd in os.listdir(f"/proc/{pid}/fd")
                  if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")}
    except OSError:
        return None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in inodes:
                    return int(fields[1].split(":")[1], 16)
    return None


def engine_seconds():
    """(default, best, two threads, best path) of one round of the engine alone: single-threaded,
    and on two threads split 4 + 3 like the service's two workers."""
    default, best, two, path = subprocess.run([f"{BUILD}/ServiceBench", "1"], check=True, capture_output=True, text=True).stdout.split(maxsplit=3)
    return float(default), float(best), float(two), path.strip()


def wrk(url, connections, duration):
    output = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "2s", "--latency", url],
                            check=True, capture_output=True, text=True).stdout
    def ms(text):
        number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
        return float(number) * {"us": 1e-3, "ms": 1, "s": 1e3}[unit]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: (.*)", output)
    return {"rps": rps, "p50": p50, "p99": p99, "non2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": sockets.group(1) if sockets else "none"}


def bench_sweep(rounds):
    server = Server("--workers", "2")
    default, best, two, paths, service = [], [], [], [], []
    try:
        engine_seconds(), server.wait_finished(server.submit(NOTEBOOK))  # warm-up
        for _ in range(rounds):
            d, b, t, p = engine_seconds()
            default.append(d); best.append(b); two.append(t); paths.append(p)
            start = time.perf_counter()
            server.wait_finished(server.submit(NOTEBOOK))
            service.append(time.perf_counter() - start)
    finally:
        server.stop()
    d, b, t, s = (statistics.median(values) for values in (default, best, two, service))
    ms = lambda values: sorted(round(x * 1000, 1) for x in values)
    print(f"sweep  engine single-threaded, one Trainer.train call: median {d*1000:.1f} ms {ms(default)}")
    print(f"sweep  engine single-threaded, best code path: median {b*1000:.1f} ms {ms(best)} ({max(set(paths), key=paths.count)})")
    print(f"sweep  engine alone on 2 threads, 4 + 3 like the service: median {t*1000:.1f} ms {ms(two)}")
    print(f"sweep  service, POST→succeeded over HTTP, 2 workers: median {s*1000:.1f} ms {ms(service)}")
    paired = statistics.median(sv / dv for sv, dv in zip(service, default))
    print(f"sweep  ratio service/engine {s/d:.2f} (median of per-round ratios {paired:.2f}); service/best single-threaded {s/b:.2f} (bar <= 0.6)")
    print(f"sweep  ceiling: engine on 2 threads / engine single-threaded {t/d:.2f}; service / engine on 2 threads {s/t:.2f}")


def bench_get(rounds, duration, baseline=None, error_every=None, busy=True):
    server = Server("--workers", "2")
    other = Server("--workers", "2", binary=baseline) if baseline else None
    bench = None
    sweep = dict(NOTEBOOK, error_every=error_every) if error_every else NOTEBOOK
    try:
        run_id = server.submit(sweep)
        server.wait_finished(run_id)
        _, _, body = server.request("GET", f"/runs/{run_id}")
        body_file = tempfile.NamedTemporaryFile(suffix=".json", delete=False)
        body_file.write(body); body_file.close()
        bench_port = 18000 + os.getpid() % 1000
        bench = subprocess.Popen([f"{BUILD}/HTTPBench", "--port", str(bench_port), "--body", body_file.name, "--host", "127.0.0.1"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        ours_url = f"http://127.0.0.1:{server.port}/runs/{run_id}"
        fixed_url = f"http://127.0.0.1:{bench_port}/runs/demo"
        other_url = None
        if other:
            other_id = other.submit(sweep)
            other.wait_finished(other_id)
            other_body = other.request("GET", f"/runs/{other_id}")[2]
            other_url = f"http://127.0.0.1:{other.port}/runs/{other_id}"
            wrk(other_url, 64, 2)
        wrk(ours_url, 64, 2), wrk(fixed_url, 64, 2)  # warm-up
        ours, fixed, base = [], [], []
        for _ in range(rounds):
            fixed.append(wrk(fixed_url, 64, duration))
            ours.append(wrk(ours_url, 64, duration))
            if other_url:
                base.append(wrk(other_url, 64, duration))
        o = statistics.median(r["rps"] for r in ours)
        f = statistics.median(r["rps"] for r in fixed)
        print(f"get    sweep {json.dumps(sweep)}: body {len(body)} bytes; 64 connections, {duration} s x {rounds} rounds")
        print(f"get    fixed JSON route (HTTPBench) median {f:.0f} req/s, p99 {statistics.median(r['p99'] for r in fixed):.2f} ms")
        print(f"get    GET /runs/{{id}} median {o:.0f} req/s ({o * len(body) / 2**20:.0f} MiB/s), p99 {statistics.median(r['p99'] for r in ours):.2f} ms, "
              f"non-2xx {sum(r['non2xx'] for r in ours)}")
        print(f"get    ratio {o/f:.2f} (bar >= 0.8)")
        if base:
            b = statistics.median(r["rps"] for r in base)
            print(f"get    baseline {baseline}: body {len(other_body)} bytes, median {b:.0f} req/s ({b * len(other_body) / 2**20:.0f} MiB/s), "
                  f"p99 {statistics.median(r['p99'] for r in base):.2f} ms, non-2xx {sum(r['non2xx'] for r in base)}; "
                  f"baseline/fixed {b/f:.2f}; this build/baseline {o/b:.2f} in req/s, {o * len(body) / (b * len(other_body)):.2f} in bytes/s "
                  f"(per round {[round(x['rps'] / y['rps'], 2) for x, y in zip(ours, base)]})")

        if not busy:
            return
        # busy: every worker trains while GET is hammered
        busy_body = {"dataset": "xor", "alphas": [0.1 * (i + 1) for i in range(16)], "hidden_size": 32, "iterations": 5000000, "error_every": 5000}
        busy = [server.submit(busy_body) for _ in range(2)]
        time.sleep(1)
        metrics = server.request("GET", "/metrics")[2].decode()
        working = re.search(r"^backpropd_workers_busy (\d+)", metrics, re.M).group(1)
        loaded = wrk(ours_url, 64, duration)
        for run in busy:
            server.request("POST", f"/runs/{run}/cancel")
        print(f"busy   {working} of 2 workers training: GET /runs/{{id}} {loaded['rps']:.0f} req/s, "
              f"p50 {loaded['p50']:.2f} ms, p99 {loaded['p99']:.2f} ms (bar <= 20 ms), non-2xx {loaded['non2xx']}")
    finally:
        server.stop()
        if other:
            other.stop()
        if bench:
            bench.terminate(); bench.wait()


def bench_memory(sweeps, binary=None):
    directory = tempfile.mkdtemp(prefix="backpropd-bench-memory-")
    server = Server("--workers", "2", data_dir=directory, binary=binary)
    label = f"memory [{binary or 'this build'}]"
    try:
        time.sleep(0.5)
        idle = rss_mb(server.process.pid)
        body = dict(NOTEBOOK, error_every=100)
        pending = []
        start = time.perf_counter()
        for index in range(sweeps):
            while True:
                status, headers, payload = server.request("POST", "/runs", dict(body, name=f"sweep {index}"))
                if status == 202:
                    pending.append(json.loads(payload)["id"]); break
                assert status == 429, (status, payload[:200])
                time.sleep(0.2)
        for run_id in pending:
            server.wait_finished(run_id)
        elapsed = time.perf_counter() - start
        full = rss_mb(server.process.pid)
        server.stop()
        start = time.perf_counter()
        restarted = Server("--workers", "2", data_dir=directory, binary=binary)
        # Since issue 16 the stored runs load after the server listens: /readyz says 200 once they have.
        while restarted.request("GET", "/readyz")[0] != 200:
            time.sleep(0.1)
        reload_seconds = time.perf_counter() - start
        time.sleep(0.5)
        reloaded = rss_mb(restarted.process.pid)
        status, _, page = restarted.request("GET", "/runs?limit=1000")
        assert status == 200, (status, page[:300])
        count = len(json.loads(page)["runs"])
        restarted.stop()
        disk = sum(os.path.getsize(os.path.join(directory, "runs", name)) for name in os.listdir(os.path.join(directory, "runs")))
        print(f"{label} idle RSS {idle:.1f} MB (bar <= 30)")
        print(f"{label} {sweeps} finished sweeps (error_every 100) in {elapsed:.1f} s: RSS {full:.1f} MB (bar <= 200); "
              f"after restart {reloaded:.1f} MB with {count} runs listed (reload {reload_seconds:.1f} s); {disk / 2**20:.1f} MB on disk")
        return full, reloaded
    finally:
        if server.process.poll() is None:
            server.stop()
        shutil.rmtree(directory, ignore_errors=True)


def bench_cancel(rounds):
    server = Server("--workers", "2")
    body = {"dataset": "xor", "alphas": [0.5, 1, 2, 4, 8, 16, 32, 64], "hidden_size": 16, "iterations": 10000000, "error_every": 10000}
    latencies = []
    try:
        for _ in range(rounds):
            run_id = server.submit(body)
            while True:
                _, _, payload = server.request("GET", f"/runs/{run_id}?since=99999999")
                if any(trial["iterations_done"] > 0 for trial in json.loads(payload)["trials"]):
                    break
                time.sleep(0.01)
            time.sleep(0.2)
            start = time.perf_counter()
            status, _, payload = server.request("POST", f"/runs/{run_id}/cancel")
            latencies.append((time.perf_counter() - start) * 1000)
            run = json.loads(payload)
            assert status == 200 and run["status"] == "cancelled", (status, payload[:200])
            assert all(trial["status"] != "running" for trial in run["trials"])
    finally:
        server.stop()
    ordered = sorted(latencies)
    print(f"cancel {rounds} sweeps (8 trials, hidden 16) caught training: answer with the final state after median "
          f"{statistics.median(ordered):.1f} ms, p90 {ordered[int(0.9 * (len(ordered) - 1))]:.1f} ms, max {ordered[-1]:.1f} ms (bar <= 100 ms)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--sweeps", type=int, default=1000)
    parser.add_argument("--only", default="sweep,get,memory")
    parser.add_argument("--baseline", help="another backpropd binary to measure side by side (get, memory)")
    parser.add_argument("--error-every", type=int, help="get: the sweep with this error_every instead of the server's default")
    parser.add_argument("--no-busy", action="store_true", help="get: skip the busy row")
    options = parser.parse_args()
    for tool in (f"{BUILD}/backpropd", f"{BUILD}/ServiceBench", f"{BUILD}/HTTPBench"):
        if not os.path.exists(tool):
            raise SystemExit(f"{tool} missing: run swift build -c release first")
    print(f"date {time.strftime('%Y-%m-%d %H:%M:%S %Z')}; load {open('/proc/loadavg').read().split()[:3]}; cores {os.cpu_count()}")
    parts = options.only.split(",")
    if "sweep" in parts:
        bench_sweep(options.rounds)
    if "get" in parts:
        bench_get(options.rounds, options.duration, options.baseline, options.error_every, busy=not options.no_busy)
    if "cancel" in parts:
        bench_cancel(max(options.rounds, 10))
    if "memory" in parts:
        if options.baseline:
            base = bench_memory(options.sweeps, options.baseline)
            ours = bench_memory(options.sweeps)
            print(f"memory this build/baseline: after {options.sweeps} sweeps {ours[0] / base[0]:.2f}, after restart {ours[1] / base[1]:.2f}")
        else:
            bench_memory(options.sweeps)
    print(f"load after {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main()
