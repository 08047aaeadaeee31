"""Starting, attaching to and talking to the `cassette` proxy (standard library only)."""

from __future__ import annotations

import atexit
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence
from urllib.parse import urlsplit


class CassetteError(RuntimeError):
    """The proxy could not be found, started or reached; the message says what to do."""


def find_cassette_bin(explicit: Optional[str], start_dirs: Sequence[Path]) -> List[str]:
    """The command line that runs `cassette`.

    Order: `--cassette-bin` / `CASSETTE_BIN`, `cassette` on PATH, `node_modules/.bin/cassette` in
    the given directories or any parent. A `.js`/`.mjs` file runs under `node`.
    """
    def command(path: str) -> List[str]:
        if path.endswith((".js", ".mjs", ".cjs")):
            node = shutil.which("node")
            if not node:
                raise CassetteError(f"{path} is a JavaScript file but `node` is not on PATH")
            return [node, path]
        return [path]

    if explicit:
        found = shutil.which(explicit) or (explicit if Path(explicit).exists() else None)
        if not found:
            raise CassetteError(f"--cassette-bin / CASSETTE_BIN: {explicit} does not exist")
        return command(str(Path(found).resolve()) if Path(found).exists() else found)
    on_path = shutil.which("cassette")
    if on_path:
        return command(on_path)
    seen = set()
    for start in start_dirs:
        for d in [start, *start.parents]:
            if d in seen:
                continue
            seen.add(d)
            candidate = d / "node_modules" / ".bin" / "cassette"
            if candidate.exists():
                return command(str(candidate))
    raise CassetteError(
        "cannot find the `cassette` command: install llm-cassette (`npm install llm-cassette`), "
        "put it on PATH, or pass --cassette-bin PATH (env CASSETTE_BIN)"
    )


