"""Runs pytest with the plugin in a child process and reads what happened to every test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
PYTHON_DIR = HERE.parent
REPO = PYTHON_DIR.parent
SAMPLE = HERE / "sample"
CASSETTE_JS = REPO / "bin" / "cassette.js"

#: Keys the fake upstream accepts; the proxy never stores them.
FAKE_KEYS = {"OPENAI_API_KEY": "sk-test-fake-openai", "ANTHROPIC_API_KEY": "sk-ant-test-fake"}


@dataclass
class Run:
    rc: int
    output: str
    #: node id -> ("passed" | "failed" | "error" | "skipped", message)
    tests: Dict[str, Tuple[str, str]] = field(default_factory=dict)

    def outcome(self, suffix: str) -> Tuple[str, str]:
        found = [v for k, v in self.tests.items() if k.endswith(suffix)]
        assert len(found) == 1, f"no single test ending in {suffix!r}: {sorted(self.tests)}\n{self.output}"
        return found[0]

    def failed(self) -> List[str]:
        return sorted(k for k, (o, _) in self.tests.items() if o in ("failed", "error"))


def clean_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """This environment minus anything that would change the child's choices."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "CASSETTE_", "OPENAI_", "ANTHROPIC_", "GEMINI_", "GOOGLE_", "OPENROUTER_"))
           and k not in ("TEST_MODE", "SAMPLE_VARIANT", "PROMPT")}
    env["PYTHONPATH"] = os.pathsep.join([str(PYTHON_DIR / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["CASSETTE_BIN"] = str(CASSETTE_JS)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra or {})
    return env


class Harness:
    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.store = str(tmp_path / "cassettes.db")
        self._runs = 0

    def pytest(self, target: Path, *args: str, env: Optional[Dict[str, str]] = None, store: bool = True,
               timeout: float = 300) -> Run:
        self._runs += 1
        junit = self.tmp / f"junit-{self._runs}.xml"
        cmd = [sys.executable, "-m", "pytest", "-p", "llm_cassette.pytest_plugin", "-p", "no:cacheprovider",
               "--rootdir", str(target if target.is_dir() else target.parent), str(target),
               f"--junitxml={junit}", "-o", "junit_family=xunit1", "-rA"]
        if store:
            cmd += ["--cassette-store", self.store]
        cmd += list(args)
        p = subprocess.run(cmd, env=clean_env(env), cwd=str(self.tmp), capture_output=True, text=True, timeout=timeout)
        run = Run(p.returncode, p.stdout + p.stderr)
        if junit.exists():
            for case in ET.parse(junit).getroot().iter("testcase"):
                cls, name = case.get("classname", ""), case.get("name", "")
                nodeid = f"{cls.replace('.', '/')}.py::{name}" if cls else name
                outcome, message = "passed", ""
                for tag in ("failure", "error", "skipped"):
                    el = case.find(tag)
                    if el is not None:
                        outcome = {"failure": "failed"}.get(tag, tag)
                        message = (el.get("message") or "") + "\n" + (el.text or "")
                        break
                run.tests[nodeid] = (outcome, message)
        return run

    def cassette(self, *args: str) -> dict:
        """Runs the real CLI with --json and returns its document."""
        node = "node"
        p = subprocess.run([node, str(CASSETTE_JS), *args, "--json"], capture_output=True, text=True,
                           env=clean_env(), timeout=120)
        return json.loads(p.stdout)

    def project(self, name: str, source: str) -> Path:
        """A one-file test project in the temp dir."""
        d = self.tmp / name
        d.mkdir(exist_ok=True)
        (d / "test_mini.py").write_text(source)
        return d
