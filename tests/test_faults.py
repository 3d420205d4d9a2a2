"""Faults injected into whole builds, as a user would meet them: damaged PDFs among good documents,
and builds killed part-way. Each run is a real `sendkg build` process."""

from __future__ import annotations

import random
import shutil
import time

from tests.conftest import CORPUS, LETTERS
from tests.faults import build, damaged, digest, killed_build, survivors

SEED = 20261204


def test_damaged_pdfs_are_each_built_or_one_line_and_the_rest_is_built(tmp_path):
    documents = tmp_path / "documents"
    documents.mkdir()
    original = min((CORPUS / "area-send-reports").glob("*.pdf"), key=lambda p: p.stat().st_size)
    copies = damaged(original.read_bytes(), 24, SEED)
    for name, data in copies:
        (documents / name).write_bytes(data)
    shutil.copy(LETTERS / "st-helens-2018.txt", documents)
    outcome = build([documents], tmp_path / "g.ttl", "--no-cache", "--jobs", "2")
    assert outcome.clean, outcome.stderr[-2000:]
    assert outcome.built(documents / "st-helens-2018.txt")
    unhandled = [name for name, _ in copies if not outcome.handled(documents / name)]
    assert unhandled == [], outcome.stdout + outcome.stderr
    assert all(line.startswith(("error: ", "warning: ")) or line.startswith("  ") for line in outcome.stderr.splitlines() if line), outcome.stderr
    assert (tmp_path / "g.ttl").stat().st_size > 0


def test_a_killed_build_leaves_old_or_new_files_no_workers_and_the_next_build_is_byte_identical(tmp_path):
    letters = sorted(LETTERS.glob("*.txt"))[:4]
    inputs = tmp_path / "in"
    inputs.mkdir()
    for letter in letters[:3]:
        shutil.copy(letter, inputs)
    out = tmp_path / "out" / "g.ttl"
    options = ("--cache", str(tmp_path / "cache"), "--store", str(tmp_path / "store"), "--jobs", "2", "-q")
    began = time.monotonic()
    assert build([inputs], out, *options).status == 0
    took = time.monotonic() - began
    old = digest(out)
    shutil.copy(letters[3], inputs)
    rng = random.Random(SEED)
    seen = []
    for kill in range(4):
        if kill % 2 == 0:  # from nothing, so that the kill can fall while the cache is written
            shutil.rmtree(tmp_path / "cache", ignore_errors=True)
        killed_build([inputs], out, rng.uniform(0.3, 1.0) * took, *options)
        assert survivors(str(inputs)) == []
        seen.append(digest(out))
    again = build([inputs], out, *options)
    assert again.status == 0, again.stderr
    new = digest(out)
    assert set(seen) <= {old, new}
    fresh = build([inputs], tmp_path / "fresh" / "g.ttl", "--no-cache", "-q")
    assert fresh.status == 0 and digest(tmp_path / "fresh" / "g.ttl") == new
    assert sorted(p.name for p in out.parent.iterdir()) == ["g.ttl"]
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.endswith(".tmp")]