class ControlClient:
    """The proxy's control API over one kept-alive connection.

    Every control request is JSON (`content-type: application/json`) and carries no Origin header,
    as the proxy requires of control requests.
    """

    def __init__(self, url: str, auth_token: Optional[str] = None, timeout: float = 30.0):
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise CassetteError(f"--cassette-url must be http://HOST:PORT, got {url!r}")
        self.url = url.rstrip("/")
        self._host = parts.hostname
        self._port = parts.port or 80
        self._timeout = timeout
        self._auth = auth_token
        self._conn: Optional[http.client.HTTPConnection] = None
        self._lock = threading.Lock()

    def request(self, method: str, name: str, body: Any = None) -> Any:
        payload = json.dumps(body).encode("utf-8") if body is not None else b""
        headers = {"content-type": "application/json", "accept": "application/json"}
        if self._auth:
            headers["x-cassette-auth"] = self._auth
        if payload or method in ("POST", "PUT"):
            headers["content-length"] = str(len(payload))
        with self._lock:
            for attempt in (1, 2):
                if self._conn is None:
                    self._conn = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
                try:
                    self._conn.request(method, f"/__cassette/{name}", body=payload or None, headers=headers)
                    res = self._conn.getresponse()
                    data = res.read()
                    break
                except (ConnectionError, http.client.HTTPException, OSError) as err:
                    self._conn.close()
                    self._conn = None
                    if attempt == 2:
                        raise CassetteError(f"cannot reach the cassette proxy at {self.url}: {err}") from err
        try:
            parsed = json.loads(data.decode("utf-8") or "null")
        except ValueError:
            parsed = {"raw": data.decode("utf-8", "replace")}
        if res.status >= 400:
            err = parsed.get("error", {}) if isinstance(parsed, dict) else {}
            message = err.get("message") if isinstance(err, dict) else None
            raise CassetteError(f"{method} /__cassette/{name} answered {res.status}: {message or parsed}")
        return parsed

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class CassetteProxy:
    """One proxy: started here (`cassette serve --json`) or attached to (`--cassette-url`)."""

    def __init__(self, url: str, env: Dict[str, str], mode: str, store: Optional[str],
                 process: Optional[subprocess.Popen] = None, log_path: Optional[str] = None,
                 auth_token: Optional[str] = None):
        self.url = url.rstrip("/")
        self.env = dict(env)
        self.mode = mode
        self.store = store
        self.process = process
        self.log_path = log_path
        self.control = ControlClient(self.url, auth_token)
        self.final_summary: Optional[Dict[str, Any]] = None

    @property
    def started_here(self) -> bool:
        return self.process is not None

    @classmethod
    def start(cls, command: List[str], mode: str, store: Optional[str], strict: bool,
              cwd: Optional[str] = None, extra_args: Sequence[str] = (), timeout: float = 60.0,
              env: Optional[Dict[str, str]] = None) -> "CassetteProxy":
        args = [*command, "serve", "--json", "--port", "0", "--host", "127.0.0.1", "--mode", mode]
        if store:
            args += ["--store", store]
        args += ["--strict"] if strict else []
        args += list(extra_args)
        out = tempfile.NamedTemporaryFile(prefix="cassette-serve-", suffix=".out", delete=False)
        log = tempfile.NamedTemporaryFile(prefix="cassette-serve-", suffix=".log", delete=False)
        try:
            process = subprocess.Popen(
                args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=log,
                start_new_session=True,
            )
        except OSError as err:
            raise CassetteError(f"cannot run {' '.join(args)}: {err}") from err
        finally:
            out.close()
            log.close()
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            with open(out.name, "r", encoding="utf-8") as f:
                line = f.readline()
            if line.endswith("\n"):
                break
            if process.poll() is not None:
                break
            time.sleep(0.01)
        os.unlink(out.name)
        try:
            info = json.loads(line) if line.strip() else None
        except ValueError:
            info = None
        if not info or not info.get("ok"):
            if process.poll() is None:
                _terminate(process)
            detail = (info or {}).get("error", {}).get("message") if isinstance(info, dict) else None
            raise CassetteError(
                f"`{' '.join(args)}` did not start: {detail or _tail(log.name) or 'no output'}"
            )
        # A pytest killed before its session ends must not leave the proxy behind.
        atexit.register(_terminate, process)
        return cls(info["url"], info.get("env") or {}, info.get("mode", mode), info.get("store"),
                   process=process, log_path=log.name)

    @classmethod
    def attach(cls, url: str, auth_token: Optional[str] = None) -> "CassetteProxy":
        control = ControlClient(url, auth_token)
        health = control.request("GET", "health")
        control.close()
        base = url.rstrip("/")
        env = {
            "OPENAI_BASE_URL": f"{base}/openai/v1",
            "ANTHROPIC_BASE_URL": f"{base}/anthropic",
            "GOOGLE_GEMINI_BASE_URL": f"{base}/gemini",
            "GEMINI_BASE_URL": f"{base}/gemini",
            "OPENROUTER_BASE_URL": f"{base}/openrouter/v1",
            "CASSETTE_URL": base,
        }
        return cls(base, env, health.get("mode", "golden"), None, auth_token=auth_token)

    # control API helpers
    def switch(self, episode: str, mode: Optional[str] = None, fresh_take: bool = False,
               chaos: Any = ..., clear_mode: bool = False) -> Dict[str, Any]:
        body: Dict[str, Any] = {"id": episode}
        if mode is not None:
            body["mode"] = mode
        elif clear_mode:
            body["mode"] = None
        if fresh_take:
            body["freshTake"] = True
        if chaos is not ...:
            body["chaos"] = chaos
        return self.control.request("POST", "episode", body)

    def stats(self) -> Dict[str, Any]:
        return self.control.request("GET", "stats")

    def health(self) -> Dict[str, Any]:
        return self.control.request("GET", "health")

    def stop(self) -> Optional[Dict[str, Any]]:
        """Stops a proxy started here (its summary first); an attached one is left running."""
        try:
            self.final_summary = self.stats()
        except CassetteError:
            self.final_summary = None
        self.control.close()
        if self.process is not None:
            _terminate(self.process)
            self.process = None
            if self.log_path:
                try:
                    os.unlink(self.log_path)
                except OSError:
                    pass
        return self.final_summary

    def log_tail(self) -> str:
        return _tail(self.log_path) if self.log_path else ""


def _terminate(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        process.send_signal(signal.SIGTERM if sys.platform != "win32" else signal.CTRL_BREAK_EVENT)
        process.wait(timeout=15)
    except (subprocess.TimeoutExpired, OSError):
        process.kill()
        process.wait(timeout=5)


def _tail(path: Optional[str], lines: int = 15) -> str:
    if not path:
        return ""
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:]).strip()
    except OSError:
        return ""
