#!/usr/bin/env python3
"""What ProcessLimitTests.outOfFileDescriptors… does, many times, to show why it was flaky (issue 11).

Each run starts HTTPBench under `ulimit -n 40`, waits for a readiness line on its stderr, opens 60
connections at once (each sends a GET), waits for the server's "Too many open files … pausing
accepts" warning, waits 1 s, closes them all and asks once more on a fresh connection, which must
get 200. A run fails when a connect is refused or the child has died; the child's last lines are
printed (a libdispatch trap shows as "Signal 4" and exit -4).

  --marker 'HTTPBench ready on 127.0.0.1:'   the line ChildServer waits for now (the default)
  --marker 'listening on 127.0.0.1:'         the server's own log line it used to wait for: said
                                             before HTTPBench reaches dispatchMain(), which opens
                                             descriptors and traps when none is left

Usage: Reliability/child-readiness.py [--runs 300] [--marker TEXT] [--binary PATH]
Build first (swift build --product HTTPBench); run it beside a CPU hog (stress-ng --cpu 3) to
reproduce the load of a busy CI machine. Exits 1 if any run failed.
"""
import argparse, os, socket, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def one_run(binary, body, marker):
    child = subprocess.Popen(["/bin/bash", "-c", f"ulimit -n 40 && exec '{binary}' --port 0 --queues 1 --body '{body}' >/dev/null"],
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, close_fds=True)
    lines = []

    def read():
        for line in child.stderr:
            lines.append(line.decode(errors="replace").rstrip())
    threading.Thread(target=read, daemon=True).start()
    port, deadline = None, time.time() + 30
    while port is None and time.time() < deadline:
        for line in list(lines):
            if marker in line:
                port = int(line.split(marker)[1].split()[0].rstrip(","))
        time.sleep(0.01)
    problem, clients = None, []
    try:
        if port is None:
            raise RuntimeError("no readiness line")
        for _ in range(60):
            client = socket.create_connection(("127.0.0.1", port), timeout=5)
            client.sendall(b"GET /runs/demo HTTP/1.1\r\nHost: x\r\n\r\n")
            clients.append(client)
        deadline = time.time() + 10
        while time.time() < deadline and not any("Too many open files" in l and "pausing accepts" in l for l in lines):
            time.sleep(0.01)
        time.sleep(1)
        for client in clients:
            client.close()
        fresh = socket.create_connection(("127.0.0.1", port), timeout=10)
        fresh.sendall(b"GET /runs/demo HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = fresh.recv(100)
        fresh.close()
        if not answer.startswith(b"HTTP/1.1 200"):
            problem = f"the fresh client got {answer!r}"
    except Exception as error:  # noqa: BLE001 - every failure is reported
        problem = f"{type(error).__name__}: {error} (after {len(clients)} connections)"
    alive = child.poll() is None
    child.terminate()
    child.wait()
    if problem is None and not alive:
        problem = "the child died"
    return problem, alive, child.returncode, lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--marker", default="HTTPBench ready on 127.0.0.1:")
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "HTTPBench"))
    arguments = parser.parse_args()
    body = os.path.join(tempfile.mkdtemp(prefix="child-readiness-"), "body.json")
    with open(body, "w") as file:
        file.write('{"ok":true}')
    failures = 0
    for run in range(1, arguments.runs + 1):
        problem, alive, status, lines = one_run(arguments.binary, body, arguments.marker)
        if problem:
            failures += 1
            print(f"run {run}: {problem}; child alive until the end: {alive}; exit status {status}")
            print("\n".join("    " + line for line in lines[-8:]))
        if run % 20 == 0:
            print(f"{run} runs, {failures} failed; load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"child-readiness: {arguments.runs} runs waiting for {arguments.marker!r}: {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
