"""Meta-tests of the plugin: they run pytest in child processes on the sample project or on
small generated projects, against a fake upstream on 127.0.0.1:0 and the real `cassette` CLI."""

import pytest

from harness import Harness

# The sample project is run by the meta-tests, with the plugin, never collected directly.
collect_ignore = ["sample"]


@pytest.fixture
def harness(tmp_path):
    return Harness(tmp_path)
