"""Shared fixtures: the real corpus, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendkg.pipeline import Build, build
from sendkg.write import write

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
LETTERS = CORPUS / "letters"


@pytest.fixture(scope="session")
def corpus_build() -> Build:
    return build([CORPUS])


@pytest.fixture(scope="session")
def graph_file(corpus_build: Build, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("graph") / "sendkg.ttl"
    write(corpus_build.graph, path)
    return path
