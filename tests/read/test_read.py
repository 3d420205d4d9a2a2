"""Reading files: text is decoded exactly; bad files fail with a one-line reason."""

from __future__ import annotations

import pytest

from sendkg.read import ReadError, find_documents, read
from tests.conftest import LETTERS


def test_reads_a_letter_with_its_digest():
    source = read(LETTERS / "stoke-on-trent-2016.txt")
    assert source.text.startswith("\n\nOfsted")
    assert len(source.sha256) == 64
    assert source.media_type == "text/plain"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n\t", "empty file"),
        ("binary.txt", bytes(range(256)) * 4, "binary file, not text"),
        ("latin1.txt", "Joint local area SEND inspection in Sefton – café".encode("cp1252"), "not UTF-8 text"),
        ("letter.docx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_bad_files_fail_with_a_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReadError) as caught:
        read(path)
    assert reason in caught.value.reason
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_file_fails_with_a_reason(tmp_path):
    with pytest.raises(ReadError, match="cannot read file"):
        read(tmp_path / "missing.txt")


def test_folders_are_searched_in_a_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ("b/z.txt", "a.md", "c.txt", "ignore.json", "README.md"):
        (tmp_path / name).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in find_documents([tmp_path])] == ["a.md", "b/z.txt", "c.txt"]
