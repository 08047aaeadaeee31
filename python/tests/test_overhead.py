"""Done-when item 3, kept short for CI: the plugin's cost per test in golden stays under 50 ms.
The 500-test measurement is `python3 python/bench/plugin_overhead.py 500` (numbers in docs/pytest.md)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from plugin_overhead import measure  # noqa: E402


def test_plugin_adds_under_50_ms_per_test_in_golden():
    r = measure(100)
    assert r["plugin_ms_per_test"] < 50, r
    assert r["golden_call_test_ms_over_empty"] < 100, r
