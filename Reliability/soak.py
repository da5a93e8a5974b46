#!/usr/bin/env python3
"""Soak: steady mixed load on a release backpropd over loopback, for minutes.

Every kind of request the API has, each at its own steady rate:
  submit      POST /runs (the sweeps of workloads.py; every 10th with an Idempotency-Key, replayed)
  poll        GET /runs/{id} with If-None-Match of the last ETag (304 when unchanged)
  long-poll   GET /runs/{id}?since=<last iteration>&wait=10 on unfinished runs
  sse         GET /runs/{id}/events, read to its `end` (or `deleted`) event
  cancel      POST /runs/{id}/cancel on recent runs (200, or 409 once finished)
  delete      DELETE /runs/{id}: the oldest beyond --keep-runs, and now and then a running one
  bad         malformed JSON, invalid fields, wrong media type, unknown ids, bad queries, a body
              over the limit, a wrong method (each with its own expected 4xx)
  read        GET /runs?limit=20, /healthz, /readyz, /metrics, /datasets
Submissions are held back while more than --backlog trials wait in the queue, so the workers
stay busy without the queue growing. Statuses are counted per kind; a status outside the kind's
expected set is an error (404 only counts as expected for a run this script is deleting).
Every --sample seconds the server's VmRSS, /proc/PID/fd count and threads are recorded.

Usage:
  .build/release/backpropd must exist (swift build -c release).
  Reliability/soak.py                 # short mode: 60 s
  Reliability/soak.py --full          # the issue's soak: 10 minutes
  Reliability/soak.py --duration 300 --report soak.md
Exit status 1 when an unexpected status was seen.
"""
import http.client, os, random, re, shutil, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from backpropd_process import ServerProcess
from traffic import Client, Reply, Sampler, Tally, load_average, publish, script_arguments
import workloads

WAITING_KINDS = ("long-poll", "sse")


