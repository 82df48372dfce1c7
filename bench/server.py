"""Start gunicorn with the repository's gunicorn.conf.py on 127.0.0.1, and read its processes in /proc."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from .client import Conn

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn instance: `app` is a WSGI target ("wsgi:app" or "bench.hello:app")."""

    def __init__(self, app: str, env: dict | None = None, port: int | None = None, args: tuple = (),
                 log: Path | None = None):
        self.port = port or free_port()
        self.env = {**os.environ, "TRAINING_BIND": f"127.0.0.1:{self.port}", **(env or {})}
        self.cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
                    "--access-logfile", "/dev/null", *args, app]
        self.proc: subprocess.Popen | None = None
        self.startup = 0.0
        self.log = log or Path(os.devnull)

    def __enter__(self) -> "Server":
        started = time.monotonic()
        with open(self.log, "ab") as log:  # the error log: read afterwards, never piped (a full pipe blocks)
            self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                                         start_new_session=True)
        conn = Conn(self.port, timeout=2)
        while time.monotonic() - started < 60:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log}")
            try:
                if conn.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.02)
        else:
            raise RuntimeError("gunicorn did not answer within 60 s")
        self.startup = time.monotonic() - started
        conn.close()
        return self

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def pids(self) -> list[int]:
        pid = self.proc.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            children = []
        return [pid, *map(int, children)]

    def worker_pids(self) -> list[int]:
        return self.pids()[1:]

    def cpu_seconds(self) -> float:
        """User + system CPU of the master, its live workers and the workers it has reaped."""
        total = 0
        for n, pid in enumerate(self.pids()):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
            if n == 0:  # the master: plus its reaped children (recycled workers)
                total += int(fields[13]) + int(fields[14])
        return total / TICKS

    def worker_rss_mb(self) -> list[float]:
        out = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        out.append(int(line.split()[1]) / 1024)
            except OSError:
                pass
        return out

    def worker_uss_mb(self) -> list[float]:
        """Memory proper to each worker (private pages), what a preloaded fork really costs."""
        out = []
        for pid in self.worker_pids():
            try:
                text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            kb = sum(int(line.split()[1]) for line in text.splitlines()
                     if line.startswith(("Private_Clean:", "Private_Dirty:")))
            out.append(kb / 1024)
        return out
