#!/usr/bin/env python3
"""Idle keep-alive connections against HTTPBench: memory and whether they slow active clients.

Usage: Benchmarks/http-idle.py [--idle 1000] [--duration 8] [--rounds 3] [--binary PATH]
Starts .build/release/HTTPBench (build it first: swift build -c release --product HTTPBench; or
--binary, a release HTTPBench built elsewhere), then
per round, without and with IDLE idle keep-alive connections (each made one request, then holds;
they come from --clients other loopback addresses, 10 by default: see hold_idle):
  - a 64-connection wrk load on GET /runs/demo, and
  - at the same time a 65th client (wrk -t1 -c1) whose latency is the figure of interest,
and reports the server's VmRSS, the load's req/s and the 65th client's p50/p99 (medians of rounds).
"""
import argparse, os, re, socket, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# The peers' response body, in ../shared/peers beside the repository root.
BODY = os.path.join(ROOT, "..", "shared", "peers", "body.json")


def vm(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def wrk(args):
    return subprocess.Popen(["wrk", "--latency"] + args, stdout=subprocess.PIPE, text=True)


def parse(output):
    def ms(text):
        value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, p50, p99, int(errors.group(1)) if errors else 0


def hold_idle(port, count, clients):
    """`count` idle connections from `clients` loopback addresses (127.0.1.1, 127.0.1.2, …): the
    server admits at most 1,000 connections per client address (HTTPLimits.maxConnectionsPerClient,
    issue 16), so 1,000 idle ones from 127.0.0.1 would leave the load's 65 connections only 429s."""
    held = []
    request = b"GET /runs/demo HTTP/1.1\r\nHost: bench\r\n\r\n"
    for index in range(count):
        s = socket.create_connection(("127.0.0.1", port), source_address=(f"127.0.1.{1 + index % clients}", 0))
        s.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received or len(received) < received.index(b"\r\n\r\n") + 4 + 597:
            received += s.recv(65536)
        held.append(s)
    return held


def main():
    options = argparse.ArgumentParser()
    options.add_argument("--idle", type=int, default=1000)
    options.add_argument("--duration", type=int, default=8)
    options.add_argument("--rounds", type=int, default=3)
    options.add_argument("--port", type=int, default=18990)
    options.add_argument("--clients", type=int, default=10, help="loopback addresses the idle connections come from (1-250)")
    options.add_argument("--binary", default=os.path.join(ROOT, ".build/release/HTTPBench"))
    args = options.parse_args()
    server = subprocess.Popen([args.binary, "--port", str(args.port), "--body", BODY],
                              stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    url = f"http://127.0.0.1:{args.port}/runs/demo"
    results = {"without": [], "with": []}
    print(f"load before: {os.getloadavg()}", file=sys.stderr)
    try:
        subprocess.run(["wrk", "-t2", "-c64", "-d2s", url], stdout=subprocess.DEVNULL, check=True)
        for round in range(args.rounds):
            for scenario in ("without", "with"):
                held = hold_idle(args.port, args.idle, args.clients) if scenario == "with" else []
                time.sleep(0.5)
                rss_idle = vm(server.pid, "VmRSS")
                load = wrk(["-t2", "-c64", f"-d{args.duration}s", url])
                probe = wrk(["-t1", "-c1", f"-d{args.duration}s", url])
                load_out, probe_out = load.communicate()[0], probe.communicate()[0]
                rps, _, p99, errors_load = parse(load_out)
                _, probe_p50, probe_p99, errors_probe = parse(probe_out)
                results[scenario].append((rss_idle, rps, p99, probe_p50, probe_p99, errors_load + errors_probe,
                                          vm(server.pid, "VmHWM")))
                print(f"round {round + 1} {scenario:7} idle={len(held)} rss={rss_idle:.1f}MiB load={rps:.0f}req/s "
                      f"p99={p99:.2f}ms 65th p50={probe_p50:.3f}ms p99={probe_p99:.3f}ms non2xx={errors_load + errors_probe}",
                      file=sys.stderr)
                for s in held:
                    s.close()
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait()
    print(f"load after: {os.getloadavg()}", file=sys.stderr)
    print(f"| scenario | server VmRSS with the idle connections open | 64-conn load req/s | load p99 ms | 65th client p50 ms | 65th client p99 ms | non-2xx |")
    print("|---|---|---|---|---|---|---|")
    for scenario in ("without", "with"):
        rows = results[scenario]
        med = lambda i: statistics.median(r[i] for r in rows)
        label = f"{args.idle} idle keep-alive" if scenario == "with" else "no idle connections"
        print(f"| {label} | {med(0):.1f} MiB | {med(1):.0f} | {med(2):.2f} | {med(3):.3f} | {med(4):.3f} | {sum(r[5] for r in rows)} |")


if __name__ == "__main__":
    main()
