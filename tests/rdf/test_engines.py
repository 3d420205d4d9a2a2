"""The two SHACL engines find the same violations: shifty, which the build uses, and pyshacl, the reference."""

from __future__ import annotations

import pytest

from sendkg.validate import ENGINES, SharedStatements, validate, validate_document
from sendkg.write import ntriples
from tests.rdf.test_shapes import BREAKS, broken


def found(report) -> set[tuple[str, str, str, str]]:
    return {(v.focus_iri, v.path, v.constraint, v.shape) for v in report.violations}


def test_the_command_offers_every_engine_the_default_first():
    from sendkg.cli import VALIDATORS

    assert VALIDATORS == list(ENGINES)


def test_both_engines_pass_every_document_of_the_built_corpus_and_the_whole_graph(corpus_build):
    statements = SharedStatements(corpus_build.shared_lines)
    for identifier, part in corpus_build.parts.items():
        reports = [validate_document(part, statements, engine=engine) for engine in ENGINES]
        assert all(r.conforms and not r.violations for r in reports), (identifier, [str(r) for r in reports])
    whole = b"".join(sorted({corpus_build.shared_lines, *corpus_build.parts.values()}))
    assert all(validate(whole, engine).conforms for engine in ENGINES)


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_both_engines_report_the_same_violations_of_a_broken_graph(small_graph, name):
    lines = ntriples(broken(small_graph, name))
    shifty, pyshacl = (validate(lines, engine) for engine in ENGINES)
    assert found(shifty) and found(shifty) == found(pyshacl), name
    assert {v.message for v in shifty.violations} == {v.message for v in pyshacl.violations}
    assert all(v.path and v.shape and v.constraint for v in shifty.violations if v.constraint != "OrConstraintComponent")


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="no SHACL engine 'fast'"):
        validate(b"", "fast")
