"""The `sendkg` command end to end: build, validate, query; bad input reported in one line each."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from sendkg.cli import main
from sendkg.write import load
from tests.conftest import LETTERS
from tests.faults import SENDKG

COLUMNS = {
    "inspections": "document,area,framework,kind,start,end,letter_date,previous_start,previous_end,outcome,lead_inspector",
    "inspection-team": "document,area,name,role,role_kind,body,lead",
    "addressees": "document,area,name,role,organisation",
    "health-bodies": "document,area,name",
    "organisations": "document,area,name,type",
    "findings": "document,area,section,polarity,text",
    "significant-weaknesses": "document,area,text,progress",
}


@pytest.fixture
def runner():
    return CliRunner()


def bad_inputs(folder):
    shutil.copy(LETTERS / "sefton-2019-revisit.txt", folder / "sefton-2019-revisit.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "latin1.txt").write_bytes("Joint local area SEND inspection in Leeds — café".encode("cp1252"))
    (folder / "minutes.txt").write_text("Minutes of the finance committee.\n\nThe budget was agreed.\n")


def test_bad_documents_are_reported_and_the_rest_is_built(runner, tmp_path):
    bad_inputs(tmp_path)
    out = tmp_path / "out" / "graph.ttl"
    result = runner.invoke(main, ["build", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 4
    assert any("empty.txt: empty file" in e for e in errors)
    assert any("binary.txt: binary file" in e for e in errors)
    assert any("latin1.txt: not UTF-8 text" in e for e in errors)
    assert any("minutes.txt: not a SEND inspection document" in e for e in errors)
    assert "Traceback" not in result.output + result.stderr
    assert "sefton-2019-revisit.txt" in result.stdout
    assert len(load(out)) > 1000
    assert [p.name for p in out.parent.iterdir()] == ["graph.ttl"]


def test_a_graph_that_fails_validation_is_not_written(runner, tmp_path, monkeypatch):
    out = tmp_path / "graph.ttl"
    out.write_text("previous contents")
    from sendkg import validate as validate_module

    monkeypatch.setattr(validate_module, "shapes", lambda: load_shapes_that_fail())
    result = runner.invoke(main, ["build", str(LETTERS / "sefton-2019-revisit.txt"), "-o", str(out), "--no-cache"])
    assert result.exit_code == 1
    assert "not written" in result.stderr
    assert out.read_text() == "previous contents"


def load_shapes_that_fail():
    from rdflib import Graph

    return Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix sk: <https://w3id.org/sendkg/ontology#> .
        <urn:s> a sh:NodeShape ; sh:targetClass sk:Inspection ; sh:property [ sh:path sk:startDate ; sh:maxCount 0 ] .""",
        format="turtle",
    )


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_bundled_queries_have_their_documented_columns(runner, graph_file, name):
    result = runner.invoke(main, ["query", name, "--graph", str(graph_file), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert ",".join(rows[0]) == COLUMNS[name]
    assert len(rows) > 1


def test_query_accepts_a_file_or_inline_sparql(runner, graph_file, tmp_path):
    rq = tmp_path / "count.rq"
    rq.write_text("PREFIX sk: <https://w3id.org/sendkg/ontology#> SELECT (COUNT(?f) AS ?n) WHERE { ?f a sk:Finding }")
    by_file = runner.invoke(main, ["query", str(rq), "--graph", str(graph_file), "--format", "json"])
    inline = runner.invoke(main, ["query", rq.read_text(), "--graph", str(graph_file), "--format", "json"])
    assert by_file.exit_code == 0 and inline.exit_code == 0
    assert json.loads(by_file.stdout) == json.loads(inline.stdout)
    assert int(json.loads(by_file.stdout)[0]["n"]) > 200


AD_HOC = """# param wanted text document: a file name
SELECT ?document WHERE { VALUES (?wanted) { (UNDEF) } ?d sk:fileName ?document . FILTER(?document = ?wanted) }"""


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_an_ad_hoc_query_declares_its_parameters_and_a_value_is_bound_as_a_literal(runner, graph_file, engine):
    def run(*params):
        args = ["query", AD_HOC, "--graph", str(graph_file), "--engine", engine, "--format", "csv"]
        return runner.invoke(main, args + [a for p in params for a in ("--param", p)])

    assert run("wanted=st-helens-2018.txt").stdout.splitlines() == ["document", "st-helens-2018.txt"]
    assert run('wanted=x" || true || "').stdout.splitlines() == ["document"]
    misspelled = run("wantd=st-helens-2018.txt")
    assert misspelled.exit_code == 1
    assert "unknown parameter wantd for this query (its parameters: wanted)" in misspelled.stderr


def test_an_unknown_query_is_a_one_line_error(runner, graph_file):
    result = runner.invoke(main, ["query", "no-such-query", "--graph", str(graph_file)])
    assert result.exit_code != 0
    assert "unknown query" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("fmt,suffix", [("nt", ".nt"), ("jsonld", ".jsonld"), ("trig", ".trig"), ("turtle", ".ttl")])
def test_every_output_format_loads_back_to_the_same_graph_and_answers_in_both_engines(runner, tmp_path, fmt, suffix):
    out = tmp_path / f"graph{suffix}"
    result = runner.invoke(main, ["build", str(LETTERS / "st-helens-2018.txt"), "-o", str(out), "--format", fmt, "-q"])
    assert result.exit_code == 0, result.output
    reference = tmp_path / "reference.ttl"
    runner.invoke(main, ["build", str(LETTERS / "st-helens-2018.txt"), "-o", str(reference), "-q"])
    assert len(load(out)) == len(load(reference))
    answers = [runner.invoke(main, ["query", "inspections", "--graph", str(out), "--engine", e, "--format", "csv"]) for e in ("oxigraph", "rdflib")]
    assert answers[0].exit_code == answers[1].exit_code == 0
    assert answers[0].stdout == answers[1].stdout and "st-helens-2018.txt" in answers[0].stdout


def test_validate_passes_a_built_graph_and_fails_a_broken_one(runner, graph_file, tmp_path):
    assert runner.invoke(main, ["validate", str(graph_file)]).exit_code == 0
    broken = tmp_path / "broken.ttl"
    text = graph_file.read_text(encoding="utf-8")
    broken.write_text(text.replace("sk:leadInspector", "sk:notLeadInspector"), encoding="utf-8")
    result = runner.invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "exactly one lead inspector" in result.output


def test_bad_pdfs_are_reported_and_the_reports_still_built(runner, tmp_path):
    from tests.pdfs import encrypted_copy, image_only_pdf, text_pdf

    reports = LETTERS.parent / "area-send-reports"
    shutil.copy(reports / "blackpool-2024.pdf", tmp_path / "blackpool-2024.pdf")
    (tmp_path / "truncated.pdf").write_bytes((reports / "halton-2024.pdf").read_bytes()[:30000])
    (tmp_path / "encrypted.pdf").write_bytes(encrypted_copy(reports / "bedford-2025.pdf"))
    (tmp_path / "scanned.pdf").write_bytes(image_only_pdf())
    (tmp_path / "minutes.pdf").write_bytes(text_pdf(["Minutes of the finance committee", "The budget was agreed."]))
    out = tmp_path / "graph.ttl"
    result = runner.invoke(main, ["build", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 1
    errors = sorted(line for line in result.stderr.splitlines() if line.startswith("error:"))
    assert [e.split(": ", 2)[1].rsplit("/", 1)[-1] for e in errors] == ["encrypted.pdf", "minutes.pdf", "scanned.pdf", "truncated.pdf"]
    assert "Traceback" not in result.output + result.stderr
    rows = runner.invoke(main, ["query", "inspections", "--graph", str(out), "--format", "csv"]).stdout.splitlines()
    assert rows[1].startswith("blackpool-2024.pdf,Blackpool,2023,full,2024-05-20,2024-05-24")


def test_a_document_that_breaks_the_shapes_is_left_out_and_the_rest_written(runner, tmp_path):
    letter = (LETTERS / "st-helens-2018.txt").read_text(encoding="utf-8")
    undated = letter.replace("Between 29 January 2018 to 2 February 2018,", "Recently,")
    (tmp_path / "undated.txt").write_text(undated, encoding="utf-8")
    shutil.copy(LETTERS / "sefton-2019-revisit.txt", tmp_path / "sefton-2019-revisit.txt")
    out = tmp_path / "graph.ttl"
    result = runner.invoke(main, ["build", str(tmp_path), "-o", str(out)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "undated.txt: does not conform to the shapes" in errors[0]
    rows = runner.invoke(main, ["query", "inspections", "--graph", str(out), "--format", "csv"]).stdout.splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == ["sefton-2019-revisit.txt"]


def test_network_and_report_commands_write_their_files(runner, graph_file, tmp_path):
    result = runner.invoke(main, ["network", "--graph", str(graph_file), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "sendkg-network.graphml").exists() and (tmp_path / "sendkg-network.gexf").exists()
    assert "Themes most often raised as weaknesses" in result.output
    page = tmp_path / "report.html"
    result = runner.invoke(main, ["report", "--graph", str(graph_file), "-o", str(page)])
    assert result.exit_code == 0 and page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_same_bytes_whatever_the_number_of_jobs(runner, tmp_path):
    one, two = tmp_path / "one.ttl", tmp_path / "two.ttl"
    assert runner.invoke(main, ["build", str(LETTERS), "-o", str(one), "-q"]).exit_code == 0
    assert runner.invoke(main, ["build", str(LETTERS), "-o", str(two), "-q", "--jobs", "2"]).exit_code == 0
    assert one.read_bytes() == two.read_bytes()


def test_every_format_has_the_same_bytes_in_processes_that_hash_differently(tmp_path):
    """Each process salts Python's string hashes differently; no output may depend on it."""
    formats = ("ttl", "nt", "jsonld", "trig", "nq")
    for seed in ("1", "2"):
        outputs = [arg for fmt in formats for arg in ("-o", str(tmp_path / seed / f"graph.{fmt}"))]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([*SENDKG, "build", str(LETTERS / "st-helens-2018.txt"), *outputs, "--no-cache", "-q"], env=env, check=True)
    for fmt in formats:
        assert (tmp_path / "1" / f"graph.{fmt}").read_bytes() == (tmp_path / "2" / f"graph.{fmt}").read_bytes(), fmt


def bad_graph_files(folder):
    (folder / "missing.ttl").unlink(missing_ok=True)
    (folder / "truncated.ttl").write_text("@prefix sk: <https://w3id.org/sendkg/ontology#> .\n<urn:a> sk:fileName \"x", encoding="utf-8")
    (folder / "notes.ttl").write_text("These are my notes, not a graph.\n", encoding="utf-8")
    (folder / "binary.trig").write_bytes(bytes(range(256)) * 4)
    (folder / "empty.nq").write_bytes(b"")
    return ["missing.ttl", "truncated.ttl", "notes.ttl", "binary.trig", "empty.nq"]


COMMANDS_THAT_READ_A_GRAPH = {
    "validate": lambda path, out: ["validate", str(path)],
    "network": lambda path, out: ["network", "--graph", str(path), "-o", str(out)],
    "report": lambda path, out: ["report", "--graph", str(path), "-o", str(out / "report.html")],
    "query-oxigraph": lambda path, out: ["query", "inspections", "--graph", str(path)],
    "query-rdflib": lambda path, out: ["query", "inspections", "--graph", str(path), "--engine", "rdflib"],
    "load": lambda path, out: ["load", "--endpoint", "http://127.0.0.1:9/store", "--graph", str(path)],
}


@pytest.mark.parametrize("command", sorted(COMMANDS_THAT_READ_A_GRAPH))
def test_a_graph_file_that_cannot_be_read_is_one_line_naming_it(runner, tmp_path, command):
    out = tmp_path / "out"
    for name in bad_graph_files(tmp_path):
        result = runner.invoke(main, COMMANDS_THAT_READ_A_GRAPH[command](tmp_path / name, out))
        assert result.exit_code != 0, (command, name)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and name in lines[0] and lines[0].startswith("Error: "), (command, name, result.stderr)
        assert "Traceback" not in result.output + result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_load_refuses_a_file_of_one_graph_rather_than_merge_every_document_into_one(runner, graph_file):
    result = runner.invoke(main, ["load", "--endpoint", "http://127.0.0.1:9/store", "--graph", str(graph_file)])
    assert result.exit_code == 1
    assert "one graph only; load the TriG or N-Quads" in result.stderr


def test_a_path_that_does_not_exist_is_said_to_be_missing(runner, tmp_path):
    result = runner.invoke(main, ["build", str(tmp_path / "nope"), "-o", str(tmp_path / "g.ttl")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {tmp_path / 'nope'}: no such file or folder"


def test_an_output_of_unknown_format_is_refused_before_anything_is_built(runner, tmp_path):
    result = runner.invoke(main, ["build", str(LETTERS / "st-helens-2018.txt"), "-o", str(tmp_path / "x.xml")])
    assert result.exit_code == 1
    assert "x.xml: unknown graph format '.xml'" in result.stderr
    assert not (tmp_path / "x.xml").exists()


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_ask_construct_and_describe_from_the_command_line(runner, graph_file, engine):
    def run(query, *options):
        result = runner.invoke(main, ["query", query, "--graph", str(graph_file), "--engine", engine, *options])
        assert result.exit_code == 0, result.output
        return result.stdout

    assert run("ASK { ?i a sk:Inspection }") == "true\n"
    assert json.loads(run("ASK { ?i a sk:Nothing }", "--format", "json"))["boolean"] is False
    construct = "CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a a sk:LocalArea ; rdfs:label ?l }"
    as_nt = run(construct, "--format", "nt")
    assert as_nt.splitlines() and all(line.endswith(" .") for line in as_nt.splitlines())
    as_turtle = run(construct)
    assert "@prefix rdfs:" in as_turtle
    from rdflib import Graph

    assert len(Graph().parse(data=as_turtle, format="turtle")) == len(as_nt.splitlines())
    assert "<https://w3id.org/sendkg/id/area/e06000006>" in run("DESCRIBE <https://w3id.org/sendkg/id/area/e06000006>", "--format", "nt")
    rows_as_graph = runner.invoke(main, ["query", "inspections", "--graph", str(graph_file), "--engine", engine, "--format", "nt"])
    assert rows_as_graph.exit_code == 1 and "for CONSTRUCT and DESCRIBE queries" in rows_as_graph.stderr


def test_help_loads_none_of_the_heavy_libraries():
    """`sendkg --help` stays quick because the commands import the library only when they run."""
    import subprocess
    import sys

    heavy = ("spacy", "rdflib", "pyshacl", "pyoxigraph", "networkx", "pypdfium2")
    probe = (
        "import sys\nfrom click.testing import CliRunner\nfrom sendkg.cli import main\n"
        "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip() == ""


@pytest.mark.parametrize("mask,mode", [(0o022, 0o644), (0o077, 0o600)])
def test_files_are_written_with_the_users_umask(runner, tmp_path, mask, mode):
    import os

    previous = os.umask(mask)
    try:
        out = tmp_path / "graph.ttl"
        assert runner.invoke(main, ["build", str(LETTERS / "st-helens-2018.txt"), "-o", str(out), "-q"]).exit_code == 0
    finally:
        os.umask(previous)
    assert out.stat().st_mode & 0o777 == mode


def test_a_file_name_with_terminal_escapes_is_shown_escaped(runner, tmp_path):
    (tmp_path / "\x1b[2Jnotes.txt").write_text("Minutes of the finance committee.\n")
    result = runner.invoke(main, ["build", str(tmp_path), "-o", str(tmp_path / "g.ttl")])
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\\x1b[2Jnotes.txt: not a SEND inspection document" in result.stderr


def test_what_is_not_a_regular_file_or_is_too_large_is_refused_unread(runner, tmp_path):
    import os

    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    shutil.copy(LETTERS / "st-helens-2018.txt", tmp_path / "st-helens-2018.txt")
    named = [str(tmp_path / n) for n in ("fifo.txt", "zero.txt", "st-helens-2018.txt")]
    result = runner.invoke(main, ["build", *named, "-o", str(tmp_path / "g.ttl"), "--no-cache"])
    assert result.exit_code == 1
    assert "fifo.txt: not a regular file" in result.stderr and "zero.txt: not a regular file" in result.stderr
    assert "st-helens-2018.txt" in result.stdout and (tmp_path / "g.ttl").exists()
    small = runner.invoke(main, ["build", named[2], "-o", str(tmp_path / "h.ttl"), "--no-cache", "--max-size", "0.01"])
    assert small.exit_code == 1
    assert "st-helens-2018.txt: too large (21,982 bytes; the limit is 10,485 bytes: build --max-size)" in small.stderr


def test_a_second_copy_of_a_document_is_a_duplicate_built_once(runner, tmp_path):
    shutil.copy(LETTERS / "st-helens-2018.txt", tmp_path / "a.txt")
    shutil.copy(LETTERS / "st-helens-2018.txt", tmp_path / "b.txt")
    result = runner.invoke(main, ["build", str(tmp_path), "-o", str(tmp_path / "g.ttl"), "--no-cache"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {tmp_path / 'b.txt'}: duplicate of {tmp_path / 'a.txt'} (the same bytes); built once"]
    assert "1 documents" in result.stdout


def test_a_text_of_over_a_million_characters_is_built(runner, tmp_path):
    letter = (LETTERS / "st-helens-2018.txt").read_text(encoding="utf-8")
    head, findings = letter.split("Main findings", 1)
    (tmp_path / "long.txt").write_text(head + "Main findings" + findings * (1_100_000 // len(findings) + 1), encoding="utf-8")
    result = runner.invoke(main, ["build", str(tmp_path / "long.txt"), "-o", str(tmp_path / "g.ttl"), "--no-cache", "-q"])
    assert result.exit_code == 0, result.stderr
    assert len((tmp_path / "long.txt").read_text(encoding="utf-8")) > 1_000_000


def test_a_pdf_page_that_cannot_be_loaded_is_named_and_the_other_pages_read(runner, tmp_path):
    import re

    data = (LETTERS.parent / "area-send-reports" / "bedford-2025.pdf").read_bytes()
    count = re.search(rb"/Count (\d+)", data)
    pages = int(count.group(1))
    (tmp_path / "damaged.pdf").write_bytes(data[: count.start(1)] + str(pages + 2).encode() + data[count.end(1) :])
    result = runner.invoke(main, ["build", str(tmp_path / "damaged.pdf"), "-o", str(tmp_path / "g.ttl"), "--no-cache"])
    assert result.exit_code == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if "cannot be read (damaged)" in line]
    assert [w.split(": ", 2)[2] for w in warned] == [f"page {pages + 1} cannot be read (damaged); the other pages were read", f"page {pages + 2} cannot be read (damaged); the other pages were read"]
    assert "damaged.pdf" in result.stdout and "positive" in result.stdout


def test_anything_else_one_document_does_to_the_code_costs_only_that_document(runner, tmp_path, monkeypatch):
    from sendkg import extract

    real = extract.extract

    def fails_on_sefton(layout, doc):
        if layout.source.name.startswith("sefton"):
            raise IndexError("list index out of range")
        return real(layout, doc)

    monkeypatch.setattr(extract, "extract", fails_on_sefton)
    shutil.copy(LETTERS / "sefton-2019-revisit.txt", tmp_path / "sefton-2019-revisit.txt")
    shutil.copy(LETTERS / "st-helens-2018.txt", tmp_path / "st-helens-2018.txt")
    result = runner.invoke(main, ["build", str(tmp_path), "-o", str(tmp_path / "g.ttl"), "--no-cache"])
    assert result.exit_code == 1
    assert f"error: {tmp_path / 'sefton-2019-revisit.txt'}: could not be processed (IndexError: list index out of range)" in result.stderr
    assert "Traceback" not in result.stderr and "st-helens-2018.txt" in result.stdout


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_json_ld_file_with_a_remote_context_is_refused_and_nothing_is_fetched(runner, tmp_path, engine):
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(1)
    try:
        path = tmp_path / "remote.jsonld"
        path.write_text(json.dumps({"@context": f"http://127.0.0.1:{listener.getsockname()[1]}/context.jsonld", "@id": "urn:a", "name": "x"}))
        for args in (["validate", str(path)], ["query", "inspections", "--graph", str(path), "--engine", engine]):
            result = runner.invoke(main, args)
            assert result.exit_code == 1 and "remote.jsonld" in result.stderr and len(result.stderr.strip().splitlines()) == 1
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()


def test_an_output_that_is_a_folder_is_refused(runner, tmp_path):
    result = runner.invoke(main, ["build", str(LETTERS / "st-helens-2018.txt"), "-o", str(tmp_path), "--format", "turtle"])
    assert result.exit_code == 1 and result.stderr.strip() == f"Error: {tmp_path}: is a folder; give a file name such as {tmp_path / 'sendkg.ttl'}"


def holding(code: str):
    """A Python process that runs `code` (which prints 'ready') and then waits until told to end."""
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-c", code + "; sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def test_a_store_another_process_holds_is_one_line_and_neither_files_nor_store_change(runner, tmp_path):
    holder = holding(f"import pyoxigraph, sys; s = pyoxigraph.Store({str(tmp_path / 'store')!r}); print('ready', flush=True)")
    try:
        assert holder.stdout.readline().strip() == "ready"
        out = tmp_path / "g.ttl"
        result = runner.invoke(main, ["build", str(LETTERS / "st-helens-2018.txt"), "-o", str(out), "--store", str(tmp_path / "store"), "-q"])
        assert result.exit_code == 1
        assert result.stderr.strip().endswith("in use by another process (a writer holds its lock); the graph files and the store are as they were")
        assert not out.exists() and not list(tmp_path.glob(".g.ttl.*"))
    finally:
        holder.communicate("")


def test_a_second_build_on_a_store_in_use_says_which_process_holds_it_and_writes_nothing(runner, tmp_path):
    store = tmp_path / "store"
    holder = holding(f"import sys; from sendkg.publish import store_lock; lock = store_lock({str(store)!r}); lock.__enter__(); print('ready', flush=True)")
    try:
        assert holder.stdout.readline().strip() == "ready"
        out = tmp_path / "g.ttl"
        result = runner.invoke(main, ["build", str(LETTERS / "st-helens-2018.txt"), "-o", str(out), "--store", str(store), "-q"])
        assert result.exit_code == 1
        assert result.stderr.strip() == f"Error: {store}: the store is in use by PID {holder.pid} (another sendkg build); try again when it has finished; nothing was written"
        assert not out.exists()
    finally:
        holder.communicate("")
    result = runner.invoke(main, ["build", str(LETTERS / "st-helens-2018.txt"), "-o", str(out), "--store", str(store), "-q"])
    assert result.exit_code == 0 and out.exists()


def test_temporary_files_a_killed_build_left_are_removed_and_others_kept(runner, tmp_path):
    out = tmp_path / "g.ttl"
    tmp_path.joinpath(".g.ttl.999999999.abc123.tmp").write_text("half a graph")  # no such process
    tmp_path.joinpath(f".g.ttl.{os.getpid()}.abc123.tmp").write_text("being written by a live process")
    result = runner.invoke(main, ["build", str(LETTERS / "st-helens-2018.txt"), "-o", str(out), "-q"])
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".g.ttl.{os.getpid()}.abc123.tmp", "g.ttl"]


def test_a_subfolder_that_cannot_be_listed_is_named_and_the_rest_built(runner, tmp_path, monkeypatch):
    import sendkg.read

    shutil.copy(LETTERS / "st-helens-2018.txt", tmp_path / "st-helens-2018.txt")
    (tmp_path / "locked").mkdir()
    listing = os.scandir

    def scandir(path="."):  # what a folder without read permission gives (the tests may run as root)
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return listing(path)

    monkeypatch.setattr(sendkg.read.os, "scandir", scandir)
    result = runner.invoke(main, ["build", str(tmp_path), "-o", str(tmp_path / "g.ttl"), "--no-cache"])
    assert result.exit_code == 1
    assert f"error: {tmp_path / 'locked'}: folder cannot be listed (Permission denied)" in result.stderr.splitlines()
    assert "st-helens-2018.txt" in result.stdout
