"""What the tests and the interop script that compare engines share."""

from __future__ import annotations

import re
import socket


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_numbers(rows) -> list[tuple[str, ...]]:
    """Rows sorted, each number written one way: engines write 12.5 as '12.5' or '12.50'."""

    def value(text: str) -> str:
        if re.fullmatch(r"-?\d+(\.\d+)?(E[+-]?\d+)?", text, re.I):
            return repr(round(float(text), 9))
        return text

    return sorted(tuple(map(value, row)) for row in rows)
