"""The distribution builds offline with the setuptools backend and registers the pytest11 entry point."""

import shutil
import subprocess
import sys
import zipfile

from harness import PYTHON_DIR


def test_wheel_builds_offline_with_the_entry_point(tmp_path):
    src = tmp_path / "python"
    shutil.copytree(PYTHON_DIR, src, ignore=shutil.ignore_patterns("tests", "bench", "build", "*.egg-info", "__pycache__"))
    out = tmp_path / "dist"
    code = f"from setuptools import build_meta; print(build_meta.build_wheel({str(out)!r}))"
    wheel = subprocess.run([sys.executable, "-c", code], cwd=src, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    assert wheel.startswith("pytest_llm_cassette-0.1.0-")
    with zipfile.ZipFile(out / wheel) as z:
        names = z.namelist()
        assert "llm_cassette/pytest_plugin.py" in names
        entry = z.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
        metadata = z.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "[pytest11]" in entry and "llm_cassette = llm_cassette.pytest_plugin" in entry
    assert "Name: pytest-llm-cassette" in metadata and "Requires-Dist" not in metadata
