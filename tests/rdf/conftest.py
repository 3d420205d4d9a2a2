"""Fixtures of the RDF tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def small_graph():
    """One revisit letter's whole graph, conforming, for the tests that break it."""
    from sendkg.pipeline import build
    from tests.conftest import LETTERS

    result = build([LETTERS / "sefton-2019-revisit.txt"])
    assert result.report.conforms, str(result.report)
    return result.graph
