"""Install, start and stop a local Label Studio server: loopback only, sqlite, a preset user and API token,
no outbound calls.

Label Studio lives in its own virtual environment (default ``~/.cache/nianbao/label-studio-venv``): it pins
packages that clash with ours (installed beside them it downgrades pyarrow and python-dateutil). We talk to
it over HTTP only, through label-studio-sdk (:mod:`nianbao.labeling.client`).

The user's password and API token are generated once per data dir and kept in files there (mode 0600), so a
restarted server keeps the same login; they are never printed. ``LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true``
must be set on the *first* start of a data dir, or the preset token gets 401 (the choice is stored when the
organisation is created).

    with LocalServer(data_dir) as server:      # installs if needed, starts, waits for /health
        client = LabelStudioClient(server.url, server.api_key)
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from .client import LabelingError

LABEL_STUDIO_VERSION = "1.23.2"
DEFAULT_VENV = Path("~/.cache/nianbao/label-studio-venv").expanduser()
DEFAULT_DATA_DIR = Path("~/.local/share/nianbao/label-studio").expanduser()
DEFAULT_USER = "annotator@nianbao.local"
HOST = "127.0.0.1"  # loopback only: the server is never reachable from another machine

# Environment that keeps the server from calling out (version check, error reporting, analytics).
QUIET_ENV = {
    "LATEST_VERSION_CHECK": "false",
    "SENTRY_DSN": "",
    "FRONTEND_SENTRY_DSN": "",
    "COLLECT_ANALYTICS": "false",
}


def executable(venv: Path = DEFAULT_VENV) -> Path:
    return Path(venv) / "bin" / "label-studio"


def ensure_installed(venv: Path = DEFAULT_VENV, version: str = LABEL_STUDIO_VERSION,
                     log: Path | None = None) -> Path:
    """The ``label-studio`` command of ``venv``, installing Label Studio there first if needed (~1 min, ~1 GB).

    pip's output goes to ``log`` (default ``<venv>/install.log``); a failed install raises LabelingError."""
    venv = Path(venv)
    exe = executable(venv)
    marker = venv / f".nianbao-label-studio-{version}"
    if exe.exists() and marker.exists():
        return exe
    log = log or venv.parent / f"{venv.name}-install.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    steps = [[sys.executable, "-m", "venv", str(venv)],
             [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q",
              f"label-studio=={version}"]]
    with log.open("w", encoding="utf-8") as out:
        for cmd in steps:
            if subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT).returncode != 0:
                raise LabelingError(f"installing label-studio=={version} into {venv} failed: see {log}")
    marker.touch()
    return exe


def _secret(path: Path, make) -> str:
    """A value kept in ``path`` (created once, readable by the owner only)."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    value = make()
    path.touch(mode=0o600)
    path.write_text(value + "\n", encoding="utf-8")
    return value


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class LocalServer:
    """One Label Studio process on 127.0.0.1 with a data dir of its own. A context manager: started on
    enter (installing Label Studio if needed), stopped on exit."""

    def __init__(self, data_dir: Path = DEFAULT_DATA_DIR, port: int = 8080, venv: Path = DEFAULT_VENV,
                 username: str = DEFAULT_USER) -> None:
        self.data_dir = Path(data_dir).expanduser()
        self.port = port
        self.venv = Path(venv).expanduser()
        self.username = username
        self.process: subprocess.Popen | None = None
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.password_file = self.data_dir / "password"
        self.api_key_file = self.data_dir / "api-key"
        self.log_file = self.data_dir / "server.log"

    def __repr__(self) -> str:
        return f"LocalServer({self.url!r}, data_dir={str(self.data_dir)!r})"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_key(self) -> str:
        # A legacy token is a 40-character key (Django REST framework's Token).
        return _secret(self.api_key_file, lambda: secrets.token_hex(20))

    @property
    def password(self) -> str:
        return _secret(self.password_file, lambda: secrets.token_urlsafe(18))

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LABEL_STUDIO_", "DJANGO_", "PYTHON", "VIRTUAL_ENV"))}
        env.update(QUIET_ENV)
        env.update({
            "LABEL_STUDIO_BASE_DATA_DIR": str(self.data_dir),
            "DJANGO_DB": "sqlite",
            "LABEL_STUDIO_USERNAME": self.username,
            "LABEL_STUDIO_PASSWORD": self.password,
            "LABEL_STUDIO_USER_TOKEN": self.api_key,
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
            "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
        })
        return env

    def start(self, timeout: float = 240.0, install: bool = True, foreground_log: bool = False) -> "LocalServer":
        """Start the server and wait until ``/health`` says UP (~25 s on a fresh data dir, ~5 s after)."""
        exe = ensure_installed(self.venv) if install else executable(self.venv)
        if not exe.exists():
            raise LabelingError(f"Label Studio is not installed in {self.venv}: run `nianbao label server` "
                                f"once (it installs it) or pass --venv")
        if _port_taken(self.port):
            raise LabelingError(f"port {self.port} on {HOST} is already in use: stop what runs there or pick "
                                f"another --port")
        cmd = [str(exe), "start", "--no-browser", "--internal-host", HOST, "--port", str(self.port)]
        out = None if foreground_log else self.log_file.open("ab")
        # A session of its own, so stop() can end the server and the workers it forks, and nothing else.
        self.process = subprocess.Popen(cmd, env=self.environment(), cwd=self.data_dir, stdout=out,
                                        stderr=subprocess.STDOUT if out else None, start_new_session=True)
        if out is not None:
            out.close()
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise LabelingError(f"Label Studio exited with status {self.process.returncode} while "
                                    f"starting: see {self.log_file}")
            if _answers(self.url):
                return
            time.sleep(0.5)
        self.stop()
        raise LabelingError(f"Label Studio did not come up on {self.url} within {timeout:.0f} s: see "
                            f"{self.log_file}")

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM to the server's own process group (stops in ~2 s), SIGKILL if it lingers."""
        p, self.process = self.process, None
        if p is None or p.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                return
            try:
                p.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def __enter__(self) -> "LocalServer":
        if self.process is None:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def remove_data(self) -> None:
        """Delete the data dir (tests); only when the server is stopped."""
        if self.process is None:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def _port_taken(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex((HOST, port)) == 0


def _answers(url: str) -> bool:
    """``GET /health`` says UP (directly: proxy settings of the environment are ignored)."""
    with requests.Session() as s:
        s.trust_env = False
        try:
            r = s.get(url + "/health", timeout=2)
            return r.ok and r.json().get("status") == "UP"
        except (requests.RequestException, ValueError):
            return False