class KnownRuns:
    """The runs this script created, with what it last saw of them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.runs = {}          # id -> {"etag", "status", "iterations_total", "order"}
        self.deleting = set()
        self.counter = 0

    def add(self, run, etag):
        with self.lock:
            self.counter += 1
            self.runs[run["id"]] = {"etag": etag, "status": run["status"],
                                    "iterations_total": run["progress"]["iterations_total"], "order": self.counter}

    def update(self, run_id, etag=None, status=None):
        with self.lock:
            if run_id in self.runs:
                if etag:
                    self.runs[run_id]["etag"] = etag
                if status:
                    self.runs[run_id]["status"] = status

    def choose(self, rng, unfinished=False, recent=None):
        with self.lock:
            ids = [run_id for run_id, run in self.runs.items()
                   if not unfinished or run["status"] in ("queued", "running")]
            if recent:
                ids = sorted(ids, key=lambda run_id: self.runs[run_id]["order"])[-recent:]
            if not ids:
                return None, None
            run_id = rng.choice(ids)
            return run_id, dict(self.runs[run_id])

    def start_deleting(self, run_id):
        with self.lock:
            if run_id not in self.runs:
                return False
            del self.runs[run_id]
            self.deleting.add(run_id)
            return True

    def oldest_beyond(self, keep):
        with self.lock:
            if len(self.runs) <= keep:
                return None
            return min(self.runs, key=lambda run_id: self.runs[run_id]["order"])

    def allowing_404(self, run_id):
        with self.lock:
            return {"404"} if run_id in self.deleting else set()

    def count(self):
        with self.lock:
            return len(self.runs)


def paced(stop, rate, rng):
    """Yields at `rate` per second (an open schedule with jitter); skips ticks when behind."""
    interval = 1.0 / rate
    next_tick = time.monotonic() + rng.random() * interval
    while not stop.is_set():
        delay = next_tick - time.monotonic()
        if delay > 0 and stop.wait(delay):
            return
        next_tick = max(next_tick + interval, time.monotonic() - interval)
        yield


class Soak:
    def __init__(self, args, server):
        self.args = args
        self.server = server
        self.port = server.port
        self.tally = Tally(bucket_seconds=args.bucket)
        self.runs = KnownRuns()
        self.stop = threading.Event()
        self.queue_trials = 0
        self.busy_samples = []
        self.held_back = 0
        self.sse_events = 0
        self.replays = 0

    # MARK: load

    def submitter(self, seed):
        rng, client = random.Random(seed), Client(self.port)
        for _ in paced(self.stop, self.args.submit_rate, rng):
            if self.queue_trials > self.args.backlog:
                self.held_back += 1
                continue
            name, body = workloads.pick(rng)
            headers = {"Idempotency-Key": f"soak-{seed}-{rng.getrandbits(64):x}"} if rng.random() < 0.1 else {}
            reply = client.request("POST", "/runs", body, headers)
            if self.tally.record("submit", reply, {202}):
                run = reply.json()
                self.runs.add(run, reply.header("etag"))
                if headers:
                    again = client.request("POST", "/runs", body, headers)
                    if self.tally.record("submit", again, {202}):
                        self.replays += 1
                        if again.json()["id"] != run["id"] or again.header("idempotent-replayed") != "true":
                            self.tally.note_unexpected("submit", f"replay of {run['id']} gave {again.json()['id']}")

    def poller(self, seed):
        rng, client = random.Random(seed), Client(self.port)
        for _ in paced(self.stop, self.args.poll_rate, rng):
            run_id, known = self.runs.choose(rng)
            if run_id is None:
                continue
            reply = client.request("GET", f"/runs/{run_id}", headers={"If-None-Match": known["etag"]} if known["etag"] else {})
            self.tally.record("poll", reply, {200, 304} | self.runs.allowing_404(run_id))
            if reply.status == 200:
                status = re.search(rb'"status":"(\w+)"', reply.body)
                self.runs.update(run_id, reply.header("etag"), status.group(1).decode() if status else None)

    def long_poller(self, seed):
        rng, client = random.Random(seed), Client(self.port, timeout=40)
        while not self.stop.is_set():
            run_id, known = self.runs.choose(rng, unfinished=True)
            if run_id is None:
                self.stop.wait(0.2)
                continue
            reply = client.request("GET", f"/runs/{run_id}?since={known['iterations_total']}&wait={self.args.wait}")
            self.tally.record("long-poll", reply, {200} | self.runs.allowing_404(run_id))
            if reply.status == 200:
                status = re.search(rb'"status":"(\w+)"', reply.body)
                self.runs.update(run_id, status=status.group(1).decode() if status else None)

    def sse_listener(self, seed):
        rng, client = random.Random(seed), Client(self.port, timeout=40)
        while not self.stop.is_set():
            run_id, _ = self.runs.choose(rng, unfinished=True)
            if run_id is None:
                self.stop.wait(0.2)
                continue
            connection, response, seconds = client.stream(f"/runs/{run_id}/events")
            if connection is None:
                self.tally.record("sse", response, {200})
                continue
            reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, b"", seconds)
            expected = {200} | self.runs.allowing_404(run_id)
            if response.status != 200:
                reply.body = response.read()
                self.tally.record("sse", reply, expected)
                connection.close()
                continue
            last_event, events = None, 0
            try:
                while True:
                    line = response.readline()
                    if not line:
                        break
                    if line.startswith(b"event: "):
                        last_event = line[7:].strip().decode()
                        events += 1
                        if last_event in ("end", "deleted"):
                            break
            except (OSError, http.client.HTTPException) as error:
                reply.status, reply.error = None, type(error).__name__
            connection.close()
            self.sse_events += events
            if reply.status == 200 and last_event not in ("end", "deleted"):
                reply.status, reply.error = None, f"stream ended after {last_event}"
            self.tally.record("sse", reply, expected)

    def canceller(self, seed):
        rng, client = random.Random(seed), Client(self.port)
        for _ in paced(self.stop, self.args.cancel_rate, rng):
            run_id, _ = self.runs.choose(rng, recent=20)
            if run_id is None:
                continue
            reply = client.request("POST", f"/runs/{run_id}/cancel")
            self.tally.record("cancel", reply, {200, 409} | self.runs.allowing_404(run_id))
            if reply.status == 200:
                self.runs.update(run_id, reply.header("etag"), "cancelled")

    def deleter(self, seed):
        rng, client = random.Random(seed), Client(self.port)
        for _ in paced(self.stop, 4 * self.args.submit_rate, rng):
            run_id = self.runs.oldest_beyond(self.args.keep_runs)
            if run_id is None and rng.random() < self.args.delete_running / (4 * self.args.submit_rate):
                run_id, _ = self.runs.choose(rng, unfinished=True)
            if run_id is None or not self.runs.start_deleting(run_id):
                continue
            self.tally.record("delete", client.request("DELETE", f"/runs/{run_id}"), {204})

    BAD_REQUESTS = [
        ("POST", "/runs", b"{not json", {"Content-Type": "application/json"}, 400),
        ("POST", "/runs", b"", {"Content-Type": "application/json"}, 400),
        ("POST", "/runs", b'{"dataset": "xor", "alphas": [0, "fast"], "iterations": 0, "colour": "red"}', {"Content-Type": "application/json"}, 422),
        ("POST", "/runs", b'{"dataset": "nope", "alphas": [1]}', {"Content-Type": "application/json"}, 422),
        ("POST", "/runs", b'{"dataset": "xor", "alphas": [1], "hidden_size": 100000}', {"Content-Type": "application/json"}, 422),
        ("POST", "/runs", b'{"dataset": "xor", "alphas": [1]}', {"Content-Type": "text/plain"}, 415),
        ("POST", "/runs", b'{"dataset": "xor", "alphas": [1]}', {"Content-Type": "application/json", "Idempotency-Key": "\x7f"}, 422),
        ("POST", "/runs", None, {"Content-Type": "application/json"}, 413),   # body over --max-body-bytes
        ("GET", "/runs/0123456789abcdef0123456789abcdef", None, {}, 404),
        ("GET", "/runs/not-a-run-id", None, {}, 404),
        ("GET", "/runs/0123456789abcdef0123456789abcdef/events", None, {}, 404),
        ("POST", "/runs/0123456789abcdef0123456789abcdef/cancel", None, {}, 404),
        ("DELETE", "/runs/0123456789abcdef0123456789abcdef", None, {}, 404),
        ("GET", "/runs?limit=0", None, {}, 422),
        ("GET", "/runs?status=sleeping", None, {}, 422),
        ("GET", "/runs?cursor=zzz", None, {}, 422),
        ("PUT", "/runs", b"{}", {"Content-Type": "application/json"}, 405),
        ("GET", "/no/such/path", None, {}, 404),
    ]

    def bad_client(self, seed):
        rng, client = random.Random(seed), Client(self.port)
        oversized = b'{"name": "' + b"x" * (self.args.max_body_bytes + 1) + b'"}'
        for index, _ in enumerate(paced(self.stop, self.args.bad_rate, rng)):
            method, path, body, headers, status = self.BAD_REQUESTS[index % len(self.BAD_REQUESTS)]
            if status == 413:
                body = oversized
            run_id, _ = self.runs.choose(rng)
            if run_id and index % 3 == 0 and status != 413:
                # the same mistakes on a real run's query
                path, status = rng.choice([(f"/runs/{run_id}?wait=-1", 422), (f"/runs/{run_id}?since=soon", 422),
                                           (f"/runs/{run_id}?wait={self.args.max_wait + 1}", 422)])
                method, body, headers = "GET", None, {}
            reply = client.request(method, path, body, headers)
            expected = {status}
            if run_id and path.startswith(f"/runs/{run_id}"):
                expected |= self.runs.allowing_404(run_id)
            if self.tally.record("bad", reply, expected) and "problem+json" not in (reply.header("content-type") or ""):
                self.tally.note_unexpected("bad", f"{method} {path}: {reply.status} without problem+json")

    def reader(self, seed):
        rng, client = random.Random(seed), Client(self.port)
        paths = ["/runs?limit=20", "/runs?limit=20&status=running", "/healthz", "/readyz", "/metrics", "/datasets"]
        for index, _ in enumerate(paced(self.stop, self.args.read_rate, rng)):
            self.tally.record("read", client.request("GET", paths[index % len(paths)]), {200})

    def metrics_watcher(self):
        """Once a second: the queue length (for holding back submissions) and busy workers."""
        client = Client(self.port)
        while not self.stop.wait(1.0):
            reply = client.request("GET", "/metrics")
            if reply.status != 200:
                continue
            text = reply.body.decode()
            queue = re.search(r"^backpropd_queue_trials (\S+)", text, re.M)
            busy = re.search(r"^backpropd_workers_busy (\S+)", text, re.M)
            if queue:
                self.queue_trials = float(queue.group(1))
            if busy:
                self.busy_samples.append((time.monotonic(), float(busy.group(1))))

    def extra_reading(self):
        """Busy workers averaged over the last sampling period, queued trials, runs known."""
        since = time.monotonic() - self.args.sample
        recent = [busy for at, busy in self.busy_samples if at >= since]
        return {"busy": sum(recent) / len(recent) if recent else None, "queue": self.queue_trials, "runs": self.runs.count(),
                "requests": self.tally.total()}

    def run(self):
        args = self.args
        threads = [threading.Thread(target=self.metrics_watcher, daemon=True)]
        plan = [(self.submitter, 1), (self.poller, args.pollers), (self.long_poller, args.long_polls),
                (self.sse_listener, args.sse), (self.canceller, 1), (self.deleter, 1), (self.bad_client, 1), (self.reader, 1)]
        seed = args.seed
        for target, count in plan:
            for _ in range(count):
                seed += 1
                threads.append(threading.Thread(target=target, args=(seed,), daemon=True))
        sampler = Sampler(self.server, interval=args.sample, extra=self.extra_reading)
        sampler.start()
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + args.duration
        while time.monotonic() < deadline and self.server.alive():
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
            print(f"\r{time.monotonic() - self.tally.started:6.0f} s  {self.tally.total()} requests  "
                  f"{len(self.tally.unexpected)} unexpected  rss {self.server.rss_kb()} KiB  fds {self.server.fds()}  ",
                  end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        self.stop.set()
        for thread in threads:
            thread.join(timeout=args.wait + 15)
        sampler.stop()
        return sampler.samples

    # MARK: report

    def report(self, samples, started_at, load_before, load_after, alive):
        args = self.args
        total = self.tally.total()
        lines = [f"Soak of {args.duration:.0f} s, started {started_at} UTC; load average before {load_before}, after {load_after}.",
                 f"Server: `backpropd serve --workers {args.workers}` (release build), pid {self.server.pid}; "
                 f"alive at the end: {alive}.", "",
                 f"**{total} requests, {len(self.tally.unexpected)} unexpected statuses**; "
                 f"{self.replays} idempotent replays, {self.sse_events} SSE events read, "
                 f"{self.held_back} submissions held back while the queue held > {args.backlog} trials.", "",
                 self.tally.status_table(), "",
                 "Latency per minute (long-polls and streams wait by design: their columns are time to the answer / to the response head):", "",
                 self.tally.latency_table(["poll", "submit", "read", "bad", "cancel", "delete", *WAITING_KINDS], waiting=WAITING_KINDS), "",
                 "Server over time (busy: mean of `backpropd_workers_busy` sampled each second over the period):", "",
                 "| t s | requests | RSS MiB | fds | threads | busy workers | queued trials | runs kept |",
                 "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for sample in samples:
            busy = "–" if sample.get("busy") is None else f"{sample['busy']:.2f}"
            rss = "–" if sample["rss_kb"] is None else f"{sample['rss_kb'] / 1024:.1f}"
            lines.append(f"| {sample['t']:.0f} | {sample.get('requests', '')} | {rss} | {sample['fds']} | {sample['threads']} | "
                         f"{busy} | {sample.get('queue', 0):.0f} | {sample.get('runs', '')} |")
        warm = [sample for sample in samples if sample["t"] >= args.warmup and sample["rss_kb"]]
        if len(warm) >= 2:
            rss = [sample["rss_kb"] / 1024 for sample in warm]
            fds = [sample["fds"] for sample in warm]
            times = [sample["t"] / 60 for sample in warm]
            mean_t, mean_r = sum(times) / len(times), sum(rss) / len(rss)
            slope = sum((t - mean_t) * (r - mean_r) for t, r in zip(times, rss)) / max(1e-9, sum((t - mean_t) ** 2 for t in times))
            lines += ["", f"After warm-up ({args.warmup:.0f} s): RSS {min(rss):.1f}–{max(rss):.1f} MiB "
                      f"(first {rss[0]:.1f}, last {rss[-1]:.1f}; least-squares slope {slope:+.2f} MiB/min), "
                      f"fds {min(fds)}–{max(fds)} (first {fds[0]}, last {fds[-1]})."]
        busy = [sample["busy"] for sample in samples if sample.get("busy") is not None]
        if busy:
            lines.append(f"Workers busy on average: {sum(busy) / len(busy):.2f} of {args.workers}.")
        if self.tally.unexpected:
            lines += ["", "Unexpected (first 20):", ""] + [f"- t={t} s {kind}: {label} {body!r}" for t, kind, label, body in self.tally.unexpected[:20]]
        return "\n".join(lines)


def main():
    parser = script_arguments(__doc__)
    parser.add_argument("--full", action="store_true", help="the issue's soak: 10 minutes (same as --duration 600)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="backpropd --workers (default 2)")
    parser.add_argument("--submit-rate", type=float, default=6, help="submissions per second at most (default 6)")
    parser.add_argument("--backlog", type=float, default=16, help="hold submissions while more trials wait (default 16)")
    parser.add_argument("--poll-rate", type=float, default=20, help="polls per second per poller (default 20)")
    parser.add_argument("--pollers", type=int, default=2)
    parser.add_argument("--long-polls", type=int, default=4, help="concurrent long-polls (default 4)")
    parser.add_argument("--sse", type=int, default=3, help="concurrent SSE listeners (default 3)")
    parser.add_argument("--cancel-rate", type=float, default=0.5)
    parser.add_argument("--delete-running", type=float, default=0.2, help="deletions of unfinished runs per second")
    parser.add_argument("--bad-rate", type=float, default=5)
    parser.add_argument("--read-rate", type=float, default=5)
    parser.add_argument("--keep-runs", type=int, default=150, help="older runs are deleted (default 150)")
    parser.add_argument("--wait", type=int, default=10, help="?wait= of long-polls (default 10)")
    parser.add_argument("--max-body-bytes", type=int, default=65536, help="backpropd --max-body-bytes (default 65536)")
    parser.add_argument("--max-wait", type=int, default=60)
    parser.add_argument("--sample", type=float, default=10, help="seconds between RSS/fd samples (default 10)")
    parser.add_argument("--warmup", type=float, default=60, help="seconds before RSS should be flat (default 60)")
    parser.add_argument("--bucket", type=float, default=60, help="seconds per latency row (default 60)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--report", help="also write the markdown report to this file")
    parser.add_argument("--keep-data", action="store_true", help="keep the temporary data dir and log")
    args = parser.parse_args()
    if args.full:
        args.duration = 600
    args.warmup = min(args.warmup, args.duration / 3)

    data_dir = tempfile.mkdtemp(prefix="backpropd-soak-")
    log_path = data_dir + ".log"
    server = ServerProcess(data_dir, "--workers", str(args.workers), "--max-body-bytes", str(args.max_body_bytes),
                           "--max-wait", str(args.max_wait), log_path=log_path).start()
    print(f"backpropd pid {server.pid} on port {server.port}, data {data_dir}, log {log_path}", file=sys.stderr)
    started_at = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    load_before = load_average()
    soak = Soak(args, server)
    try:
        samples = soak.run()
    finally:
        load_after = load_average()
        alive = server.alive()
        code, seconds = server.terminate() if alive else (server.process.returncode, 0)
    text = soak.report(samples, started_at, load_before, load_after, alive)
    text += f"\n\nSIGTERM at the end: exit {code} after {seconds:.2f} s."
    publish([text], args.report)
    if not args.keep_data:
        shutil.rmtree(data_dir, ignore_errors=True)
        os.unlink(log_path)
    sys.exit(1 if soak.tally.unexpected or not alive or code != 0 else 0)


if __name__ == "__main__":
    main()
