"""A backpropd server started by the reliability scripts: start, stop, kill, and what /proc says of it.

The server logs to a file next to (not inside) its data directory, so a full or read-only data
directory never stops the log, and a busy access log never blocks on a pipe.
"""
import http.client, os, signal, subprocess, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# BACKPROPD_BINARY overrides the release build of this checkout.
BINARY = os.environ.get("BACKPROPD_BINARY", os.path.join(ROOT, ".build", "release", "backpropd"))


def require_binary(path=BINARY):
    if not os.access(path, os.X_OK):
        raise SystemExit(f"{path} not found: build it first with `swift build -c release` (or set BACKPROPD_BINARY)")
    return path


def proc_status_kb(pid, field):
    """A `VmRSS`-style field of /proc/PID/status in KiB (None once the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def listening_port(pid):
    """The TCP port the process listens on, from its socket inodes and /proc/net/tcp{,6} (None yet)."""
    try:
        inodes = {os.readlink(f"/proc/{pid}/fd/{fd}")[8:-1] for fd in os.listdir(f"/proc/{pid}/fd")}
    except OSError:
        return None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if fields[3] == "0A" and fields[9] in inodes:
                    return int(fields[1].rsplit(":", 1)[1], 16)
    return None


def threads(pid):
    return proc_status_kb(pid, "Threads")


class ServerProcess:
    """`backpropd serve --port 0` on `data_dir`; `port` is the one it listens on (read from /proc,
    so any --log-level works)."""

    def __init__(self, data_dir, *flags, binary=BINARY, log_path=None, start_timeout=60, user=None):
        self.data_dir = data_dir
        self.flags = list(flags)
        self.binary = require_binary(binary)
        self.log_path = log_path or tempfile.mkstemp(prefix="backpropd-log-", suffix=".txt")[1]
        self.start_timeout = start_timeout
        self.user = user
        self.process = None
        self.port = None
        self.exit_code = None

    def command(self):
        command = [self.binary, "serve", "--port", "0", "--data-dir", self.data_dir, *self.flags]
        if self.user is not None:
            command = ["setpriv", f"--reuid={self.user}", f"--regid={self.user}", "--clear-groups", *command]
        return command

    def start(self, wait_for_runs=True):
        """Starts the server and waits until it listens and (unless `wait_for_runs` is False) has
        loaded its stored runs: it listens first, and /readyz says "loading stored runs" until
        then. Sets `listen_seconds` and `ready_seconds` (from the spawn). Returns self; raises
        StartFailure if it exits."""
        self.log_offset = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.PIPE)
        log.close()
        self.port = None
        spawned = time.time()
        deadline = spawned + self.start_timeout
        while time.time() < deadline:
            self.port = listening_port(self.process.pid)
            if self.port:
                self.listen_seconds = time.time() - spawned
                while wait_for_runs and time.time() < deadline and self.alive() and self.loading_runs():
                    time.sleep(0.02)
                self.ready_seconds = time.time() - spawned
                return self
            if self.process.poll() is not None:
                raise StartFailure(self.process.returncode, self.process.stderr.read().decode(errors="replace"), self.log_since_start())
            time.sleep(0.02)
        self.kill()
        raise StartFailure(None, "did not listen within %d s" % self.start_timeout, self.log_since_start())

    def loading_runs(self):
        """True while /readyz says the stored runs are still loading."""
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            connection.request("GET", "/readyz")
            body = connection.getresponse().read()
            connection.close()
            return b"loading stored runs" in body
        except OSError:
            return True

    def log_since_start(self):
        with open(self.log_path, "rb") as text:
            text.seek(self.log_offset)
            return text.read().decode(errors="replace")

    @property
    def pid(self):
        return self.process.pid

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def rss_kb(self):
        return proc_status_kb(self.pid, "VmRSS")

    def fds(self):
        return open_fds(self.pid)

    def kill(self):
        """SIGKILL, as a crash or an OOM kill would."""
        if self.alive():
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.exit_code = self.process.wait()

    def terminate(self, timeout=30):
        """SIGTERM; returns (exit code, seconds until the process was gone)."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        return self.exit_code, time.monotonic() - started


class StartFailure(Exception):
    def __init__(self, exit_code, stderr, log):
        super().__init__(f"backpropd exited with {exit_code}: {stderr.strip()}")
        self.exit_code = exit_code
        self.stderr = stderr
        self.log = log
