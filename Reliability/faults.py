#!/usr/bin/env python3
"""Faults: crashes, a full disk, a read-only data dir and SIGTERM, each under load.

  kill     kill -9 at a random moment during load (submissions with Idempotency-Keys, polls,
           SSE), restart on the same data dir; after every restart each run that got a 202 must
           be there, and POSTs that got no answer are retried with their key (every other kill
           waits until a POST is in flight, to catch one mid-request). At the end every
           accepted run must finish with exactly the results of `backpropd train --json` for
           the same sweep (all but the trials' wall times), and no run file may have been set aside.
  disk     data dir on a 2 MiB tmpfs: submit until refused, fill the rest; submissions must get
           507 (or 503) with a problem+json, earlier runs stay readable and unchanged, a run
           training meanwhile finishes in memory; space returns → 202 again, /readyz 200, and
           after a restart every run is read back unchanged and none is set aside.
  readonly data dir on a read-only mount (fresh, and with runs then remounted ro), and a
           directory the server's user may not write: start-up must fail with a clear message
           and a non-zero exit.
  sigterm  SIGTERM at a random moment during load: exit 0 within 10 s; after a restart every
           accepted run is there and finishes with the reference results.
Needs root for the mounts (disk, readonly) and setpriv (readonly as nobody).

Usage:
  .build/release/backpropd must exist (swift build -c release).
  Reliability/faults.py                      # short: 3 kills, 2 SIGTERMs, disk, readonly
  Reliability/faults.py --full               # 25 kills, 10 SIGTERMs
  Reliability/faults.py --only kill --kills 40 --report faults.md
Exit status 1 when a check failed.
"""
import collections, glob, http.client, json, os, random, shutil, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from backpropd_process import BINARY, ServerProcess, StartFailure
from traffic import Client, Tally, failure_list, load_average, publish, script_arguments
import workloads


# MARK: reference results

def reference_results(scratch):
    """Each workload trained once by `backpropd train --json`: name -> [trial outcome]."""
    references = {}
    for name, sweep in workloads.SWEEPS.items():
        command = [BINARY, "train", "--json", "--alphas", ",".join(repr(float(a)) for a in sweep["alphas"]),
                   "--hidden-size", ",".join(str(h) for h in sweep.get("hidden_sizes", [sweep.get("hidden_size", 4)])),
                   "--iterations", str(sweep["iterations"]), "--seed", str(sweep.get("seed", 1)),
                   "--error-every", str(sweep["error_every"])]
        if isinstance(sweep["dataset"], dict):
            path = os.path.join(scratch, f"{name}.json")
            with open(path, "w") as file:
                json.dump(sweep["dataset"], file)
            command += ["--dataset-file", path]
        else:
            command += ["--dataset", sweep["dataset"]]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        references[name] = [workloads.trial_outcome(trial) for trial in json.loads(output)["trials"]]
    return references


