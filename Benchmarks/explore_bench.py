#!/usr/bin/env python3
"""Exploring runs (issue 14), measured.

  list:  GET /runs over 10,000 stored runs: every filter (label, q, status), both orders, a deep
         cursor, CSV of the whole list. Per query: p50/p99 of single requests on one keep-alive
         connection, queries interleaved round by round. Bar: p99 <= 20 ms. Side by side:
           - "before": what a client had to do without the index — read every run (pages of
             1,000) and filter and sort them itself — timed whole, for the same answer;
           - with --baseline (an earlier backpropd, e.g. main before issue 14), the queries that
             build also answers (newest first, status, deep cursor, limit=1000), on the same
             10,000 runs (its data directory copied), interleaved with this build's.
         Memory: the server's RSS before and after storing the runs (each build).
  chart: the bytes a chart of 64 trials x 10,000 points loads: GET /runs/{id} whole against
         ?points=N sized to a chart's pixel width (400, 800, 1600 px; 1836, what the dashboard
         asks in a 1280 px window), and a zoomed window
         (?from=&to=&points=800); time per request (median of --rounds); the CSV of the whole
         run streamed, with the server's RSS growth while it is sent.

Usage (from the package root, after `swift build -c release --product backpropd`):
  python3 Benchmarks/explore_bench.py [--runs 10000] [--rounds 5] [--requests 200] [--only list,chart]
      [--baseline PATH/TO/OTHER/backpropd]
Traffic goes to 127.0.0.1 only; every server is started and stopped by this script.
"""
import argparse, http.client, json, os, random, shutil, statistics, sys, tempfile, threading, time
import urllib.parse

# 10,000 one-trial runs submitted at once exceed the default queue (10,000 trials waiting) and
# the default --max-data-bytes (512 MiB of run files at their bounds); the list is the subject here.
LIST_FLAGS = ("--workers", "2", "--queue-limit", "100000", "--max-data-bytes", str(1 << 40))
# 64 trials x 10,001 points is beyond the default --max-run-bytes (16 MiB a finished run's GET):
# the chart case is the largest run a user raises the limits for.
CHART_FLAGS = ("--workers", "2", "--max-curve-points", "10000", "--max-run-bytes", str(1 << 30), "--max-data-bytes", str(1 << 40))

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from service_bench import Server, rss_mb  # noqa: E402  (the same server harness as the service bench)


