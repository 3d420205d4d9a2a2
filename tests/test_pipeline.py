"""Validation document by document finds what validating the whole graph finds, and what only two
documents together show."""

from __future__ import annotations

import shutil

from rdflib import Graph, URIRef

from sendkg.pipeline import build
from sendkg.rdf import SK
from sendkg.validate import SharedStatements, validate, validate_document
from sendkg.write import ntriples
from tests.conftest import LETTERS


def test_two_documents_that_disagree_about_one_inspection_are_both_left_out(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    original = corpus / "st-helens-2018.txt"
    shutil.copy(LETTERS / original.name, original)
    lead = build([corpus], cache=None).extractions[0].lead_inspector.name
    text = original.read_text(encoding="utf-8")
    (corpus / "st-helens-2018-copy.txt").write_text(text.replace(lead, "Alex Hartley"), encoding="utf-8")
    (corpus / "sefton-2019-revisit.txt").write_text((LETTERS / "sefton-2019-revisit.txt").read_text(encoding="utf-8"), encoding="utf-8")

    result = build([corpus], cache=None)

    assert sorted(f.path.name for f in result.failures) == ["st-helens-2018-copy.txt", "st-helens-2018.txt"]
    assert all("exactly one lead inspector" in f.reason for f in result.failures)
    assert [x.source.name for x in result.extractions] == ["sefton-2019-revisit.txt"]
    assert result.report.conforms


def test_one_document_validated_with_the_shared_graph_reports_what_the_whole_graph_reports(corpus_build):
    identifier, part_bytes = next((i, p) for i, p in corpus_build.parts.items() if "/document/" in str(i))
    part = Graph().parse(data=part_bytes, format="nt")
    inspection = next(part.objects(None, SK.describes))
    finding = next(part.subjects(SK.text, None))
    part.remove((inspection, SK.startDate, None))
    part.remove((finding, SK.text, None))
    part.add((finding, SK.polarity, URIRef("https://w3id.org/sendkg/code/polarity/no-such-code")))

    alone = validate_document(ntriples(part), SharedStatements(corpus_build.shared_lines))
    whole = Graph()
    whole += corpus_build.graph
    for triple in set(Graph().parse(data=part_bytes, format="nt")) - set(part):
        whole.remove(triple)
    whole += part
    together = validate(whole)

    def found(report):
        return {(v.focus_iri, v.path, v.message) for v in report.violations}

    assert not alone.conforms
    assert found(alone) == found(together)
    assert {focus for focus, _, _ in found(alone)} == {str(inspection), str(finding)}
