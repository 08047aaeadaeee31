"""What the plugin adds per test in golden: `python3 python/bench/plugin_overhead.py [N]` (default 500).

Four child pytest runs of N generated tests, timed wall-clock (proxy start and stop included):
  A  N empty tests, plugin not loaded
  B  the same N empty tests, plugin loaded, golden (each test still switches its episode)
  C  N tests making one chat completion each, plugin loaded, golden (recorded once before)
  D  the same N tests sent straight to a local fake upstream, plugin not loaded
Prints (B-A)/N, the plugin's own cost per test, and (C-A)/N, a golden test with one replayed call
against an empty test without the plugin (the client's own request time included). D is printed
for reference only: the stdlib fake upstream is slower than a replay.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fake_upstream import FakeUpstream  # noqa: E402
from harness import FAKE_KEYS, clean_env  # noqa: E402

CALL = '''
import os, requests
S = requests.Session()
def ask(i):
    r = S.post(os.environ["OPENAI_BASE_URL"] + "/chat/completions",
               headers={"authorization": "Bearer " + os.environ["OPENAI_API_KEY"]},
               json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "question %d" % i}]})
    assert r.status_code == 200, r.text
'''


def write(d: Path, n: int, calls: bool) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    body = CALL if calls else ""
    body += "".join(f"\ndef test_{i}():\n    {'ask(%d)' % i if calls else 'pass'}\n" for i in range(n))
    (d / "test_many.py").write_text(body)
    return d


def run(project: Path, plugin: bool, store: str, env: dict, *args: str) -> float:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(project), str(project)]
    cmd += ["-p", "llm_cassette.pytest_plugin", "--cassette-store", store] if plugin else []
    cmd += list(args)
    start = time.perf_counter()
    p = subprocess.run(cmd, env=clean_env(env), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{p.stdout[-3000:]}{p.stderr[-2000:]}")
    return elapsed


def measure(n: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="cassette-bench-"))
    store = str(tmp / "cassettes.db")
    empty = write(tmp / "empty", n, calls=False)
    calls = write(tmp / "calls", n, calls=True)
    with FakeUpstream() as up:
        run(calls, True, store, {**up.env(), **FAKE_KEYS}, "--record-mode=all")
        d = run(calls, False, store, {**FAKE_KEYS, "OPENAI_BASE_URL": up.url + "/v1"})
    a = run(empty, False, store, {})
    b = run(empty, True, store, {})
    c = run(calls, True, store, {})
    per = lambda x, y: round((x - y) / n * 1000, 2)  # noqa: E731
    return {"tests": n, "A_s": round(a, 2), "B_s": round(b, 2), "C_s": round(c, 2), "D_s": round(d, 2),
            "plugin_ms_per_test": per(b, a), "golden_call_test_ms_over_empty": per(c, a)}


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    r = measure(n)
    print(f"{n} tests: the plugin adds {r['plugin_ms_per_test']} ms per test in golden (A {r['A_s']} s -> B {r['B_s']} s); "
          f"a golden test with one replayed call costs {r['golden_call_test_ms_over_empty']} ms more than an empty test "
          f"without the plugin (C {r['C_s']} s; the same calls to the fake upstream directly: D {r['D_s']} s)")
    print(json.dumps(r))