def wait_finished(client, run_id, total, timeout=600):
    """Long-polls until the run has finished; returns the run (None if it vanished)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = client.request("GET", f"/runs/{run_id}?since={total}&wait=30", timeout=45)
        if reply.status == 404:
            return None
        if reply.status == 200:
            status = json.loads(reply.body)["status"]
            if status in ("succeeded", "cancelled"):
                return json.loads(client.request("GET", f"/runs/{run_id}").body)
    raise TimeoutError(f"run {run_id} did not finish in {timeout} s")


def verify_results(port, accepted, references):
    """Waits for every accepted run; returns (matching, problems)."""
    client = Client(port, timeout=60)
    matching, problems = 0, []
    for run_id, name in sorted(accepted.items()):
        total = workloads.SWEEPS[name]["iterations"]
        run = wait_finished(client, run_id, total)
        if run is None:
            problems.append(f"{run_id} ({name}): gone")
        elif run["status"] != "succeeded":
            problems.append(f"{run_id} ({name}): {run['status']}")
        elif [workloads.trial_outcome(trial) for trial in run["trials"]] != references[name]:
            problems.append(f"{run_id} ({name}): trials differ from the reference")
        else:
            matching += 1
    return matching, problems


def files_set_aside(data_dir):
    return sorted(glob.glob(os.path.join(data_dir, "runs", "*.corrupt-*")))


# MARK: load while a fault strikes

class LoadDuringFault:
    """Submitters (each POST with an Idempotency-Key), a poller and an SSE listener. Statuses
    before `fault_at` must be the expected ones; after it, failures are the fault's doing."""

    def __init__(self, port, seed, submitters=2, submit_rate=4.0):
        self.port = port
        self.submitters, self.submit_rate = submitters, submit_rate
        self.accepted = {}          # id -> workload name
        self.unanswered = {}        # Idempotency-Key -> workload name
        self.tally = Tally(bucket_seconds=3600)
        self.stop = threading.Event()
        self.fault_at = None
        self.lock = threading.Lock()
        self.posting = threading.Event()   # set while a POST /runs is in flight
        self.seed = seed

    def record(self, kind, reply, normal):
        """Before the fault only `normal` statuses are fine; after it also 503 and failed connections."""
        expected = set(normal)
        if self.fault_at is not None:
            expected |= {503} | ({reply.label} if reply.status is None else set())
        return self.tally.record(kind, reply, expected)

    def submitter(self, seed):
        rng, client = random.Random(seed), Client(self.port, timeout=15)
        while not self.stop.wait(rng.expovariate(self.submit_rate / self.submitters)):
            name, body = workloads.pick(rng)
            key = f"fault-{seed}-{rng.getrandbits(64):x}"
            with self.lock:
                self.unanswered[key] = name
            self.posting.set()
            reply = client.request("POST", "/runs", body, {"Idempotency-Key": key})
            self.posting.clear()
            if reply.status == 202:
                with self.lock:
                    self.accepted[reply.json()["id"]] = name
                    del self.unanswered[key]
            elif reply.status is not None:
                with self.lock:
                    del self.unanswered[key]   # refused: nothing was accepted
            self.record("submit", reply, {202})

    def poller(self, seed):
        rng, client = random.Random(seed), Client(self.port, timeout=15)
        etags = {}
        while not self.stop.wait(0.02):
            with self.lock:
                ids = list(self.accepted)
            if not ids:
                continue
            run_id = rng.choice(ids)
            reply = client.request("GET", f"/runs/{run_id}", headers={"If-None-Match": etags[run_id]} if run_id in etags else {})
            if reply.status == 200:
                etags[run_id] = reply.header("etag")
            self.record("poll", reply, {200, 304})

    def sse_listener(self, seed):
        rng, client = random.Random(seed), Client(self.port, timeout=15)
        while not self.stop.is_set():
            with self.lock:
                ids = list(self.accepted)
            if not ids:
                self.stop.wait(0.05)
                continue
            connection, response, _ = client.stream(f"/runs/{rng.choice(ids)}/events")
            if connection is None:
                continue
            try:
                while not self.stop.is_set() and response.readline():
                    pass
            except (OSError, http.client.HTTPException):
                pass
            connection.close()

    def start(self):
        self.threads = [threading.Thread(target=self.submitter, args=(self.seed * 100 + index,), daemon=True)
                        for index in range(self.submitters)]
        self.threads += [threading.Thread(target=self.poller, args=(self.seed * 100 + 50,), daemon=True),
                         threading.Thread(target=self.sse_listener, args=(self.seed * 100 + 51,), daemon=True)]
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=20)


def retry_unanswered(port, unanswered):
    """Retries POSTs that got no answer with their Idempotency-Key: returns ({id: name}, replayed count)."""
    client, accepted, replayed = Client(port), {}, 0
    for key, name in unanswered.items():
        reply = client.request("POST", "/runs", workloads.SWEEPS[name], {"Idempotency-Key": key})
        if reply.status != 202:
            raise AssertionError(f"retry of {key}: {reply.label} {reply.body[:200]!r}")
        accepted[reply.json()["id"]] = name
        replayed += reply.header("idempotent-replayed") == "true"
    return accepted, replayed