class Client:
    """One keep-alive connection, timing each request."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path, headers=None):
        start = time.perf_counter()
        self.connection.request("GET", path, headers=headers or {})
        response = self.connection.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter() - start

    def post(self, path, body):
        self.connection.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
        response = self.connection.getresponse()
        payload = response.read()
        assert response.status == 202, (response.status, payload[:300])
        return json.loads(payload)["id"]


def populate(server, count, threads=4):
    """`count` small runs that learn (400 iterations, alpha 1-8), named and labelled: team t0-t9
    (1,000 runs each), project p0-p99 (100 each), a few with a comma in the name."""
    rng = random.Random(14)
    bodies = []
    for number in range(count):
        alpha = round(rng.uniform(1, 8), 3)
        bodies.append({"dataset": "xor", "alphas": [alpha], "hidden_size": 4, "iterations": 400, "error_every": 100,
                       "name": f"sweep {number}, lr {alpha}", "labels": {"team": f"t{number % 10}", "project": f"p{number % 100}"}})
    chunks = [bodies[start::threads] for start in range(threads)]

    def send(chunk):
        client = Client(server.port)
        for body in chunk:
            client.post("/runs", body)

    workers = [threading.Thread(target=send, args=(chunk,)) for chunk in chunks]
    for worker in workers: worker.start()
    for worker in workers: worker.join()
    client = Client(server.port)
    while True:
        unfinished = sum(len(json.loads(client.get(f"/runs?status={status}&limit=1000")[1])["runs"]) for status in ("queued", "running"))
        if unfinished == 0:
            return
        time.sleep(0.5)


def read_everything(client, sort_best, label=None):
    """The answer without the index: every run, 1,000 a page, filtered and sorted by the client."""
    runs, cursor = [], None
    while True:
        status, body, _ = client.get("/runs?limit=1000" + (f"&cursor={cursor}" if cursor else ""))
        page = json.loads(body)
        runs += page["runs"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    if label:
        key, value = label.split(":", 1)
        runs = [run for run in runs if run["labels"].get(key) == value]
    if sort_best:
        def error(run):
            best = run["summary"]["best"]
            return (0, best["final_error"]) if best and best["final_error"] is not None else (1, 0)
        runs.sort(key=error)
    return runs[:50]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def bench_list(count, rounds, requests, baseline=None):
    data = tempfile.mkdtemp(prefix="backpropd-explore-")
    first = Server(*LIST_FLAGS, data_dir=data, binary=baseline)
    empty_rss = rss_mb(first.process.pid)
    start = time.perf_counter()
    populate(first, count)
    print(f"list   stored {count} runs in {time.perf_counter() - start:.1f} s ({'baseline' if baseline else 'this build'})")
    servers = {}
    if baseline:
        copy = tempfile.mkdtemp(prefix="backpropd-explore-")
        first.stop()
        shutil.copytree(data, copy, dirs_exist_ok=True)
        servers["baseline"] = (Server(*LIST_FLAGS, data_dir=data, binary=baseline), empty_rss)
        mine_empty = Server(*LIST_FLAGS)
        mine_empty_rss = rss_mb(mine_empty.process.pid)
        mine_empty.stop()
        servers["this"] = (Server(*LIST_FLAGS, data_dir=copy), mine_empty_rss)
    else:
        servers["this"] = (first, empty_rss)
    try:
        this = Client(servers["this"][0].port)
        deep = None
        for _ in range(count // 2 // 1000):
            deep = json.loads(this.get("/runs?limit=1000" + (f"&cursor={deep}" if deep else ""))[1])["next_cursor"]
        best_deep = None
        for _ in range(count // 2 // 1000):
            best_deep = json.loads(this.get("/runs?sort=best_error&limit=1000" + (f"&cursor={best_deep}" if best_deep else ""))[1])["next_cursor"]
        queries = [  # name, path, also asked of the baseline
            ("newest 50", "/runs", True),
            ("status=succeeded", "/runs?status=succeeded", True),
            ("deep cursor (run 5,000)", f"/runs?cursor={deep}", True),
            ("limit=1000", "/runs?limit=1000", True),
            ("sort=best_error", "/runs?sort=best_error", False),
            ("sort=best_error, deep cursor", f"/runs?sort=best_error&cursor={best_deep}", False),
            ("label team:t3 (1,000 runs)", "/runs?label=team:t3", False),
            ("label project:p42 (100 runs)", "/runs?label=project:p42", False),
            ("2 labels + sort=best_error", "/runs?label=team:t2&label=project:p42&sort=best_error", False),
            ("label team:t3 + sort=best_error", "/runs?label=team:t3&sort=best_error", False),
            ("q=lr 7. (name, ~1/7 of runs)", "/runs?q=" + urllib.parse.quote("lr 7."), False),
            ("q=zzz (no match: every name)", "/runs?q=zzz", False),
            ("q + label + status + best_error", "/runs?q=" + urllib.parse.quote("lr 2.") + "&label=team:t5&status=succeeded&sort=best_error", False),
            ("format=csv, all 10,000 runs", "/runs?format=csv", False),
        ]
        timings = {(who, name): [] for who in servers for name, _, _ in queries}
        sizes = {}
        before = {"label team:t3 + sort=best_error, client-side": [], "sort=best_error, client-side": []}
        clients = {who: Client(server.port) for who, (server, _) in servers.items()}
        for _ in range(rounds):
            for name, path, both in queries:
                for who, client in clients.items():
                    if who == "baseline" and not both:
                        continue
                    n = requests if "csv" not in path and "limit=1000" not in path else max(5, requests // 20)
                    for _ in range(n):
                        status, body, seconds = client.get(path)
                        assert status == 200, (who, path, status, body[:300])
                        timings[(who, name)].append(seconds)
                    sizes[(who, name)] = len(body)
            for name, label in (("label team:t3 + sort=best_error, client-side", "team:t3"), ("sort=best_error, client-side", None)):
                for _ in range(max(2, requests // 50)):
                    start = time.perf_counter()
                    read_everything(clients["this"], True, label)
                    before[name].append(time.perf_counter() - start)
        load = os.getloadavg()
        print(f"list   {count} runs; {rounds} rounds x {requests} requests per query (csv, limit=1000: {max(5, requests // 20)}), load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        print(f"list   {'query':<34} {'build':<9} {'p50 ms':>8} {'p99 ms':>8} {'bytes':>9}   (bar p99 <= 20 ms)")
        for name, _, both in queries:
            for who in servers:
                values = timings[(who, name)]
                if not values:
                    continue
                print(f"list   {name:<34} {who:<9} {statistics.median(values) * 1000:8.2f} {percentile(values, 0.99) * 1000:8.2f} {sizes[(who, name)]:9d}")
            if both and "baseline" in servers:
                ratio = statistics.median(timings[("this", name)]) / statistics.median(timings[("baseline", name)])
                print(f"list   {name:<34} ratio this/baseline p50 {ratio:.2f}")
        for name, values in before.items():
            print(f"list   {name:<34} {'before':<9} {statistics.median(values) * 1000:8.2f} {percentile(values, 0.99) * 1000:8.2f}   (10 pages of 1,000 + client filter/sort)")
        for name, query in (("label team:t3 + sort=best_error, client-side", "label team:t3 + sort=best_error"), ("sort=best_error, client-side", "sort=best_error")):
            print(f"list   {query}: index/client-side p50 ratio {statistics.median(timings[('this', query)]) / statistics.median(before[name]):.4f}")
        for who, (server, empty) in servers.items():
            print(f"memory {who:<9} RSS empty {empty:.1f} MB, with {count} runs {rss_mb(server.process.pid):.1f} MB")
    finally:
        for server, _ in servers.values():
            server.stop()


def bench_chart(rounds):
    server = Server(*CHART_FLAGS)
    try:
        client = Client(server.port)
        alphas = [round(0.05 * (index + 1), 2) for index in range(64)]
        run_id = client.post("/runs", {"dataset": "xor", "alphas": alphas, "hidden_size": 4, "iterations": 10000, "error_every": 1})
        server.wait_finished(run_id, iterations=10000)
        cases = [("whole run (before)", f"/runs/{run_id}"), ("points=400", f"/runs/{run_id}?points=400"),
                 ("points=800", f"/runs/{run_id}?points=800"), ("points=1600", f"/runs/{run_id}?points=1600"),
                 # What the dashboard asks in a 1280 px window (twice its run view's 918 px).
                 ("points=1836 (dashboard, 1280 px)", f"/runs/{run_id}?points=1836"),
                 ("zoom from=2000&to=2400&points=800", f"/runs/{run_id}?from=2000&to=2400&points=800"),
                 ("one trial, points=800", f"/runs/{run_id}/trials/0?points=800"),
                 ("CSV whole run", f"/runs/{run_id}?format=csv")]
        times = {name: [] for name, _ in cases}
        sizes = {}
        csv_rss = []
        for _ in range(rounds):
            for name, path in cases:
                base = rss_mb(server.process.pid)
                peak = [base]
                stop = threading.Event()
                if "csv" in path:
                    def sample():
                        while not stop.is_set():
                            peak[0] = max(peak[0], rss_mb(server.process.pid)); time.sleep(0.005)
                    sampler = threading.Thread(target=sample); sampler.start()
                status, body, seconds = client.get(path)
                stop.set()
                if "csv" in path:
                    sampler.join(); csv_rss.append(peak[0] - base)
                assert status == 200, (path, status)
                times[name].append(seconds)
                sizes[name] = len(body)
        load = os.getloadavg()
        whole = sizes["whole run (before)"]
        print(f"chart  64 trials x 10,001 points; {rounds} rounds, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        print(f"chart  {'request':<36} {'bytes':>11} {'vs whole':>9} {'median ms':>10}")
        for name, _ in cases:
            print(f"chart  {name:<36} {sizes[name]:11d} {sizes[name] / whole:9.4f} {statistics.median(times[name]) * 1000:10.1f}")
        print(f"chart  CSV: server RSS growth while streaming it: median {statistics.median(csv_rss):.1f} MB (max {max(csv_rss):.1f}) for {sizes['CSV whole run'] / 1e6:.1f} MB of CSV")
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only", default="list,chart")
    parser.add_argument("--baseline")
    arguments = parser.parse_args()
    print(f"cpu    {cpu_model()}; {os.cpu_count()} CPUs")
    if "list" in arguments.only:
        bench_list(arguments.runs, arguments.rounds, arguments.requests, arguments.baseline)
    if "chart" in arguments.only:
        bench_chart(arguments.rounds)


def cpu_model():
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


if __name__ == "__main__":
    main()
