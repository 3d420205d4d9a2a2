"""README.md and docs/*.md show what their commands really print (see tests/docs.py)."""

from __future__ import annotations

import io
import subprocess
from contextlib import redirect_stderr, redirect_stdout

from cogapp import Cog

from tests.docs import ROOT, cog_arguments, run_ahead


def test_every_example_is_what_its_command_prints_now():
    """`make docs` rewrites the examples; this fails when one has gone stale."""
    built = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "sendkg"), "build", "corpus", "-q", "-o", "output/sendkg.ttl", "-o", "output/sendkg.trig"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    run_ahead()
    messages = io.StringIO()
    with redirect_stdout(messages), redirect_stderr(messages):
        status = Cog().main(cog_arguments("--check", "--diff", "--check-fail-msg", "run 'make docs'"))
    assert status == 0, messages.getvalue()


def test_the_readme_opens_with_the_two_commands():
    opening = (ROOT / "README.md").read_text(encoding="utf-8")[:600]
    assert "make graph" in opening and "make test" in opening