def stored_run_ids(port):
    """Every run the server has (GET /runs, page by page)."""
    client, ids, cursor = Client(port), set(), None
    while True:
        page = client.request("GET", "/runs?limit=1000" + (f"&cursor={cursor}" if cursor else "")).json()
        ids |= {run["id"] for run in page["runs"]}
        cursor = page["next_cursor"]
        if not cursor:
            return ids


def missing_runs(port, accepted):
    client = Client(port)
    return [run_id for run_id in accepted if client.request("GET", f"/runs/{run_id}?since=-1").status != 200]


# MARK: the checks

def check_kill(args, references, report):
    data_dir = tempfile.mkdtemp(prefix="backpropd-kill-")
    log_path = data_dir + ".log"
    rng = random.Random(args.seed)
    accepted, unanswered = {}, {}
    rows = ["| start | then killed after s | 202s | POSTs the previous kill left unanswered, retried with their key: replayed / new | accepted so far | accepted runs missing at this start | start-up s |",
            "|---:|---:|---:|---|---:|---:|---:|"]
    failures = []
    statuses = Tally()
    for cycle in range(args.kills + 1):
        started = time.monotonic()
        server = ServerProcess(data_dir, "--workers", str(args.workers), log_path=log_path).start()
        startup = time.monotonic() - started
        missing = missing_runs(server.port, accepted)
        if missing:
            failures.append(f"restart {cycle}: {len(missing)} accepted runs missing: {missing[:3]}")
        retried, replayed = retry_unanswered(server.port, unanswered)
        retried_text = f"{len(unanswered)} ({replayed} / {len(unanswered) - replayed})"
        accepted.update(retried)
        if cycle == args.kills:
            rows.append(f"| {cycle} (final) | – | – | {retried_text} | {len(accepted)} | {len(missing)} | {startup:.2f} |")
            break
        load = LoadDuringFault(server.port, seed=args.seed + cycle)
        load.start()
        delay = rng.uniform(args.kill_min, args.kill_max)
        time.sleep(delay)
        # Every other kill waits until a POST is in flight, to catch one mid-request.
        aimed = cycle % 2 == 1 and load.posting.wait(2.0)
        load.fault_at = time.monotonic()
        server.kill()
        load.finish()
        accepted.update(load.accepted)
        unanswered = dict(load.unanswered)
        for kind, counter in load.tally.statuses.items():
            statuses.statuses[kind].update(counter)
        failures += [f"restart {cycle}: {kind} {label} before the kill: {body[:120]}" for _, kind, label, body in load.tally.unexpected]
        rows.append(f"| {cycle} | {delay:.2f}{' (a POST in flight)' if aimed else ''} | {len(load.accepted)} | {retried_text} | {len(accepted)} | {len(missing)} | {startup:.2f} |")
        print(f"kill {cycle + 1}/{args.kills}: {len(accepted)} accepted, {len(missing)} missing", file=sys.stderr)
    matching, problems = verify_results(server.port, accepted, references)
    failures += problems
    ghosts = stored_run_ids(server.port) - set(accepted)
    if ghosts:
        failures.append(f"{len(ghosts)} runs nobody was told about (ghosts): {sorted(ghosts)[:3]}")
    aside = files_set_aside(data_dir)
    if aside:
        failures.append(f"run files set aside: {aside[:3]}")
    log = open(log_path).read()
    set_aside_logged = log.count("unreadable run file")
    code, seconds = server.terminate()
    report += [f"{args.kills} kills (SIGKILL {args.kill_min}–{args.kill_max} s into load, uniformly at random), "
               f"{args.kills + 1} starts on the same data dir.", "",
               f"**{len(accepted)} accepted runs, {matching} finished with exactly the reference results, "
               f"{len(failures)} failures**; {len(ghosts)} runs the server has that no client was told about; "
               f"{len(aside)} run files set aside ({set_aside_logged} logged); "
               f"final SIGTERM exit {code} in {seconds:.2f} s.", "",
               "Statuses seen by the load (errors only after the kill):", "", statuses.status_table(), "", *rows]
    report += failure_list(failures) + ([f"Server log kept: {log_path}"] if failures else [])
    shutil.rmtree(data_dir, ignore_errors=True)
    if not failures:
        os.unlink(log_path)
    return not failures


