"""The embedded Oxigraph store answers the bundled queries as rdflib does over the file."""

from __future__ import annotations

import pytest

from sendkg.query import bundled
from sendkg.query import run as rdflib_run
from sendkg.store import fill
from sendkg.store import run as store_run

PARAMS = {"areas-by-theme": {"theme": "local-offer"}, "compare-areas": {"area_a": "Halton", "area_b": "Worcestershire"}}


@pytest.fixture(scope="module")
def store(corpus_build, tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "store"
    assert fill(path, corpus_build.shared, corpus_build.parts) > len(corpus_build.graph) // 2
    return path


@pytest.mark.parametrize("name", sorted(set(bundled()) - {"numbers"}))
def test_every_bundled_query_answers_the_same_from_the_store(corpus_build, store, name):
    params = PARAMS.get(name, {})
    expected = rdflib_run(corpus_build.graph, name, params)
    found = store_run(store, name, params)
    assert found.columns == expected.columns
    assert sorted(found.rows) == sorted(expected.rows)


def test_numbers_agree_as_numbers(corpus_build, store):
    expected = {(r[0], float(r[3])) for r in rdflib_run(corpus_build.graph, "numbers").rows}
    assert {(r[0], float(r[3])) for r in store_run(store, "numbers").rows} == expected
