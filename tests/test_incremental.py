"""Incremental rebuilds: an unchanged document is not read again; a changed one replaces exactly
its named graph in the store, a removed one removes it."""

from __future__ import annotations

import os
import shutil

import pyoxigraph as ox
from click.testing import CliRunner

from sendkg import pipeline
from sendkg.cli import main
from sendkg.pipeline import build
from sendkg.store import fill
from tests.conftest import LETTERS
from tests.faults import damage_cache


def named_graphs(path) -> set[str]:
    store = ox.Store.read_only(str(path))
    return {g.value for g in store.named_graphs()}


def test_changing_one_document_replaces_only_its_graph(tmp_path, monkeypatch):
    corpus, cache, store = tmp_path / "corpus", tmp_path / "cache", tmp_path / "store"
    corpus.mkdir()
    for name in ("st-helens-2018.txt", "sefton-2019-revisit.txt", "stoke-on-trent-2016.txt"):
        shutil.copy(LETTERS / name, corpus / name)
    first = build([corpus], cache=cache)
    fill(store, first.shared_lines, first.parts)
    before = named_graphs(store)

    reads, mapped = [], []
    real_read, real_map = pipeline.read, pipeline.document_ntriples
    monkeypatch.setattr(pipeline, "read", lambda path, *limit: reads.append(path.name) or real_read(path, *limit))
    monkeypatch.setattr(pipeline, "document_ntriples", lambda x, entities: mapped.append(x.source.name) or real_map(x, entities))
    changed = corpus / "sefton-2019-revisit.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = build([corpus], cache=cache)
    fill(store, second.shared_lines, second.parts)
    after = named_graphs(store)

    assert reads == ["sefton-2019-revisit.txt"]
    assert mapped == ["sefton-2019-revisit.txt"]  # the others' graphs, and their SHACL reports, come from the cache
    assert len(before - after) == 1 and len(after - before) == 1
    assert len(after & before) == len(before) - 1  # every other document's graph (and the official one) untouched

    (corpus / "stoke-on-trent-2016.txt").unlink()
    third = build([corpus], cache=cache)
    fill(store, third.shared_lines, third.parts)
    assert len(named_graphs(store)) == len(after) - 1


def test_a_damaged_or_planted_cache_entry_is_discarded_and_made_again(tmp_path):
    """Entries cut short, altered or emptied, and one naming a type the cache does not keep, are
    each discarded with a warning; the rebuild is the same bytes as a build without a cache, and
    nothing planted runs."""
    from click.testing import CliRunner

    from sendkg.cli import main

    cache = tmp_path / "cache"
    runner = CliRunner()
    args = ["build", str(LETTERS), "--cache", str(cache), "-q", "-o"]
    assert runner.invoke(main, [*args, str(tmp_path / "first.ttl")]).exit_code == 0
    damaged = damage_cache(cache, tmp_path / "pwned")
    second = runner.invoke(main, [*args, str(tmp_path / "second.ttl")])
    assert second.exit_code == 0, second.stderr
    warnings = [line for line in second.stderr.splitlines() if "damaged cache entry discarded" in line]
    assert len(warnings) == damaged
    assert (tmp_path / "second.ttl").read_bytes() == (tmp_path / "first.ttl").read_bytes()
    assert not (tmp_path / "pwned").exists()


def test_a_change_to_a_trained_model_or_any_data_file_makes_documents_be_read_again():
    """The cache is keyed on every file that shapes a document's graph, the shipped models too."""
    from sendkg.pipeline import extractor_files
    from sendkg.resources import data_file

    files = set(extractor_files())
    assert {data_file("themes/model.json"), data_file("organisations/model.json"), data_file("organisations/common-words.tsv")} <= files
    assert data_file("local-authorities.csv") in files


def test_a_cached_graph_altered_in_place_stops_the_write_and_is_made_again_next_time(tmp_path):
    """A cached graph is trusted at recall by its size and modification time; one altered without
    changing either is caught by its digest when read: the build says so in one line, writes
    nothing, removes the file, and the next build makes it again, the same bytes as before."""
    cache = tmp_path / "cache"
    runner = CliRunner()
    args = ["build", str(LETTERS), "--cache", str(cache), "-q", "-o"]
    assert runner.invoke(main, [*args, str(tmp_path / "first.ttl")]).exit_code == 0
    graph = sorted(cache.glob("graph-*.nt"))[0]
    status = graph.stat()
    data = graph.read_bytes()
    graph.write_bytes(data[:40] + bytes([data[40] ^ 1]) + data[41:])  # one bit flipped
    os.utime(graph, ns=(status.st_atime_ns, status.st_mtime_ns))
    second = runner.invoke(main, [*args, str(tmp_path / "second.ttl")])
    assert second.exit_code == 1
    assert f"{graph}: cannot write the build: changed since it was written" in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "second.ttl").exists() and not graph.exists()
    third = runner.invoke(main, [*args, str(tmp_path / "third.ttl")])
    assert third.exit_code == 0, third.stderr
    assert (tmp_path / "third.ttl").read_bytes() == (tmp_path / "first.ttl").read_bytes()