def check_sigterm(args, references, report):
    data_dir = tempfile.mkdtemp(prefix="backpropd-term-")
    log_path = data_dir + ".log"
    rng = random.Random(args.seed + 1000)
    accepted, failures = {}, []
    rows = ["| round | load before SIGTERM s | 202s | exit code | exit after s | accepted so far | missing after restart |",
            "|---:|---:|---:|---:|---:|---:|---:|"]
    statuses = Tally()
    for round_index in range(args.sigterms):
        server = ServerProcess(data_dir, "--workers", str(args.workers), log_path=log_path).start()
        missing = missing_runs(server.port, accepted)
        load = LoadDuringFault(server.port, seed=args.seed + 500 + round_index)
        load.start()
        delay = rng.uniform(1.0, 4.0)
        time.sleep(delay)
        load.fault_at = time.monotonic()
        code, seconds = server.terminate(timeout=30)
        load.finish()
        accepted.update(load.accepted)
        for kind, counter in load.tally.statuses.items():
            statuses.statuses[kind].update(counter)
        if code != 0 or seconds > 10:
            failures.append(f"round {round_index}: exit {code} after {seconds:.2f} s")
        if missing:
            failures.append(f"round {round_index}: {len(missing)} accepted runs missing after restart")
        failures += [f"round {round_index}: {kind} {label} before SIGTERM: {body[:120]}" for _, kind, label, body in load.tally.unexpected]
        # POSTs cut off by the stop: retried with their keys on the next start
        pending = dict(load.unanswered)
        if pending:
            server = ServerProcess(data_dir, "--workers", str(args.workers), log_path=log_path).start()
            got, _ = retry_unanswered(server.port, pending)
            accepted.update(got)
            server.terminate()
        rows.append(f"| {round_index + 1} | {delay:.2f} | {len(load.accepted)} | {code} | {seconds:.2f} | {len(accepted)} | {len(missing)} |")
        print(f"sigterm {round_index + 1}/{args.sigterms}: exit {code} in {seconds:.2f} s", file=sys.stderr)
    server = ServerProcess(data_dir, "--workers", str(args.workers), log_path=log_path).start()
    missing = missing_runs(server.port, accepted)
    if missing:
        failures.append(f"final restart: {len(missing)} accepted runs missing")
    matching, problems = verify_results(server.port, accepted, references)
    failures += problems
    ghosts = stored_run_ids(server.port) - set(accepted)
    if ghosts:
        failures.append(f"{len(ghosts)} runs nobody was told about (ghosts): {sorted(ghosts)[:3]}")
    server.terminate()
    report += [f"{args.sigterms} rounds of SIGTERM 1–4 s into load (uniformly at random), each followed by a restart on the same data dir.", "",
               f"**{len(accepted)} accepted runs, {matching} finished with exactly the reference results, {len(failures)} failures**; "
               f"{len(ghosts)} runs the server has that no client was told about.", "",
               "Statuses seen by the load (errors and 503 only after SIGTERM):", "", statuses.status_table(), "", *rows]
    report += failure_list(failures) + ([f"Server log kept: {log_path}"] if failures else [])
    shutil.rmtree(data_dir, ignore_errors=True)
    if not failures:
        os.unlink(log_path)
    return not failures


