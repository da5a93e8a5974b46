"""HTTP traffic for the reliability scripts: a keep-alive client, a tally of statuses and
latencies per kind of request, and a sampler of the server's RSS and open descriptors."""
import collections, http.client, json, math, socket, threading, time

NOTEBOOK_ALPHAS = [0.001, 0.01, 0.1, 1, 10, 100, 1000]


class Reply:
    def __init__(self, status, headers, body, seconds, error=None):
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds
        self.error = error

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        return self.headers.get(name.lower())

    @property
    def label(self):
        """The status, or the kind of failure when there was no response."""
        return str(self.status) if self.status is not None else f"error:{self.error}"


class Client:
    """One keep-alive connection, reopened after an error or a `Connection: close`. Not thread-safe."""

    def __init__(self, port, host="127.0.0.1", timeout=30):
        self.host, self.port, self.timeout = host, port, timeout
        self.connection = None

    def request(self, method, path, body=None, headers=None, timeout=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        started = time.monotonic()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout or self.timeout)
            elif timeout:
                self.connection.sock.settimeout(timeout)
            self.connection.request(method, path, body=body, headers=headers or {})
            response = self.connection.getresponse()
            payload = response.read()
            reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, payload, time.monotonic() - started)
            if response.will_close:
                self.close()
            elif timeout:
                self.connection.sock.settimeout(self.timeout)
            return reply
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return Reply(None, {}, b"", time.monotonic() - started, error=type(error).__name__)

    def stream(self, path, headers=None, timeout=None):
        """Opens a streamed GET (Server-Sent Events); returns the http.client response, or a Reply on failure."""
        started = time.monotonic()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout or self.timeout)
        try:
            connection.request("GET", path, headers=headers or {})
            return connection, connection.getresponse(), time.monotonic() - started
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            return None, Reply(None, {}, b"", time.monotonic() - started, error=type(error).__name__), time.monotonic() - started

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def percentile(values, fraction):
    """Nearest-rank percentile of `values` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def ms(seconds):
    return "–" if seconds is None else f"{seconds * 1000:.1f}"


class Tally:
    """Thread-safe counts of statuses per kind of request, whether each was expected, and
    latencies per kind per time bucket (a minute by default)."""

    def __init__(self, bucket_seconds=60, started=None):
        self.lock = threading.Lock()
        self.started = started or time.monotonic()
        self.bucket_seconds = bucket_seconds
        self.statuses = collections.defaultdict(collections.Counter)
        self.latencies = collections.defaultdict(list)
        self.unexpected = []

    def record(self, kind, reply, expected):
        """`expected`: the statuses (as strings or ints) this kind may answer in this situation."""
        label = reply.label
        ok = label in {str(status) for status in expected}
        bucket = int((time.monotonic() - self.started) // self.bucket_seconds)
        with self.lock:
            self.statuses[kind][label] += 1
            if reply.status is not None:
                self.latencies[(kind, bucket)].append(reply.seconds)
            if not ok:
                self.unexpected.append((round(time.monotonic() - self.started, 2), kind, label, reply.body[:300].decode(errors="replace")))
        return ok

    def note_unexpected(self, kind, what):
        with self.lock:
            self.unexpected.append((round(time.monotonic() - self.started, 2), kind, "check", what))

    def total(self):
        with self.lock:
            return sum(sum(counter.values()) for counter in self.statuses.values())

    def status_table(self):
        with self.lock:
            rows = ["| kind | requests | statuses seen |", "|---|---:|---|"]
            for kind in sorted(self.statuses):
                counter = self.statuses[kind]
                seen = ", ".join(f"{label}: {count}" for label, count in sorted(counter.items()))
                rows.append(f"| {kind} | {sum(counter.values())} | {seen} |")
            return "\n".join(rows)

    def latency_table(self, kinds, waiting=()):
        """p50/p99 per bucket for each kind in `kinds`, and over all requests but the `waiting` kinds."""
        with self.lock:
            buckets = sorted({bucket for (_, bucket) in self.latencies})
            header = "| minute | requests | all but waits p50 / p99 ms | " + " | ".join(f"{kind} p50 / p99 ms" for kind in kinds) + " |"
            rows = [header, "|---" * (3 + len(kinds)) + "|"]
            for bucket in buckets:
                everything = [value for (kind, b), values in self.latencies.items() if b == bucket and kind not in waiting for value in values]
                count = sum(len(values) for (_, b), values in self.latencies.items() if b == bucket)
                cells = [f"{ms(percentile(self.latencies.get((kind, bucket), []), 0.5))} / {ms(percentile(self.latencies.get((kind, bucket), []), 0.99))}" for kind in kinds]
                rows.append(f"| {bucket + 1} | {count} | {ms(percentile(everything, 0.5))} / {ms(percentile(everything, 0.99))} | " + " | ".join(cells) + " |")
            return "\n".join(rows)


class Sampler(threading.Thread):
    """Samples the server's VmRSS (KiB), open descriptors and threads every `interval` seconds,
    plus any extra readings `extra()` returns (a dict)."""

    def __init__(self, server, interval=10.0, extra=None):
        super().__init__(daemon=True)
        self.server, self.interval, self.extra = server, interval, extra
        self.samples = []
        self.stopping = threading.Event()
        self.started_at = time.monotonic()

    def sample(self):
        from backpropd_process import threads
        reading = {"t": time.monotonic() - self.started_at, "rss_kb": self.server.rss_kb(), "fds": self.server.fds(),
                   "threads": threads(self.server.pid)}
        if self.extra:
            reading.update(self.extra())
        self.samples.append(reading)

    def run(self):
        while not self.stopping.wait(0 if not self.samples else self.interval):
            self.sample()

    def stop(self):
        self.stopping.set()
        self.join()
        self.sample()


def raise_descriptor_limit(wanted):
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


def raw_exchange(port, payload, read_timeout=15, shutdown_write=False):
    """Sends raw bytes, reads until the server closes or `read_timeout` passes; returns (bytes, closed)."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(read_timeout)
    received = b""
    closed = False
    try:
        sock.sendall(payload)
        if shutdown_write:
            sock.shutdown(socket.SHUT_WR)
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                closed = True
                break
            received += chunk
    except socket.timeout:
        pass
    except OSError:
        closed = True
    finally:
        sock.close()
    return received, closed


def status_of(raw):
    """The status code of the first response in `raw` bytes (None if there is none)."""
    if raw.startswith(b"HTTP/1.") and len(raw) >= 12:
        return int(raw[9:12])
    return None


def script_arguments(doc):
    """An argparse parser whose --help shows the script's docstring."""
    import argparse
    first, rest = doc.split("\n", 1)
    return argparse.ArgumentParser(description=first, epilog=rest, formatter_class=argparse.RawDescriptionHelpFormatter)


def load_average():
    import os
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def publish(lines, path):
    """Prints the markdown report and writes it to `path` too (when given)."""
    text = "\n".join(lines)
    print(text)
    if path:
        with open(path, "w") as report:
            report.write(text + "\n")


def failure_list(failures, limit=30):
    return ["", "Failures:", ""] + [f"- {failure}" for failure in failures[:limit]] if failures else []


def trickle(sockets, piece, interval, timeout):
    """Sends `piece(sock, round)` on every (non-blocking) socket each `interval` seconds until the
    server closes it or `timeout` passes. Returns {sock: (received bytes, ending, seconds open)};
    ending is "closed", "reset" or "still open"."""
    import selectors
    selector = selectors.DefaultSelector()
    for sock in sockets:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    started = time.monotonic()
    received = collections.defaultdict(bytes)
    results, open_sockets = {}, set(sockets)
    next_round, round_index = started, 0
    while open_sockets and time.monotonic() - started < timeout:
        if time.monotonic() >= next_round:
            for sock in open_sockets:
                try:
                    sock.send(piece(sock, round_index))
                except OSError:
                    pass
            round_index += 1
            next_round += interval
        for key, _ in selector.select(timeout=0.05):
            sock = key.fileobj
            try:
                chunk = sock.recv(65536)
                ending = "closed" if not chunk else None
            except ConnectionResetError:
                chunk, ending = b"", "reset"
            except BlockingIOError:
                continue
            received[sock] += chunk
            if ending:
                results[sock] = (received[sock], ending, time.monotonic() - started)
                selector.unregister(sock)
                open_sockets.discard(sock)
    for sock in open_sockets:
        results[sock] = (received[sock], "still open", time.monotonic() - started)
    selector.close()
    for sock in sockets:
        sock.close()
    return results