class Mount:
    """A tmpfs mounted for one check (root only); unmounted on exit."""

    def __init__(self, size="2m", read_only=False):
        self.path = tempfile.mkdtemp(prefix="backpropd-tmpfs-")
        options = f"size={size}" + (",ro" if read_only else "")
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", self.path], check=True)

    def remount(self, options):
        subprocess.run(["mount", "-o", f"remount,{options}", self.path], check=True)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        subprocess.run(["umount", "-l", self.path], check=False)
        os.rmdir(self.path)


def fill(path):
    """Writes a file until the file system is full; returns its path (it may not exist: too full to create)."""
    try:
        with open(path, "wb") as file:
            while True:
                file.write(b"\0" * 4096)
                file.flush()
    except OSError:
        pass
    return path


def until_accepted(client, body, timeout=30):
    """POSTs every 0.2 s until a 202; returns (seconds, run id) or (None, last reply label)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        reply = client.request("POST", "/runs", body)
        if reply.status == 202:
            return time.monotonic() - started, reply.json()["id"]
        time.sleep(0.2)
    return None, reply.label


def recovery(client, accepted, failures, after):
    """Space is back: (seconds until a POST is accepted, seconds until /readyz is 200); None = not in 30 s."""
    accepted_after, run_id = until_accepted(client, workloads.SWEEPS["two-layer"])
    if accepted_after is not None:
        accepted[run_id] = "two-layer"
    ready_after = until_ready(client)
    if accepted_after is None or ready_after is None:
        failures.append(f"no recovery within 30 s after {after} (POST {run_id}, ready {ready_after})")
    return accepted_after, ready_after


def until_ready(client, timeout=30):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if client.request("GET", "/readyz").status == 200:
            return time.monotonic() - started
        time.sleep(0.2)
    return None


def check_disk_full(args, references, report):
    failures = []
    seconds_text = lambda value: "never (30 s)" if value is None else f"{value:.2f} s"
    with Mount(size="2m") as mount:
        data_dir = os.path.join(mount.path, "data")
        log_path = tempfile.mkstemp(prefix="backpropd-disk-", suffix=".log")[1]
        server = ServerProcess(data_dir, "--workers", str(args.workers), "--checkpoint-interval", "200", log_path=log_path).start()
        client = Client(server.port)
        accepted = {}
        for name in ["notebook", "two-layer", "grid", "inline", "wide"]:
            accepted[client.request("POST", "/runs", workloads.SWEEPS[name]).json()["id"]] = name
        for run_id, name in accepted.items():
            wait_finished(client, run_id, workloads.SWEEPS[name]["iterations"])
        before = {run_id: client.request("GET", f"/runs/{run_id}").body for run_id in accepted}
        # 1. a file fills the tmpfs while a long run trains
        long_id = client.request("POST", "/runs", workloads.SWEEPS["long"]).json()["id"]
        accepted[long_id] = "long"
        filler = fill(os.path.join(mount.path, "filler"))
        refused = [client.request("POST", "/runs", workloads.SWEEPS[name]) for name in ["notebook", "two-layer", "grid", "inline", "wide"]]
        refused_statuses = collections.Counter(reply.label for reply in refused)
        for reply in refused:
            if reply.status not in (507, 503) or "problem+json" not in (reply.header("content-type") or ""):
                failures.append(f"full disk: POST answered {reply.label} {reply.header('content-type')}")
        readyz_full = client.request("GET", "/readyz")
        healthz_full = client.request("GET", "/healthz")
        unchanged = sum(client.request("GET", f"/runs/{run_id}").body == body for run_id, body in before.items())
        if unchanged != len(before):
            failures.append(f"full disk: {len(before) - unchanged} finished runs read differently")
        long_run = wait_finished(client, long_id, workloads.SWEEPS["long"]["iterations"])
        # 2. space returns
        if os.path.exists(filler):
            os.unlink(filler)
        recovered, ready = recovery(client, accepted, failures, "the file was removed")
        # 3. runs fill the disk by themselves; deleting some through the API frees space
        natural, first_refusal, refusals = 0, None, collections.Counter()
        for attempt in range(3000):
            name = "notebook" if attempt % 2 else "two-layer"
            reply = client.request("POST", "/runs", workloads.SWEEPS[name])
            if reply.status == 202:
                accepted[reply.json()["id"]] = name
                natural += 1
                continue
            refusals[reply.label] += 1
            first_refusal = first_refusal or reply
            if reply.status not in (507, 503) or "problem+json" not in (reply.header("content-type") or ""):
                failures.append(f"disk filled by runs: POST answered {reply.label}")
            if sum(refusals.values()) >= 5:
                break
        for run_id, name in list(accepted.items()):
            wait_finished(client, run_id, workloads.SWEEPS[name]["iterations"])
        doomed = [run_id for run_id in accepted if run_id not in before and run_id != long_id][: natural // 2]
        deletions = collections.Counter(client.request("DELETE", f"/runs/{run_id}").label for run_id in doomed)
        for run_id in doomed:
            del accepted[run_id]
        recovered_after_delete, ready_after_delete = recovery(client, accepted, failures, "deleting runs")
        for run_id, name in accepted.items():
            wait_finished(client, run_id, workloads.SWEEPS[name]["iterations"])
        code, seconds = server.terminate()
        if code != 0:
            failures.append(f"SIGTERM exit {code} after {seconds:.2f} s")
        # 4. restart: everything read back, nothing set aside, results as the reference
        server = ServerProcess(data_dir, "--workers", str(args.workers), log_path=log_path).start()
        missing = missing_runs(server.port, accepted)
        matching, result_problems = verify_results(server.port, accepted, references)
        failures += result_problems + ([f"{len(missing)} runs missing after restart"] if missing else [])
        aside = files_set_aside(data_dir)
        if aside:
            failures.append(f"run files set aside: {aside}")
        code_after, seconds_after = server.terminate()
        storage_errors = open(log_path).read().count("run not stored")
        sample = refused[0]
        report += ["Data dir on a 2 MiB tmpfs (`mount -t tmpfs -o size=2m`), `--checkpoint-interval 200`.", "",
                   "- 5 runs stored; a `long` run training; a file fills the rest: POST /runs → "
                   + ", ".join(f"{label} × {count}" for label, count in refused_statuses.items())
                   + f" (`Content-Type: {sample.header('content-type')}`):", "",
                   "  ```", "  " + sample.body.decode(errors="replace"), "  ```", "",
                   f"- Meanwhile `/readyz` {readyz_full.label} `{readyz_full.body.decode(errors='replace')}`, `/healthz` {healthz_full.label}; "
                   f"{unchanged}/{len(before)} stored runs read back byte-identical; the training run ended `{long_run['status'] if long_run else 'gone'}` in memory.",
                   f"- The file removed: POST accepted again after {seconds_text(recovered)}, `/readyz` 200 after {seconds_text(ready)}.",
                   f"- Then runs fill the disk by themselves: {natural} more accepted, then "
                   + ", ".join(f"{label} × {count}" for label, count in refusals.items())
                   + (f" (`{first_refusal.body.decode(errors='replace')[:220]}…`)" if first_refusal else "")
                   + f"; {len(doomed)} runs deleted through the API ({', '.join(f'{label} × {count}' for label, count in deletions.items())}): "
                   f"POST accepted again after {seconds_text(recovered_after_delete)}, `/readyz` 200 after {seconds_text(ready_after_delete)}.",
                   f"- SIGTERM: exit {code} in {seconds:.2f} s. Restart on the same tmpfs: {len(accepted) - len(missing)}/{len(accepted)} runs there, "
                   f"{matching} with exactly the reference results, {len(aside)} files set aside; SIGTERM exit {code_after}. "
                   f"The log has {storage_errors} `run not stored` lines in all.", ""]
        os.unlink(log_path)
    report += failure_list(failures)
    return not failures


def check_read_only(args, report):
    failures, rows = [], ["| case | exit code | after s | stderr |", "|---|---:|---:|---|"]

    def attempt(case, data_dir, user=None):
        started = time.monotonic()
        server = ServerProcess(data_dir, user=user)
        try:
            server.start()
            server.terminate()
            failures.append(f"{case}: the server started")
            rows.append(f"| {case} | started! | | |")
        except StartFailure as failure:
            took = time.monotonic() - started
            rows.append(f"| {case} | {failure.exit_code} | {took:.2f} | `{failure.stderr.strip()}` |")
            if not failure.exit_code or "data directory" not in failure.stderr:
                failures.append(f"{case}: exit {failure.exit_code}, {failure.stderr.strip()!r}")
        os.unlink(server.log_path)

    with Mount(size="1m", read_only=True) as mount:
        attempt("read-only mount, data dir is the mount point", mount.path)
        attempt("read-only mount, data dir to be created in it", os.path.join(mount.path, "data"))
    with Mount(size="4m") as mount:
        data_dir = os.path.join(mount.path, "data")
        server = ServerProcess(data_dir).start()
        Client(server.port).request("POST", "/runs", workloads.SWEEPS["notebook"])
        server.terminate()
        os.unlink(server.log_path)
        mount.remount("ro")
        attempt("data dir with runs, then remounted read-only", data_dir)
    plain = tempfile.mkdtemp(prefix="backpropd-ro-")
    os.chmod(plain, 0o555)
    attempt("mode 555 directory, server as nobody (setpriv)", plain, user="65534")
    os.rmdir(plain)
    report += rows
    report += failure_list(failures)
    return not failures


def main():
    parser = script_arguments(__doc__)
    parser.add_argument("--full", action="store_true", help="25 kills and 10 SIGTERM rounds")
    parser.add_argument("--only", default="kill,disk,readonly,sigterm", help="comma-separated checks (default: all)")
    parser.add_argument("--kills", type=int, default=3, help="kill -9 restarts (default 3; --full 25)")
    parser.add_argument("--sigterms", type=int, default=2, help="SIGTERM rounds (default 2; --full 10)")
    parser.add_argument("--kill-min", type=float, default=0.3, help="earliest kill, seconds into load")
    parser.add_argument("--kill-max", type=float, default=4.0, help="latest kill, seconds into load")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--report", help="also write the markdown report to this file")
    args = parser.parse_args()
    if args.full:
        args.kills, args.sigterms = max(args.kills, 25), max(args.sigterms, 10)
    checks = args.only.split(",")
    scratch = tempfile.mkdtemp(prefix="backpropd-reference-")
    started = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    load = load_average()
    references = reference_results(scratch) if set(checks) & {"kill", "disk", "sigterm"} else {}
    report, passed = [f"Faults run started {started} UTC, load average {load}.", ""], {}
    for check, title in [("kill", "kill -9 and restart"), ("disk", "Disk full"), ("readonly", "Read-only data dir"), ("sigterm", "SIGTERM under load")]:
        if check not in checks:
            continue
        report += [f"### {title}", ""]
        print(f"== {check}", file=sys.stderr)
        if check in ("disk", "readonly") and os.geteuid() != 0:
            report += ["Skipped: mounting a tmpfs needs root.", ""]
            passed[check] = False
            continue
        if check == "kill":
            passed[check] = check_kill(args, references, report)
        elif check == "disk":
            passed[check] = check_disk_full(args, references, report)
        elif check == "readonly":
            passed[check] = check_read_only(args, report)
        else:
            passed[check] = check_sigterm(args, references, report)
        report.append("")
    report.append("Checks: " + ", ".join(f"{check} {'passed' if ok else 'FAILED'}" for check, ok in passed.items()) + ".")
    publish(report, args.report)
    shutil.rmtree(scratch, ignore_errors=True)
    sys.exit(0 if all(passed.values()) else 1)


if __name__ == "__main__":
    main()
