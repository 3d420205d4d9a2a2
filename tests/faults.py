"""Faults to inject, shared by the tests and `bench/reliability.py`: damaged copies of a real
PDF, builds killed part-way, and what a build's output says about each document it was given."""

from __future__ import annotations

import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import msgspec

SENDKG = [str(Path(sys.executable).parent / "sendkg")]
DAMAGES = ("flip", "truncate", "zero", "cut")


def damaged(original: bytes, count: int, seed: int) -> list[tuple[str, bytes]]:
    """`count` damaged copies of a file, each named for how it was damaged: bytes changed at
    random, the file cut short, a span overwritten with zeros, or a span taken out."""
    rng = random.Random(seed)
    copies = []
    for number in range(count):
        kind = DAMAGES[number % len(DAMAGES)]
        data = bytearray(original)
        if kind == "flip":
            for _ in range(rng.randint(1, 16)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == "truncate":
            del data[rng.randrange(16, len(data)) :]
        else:
            start = rng.randrange(len(data))
            length = rng.randint(1, 4096)
            if kind == "zero":
                data[start : start + length] = bytes(len(data[start : start + length]))
            else:
                del data[start : start + length]
        copies.append((f"damaged-{number:03d}-{kind}.pdf", bytes(data)))
    return copies


@dataclass
class Outcome:
    """What one `sendkg build` run said."""

    status: int
    stdout: str
    stderr: str

    def handled(self, path: Path) -> bool:
        """Whether the build either built this document (it is in the summary) or gave one error
        line naming it."""
        return self.built(path) or any(line.startswith(f"error: {path}: ") for line in self.stderr.splitlines())

    def built(self, path: Path) -> bool:
        return any(line.startswith(path.name + " ") or line.split(" ", 1)[0] == path.name for line in self.stdout.splitlines())

    @property
    def clean(self) -> bool:
        """Exit 0 or 1 (never a signal or a crash), and no traceback."""
        return self.status in (0, 1) and "Traceback" not in self.stdout + self.stderr


def build(paths: list[Path], output: Path, *options: str, cwd: Path | None = None) -> Outcome:
    done = subprocess.run([*SENDKG, "build", *map(str, paths), "-o", str(output), *options], capture_output=True, text=True, cwd=cwd)
    return Outcome(done.returncode, done.stdout, done.stderr)


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def killed_build(paths: list[Path], output: Path, after: float, *options: str) -> int:
    """Start a build and SIGKILL it `after` seconds in (or when it ends, if sooner); the PID it had."""
    process = subprocess.Popen([*SENDKG, "build", *map(str, paths), "-o", str(output), *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=after)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
    return process.pid


def survivors(marker: str, wait: float = 5.0) -> list[int]:
    """Processes still running whose command line holds `marker` (a killed build's own folder),
    after giving the kernel up to `wait` seconds to end them."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
                state = re.search(r"^State:\s+(\w)", (entry / "status").read_text(), re.M)
            except OSError:
                continue
            if marker in command and int(entry.name) != os.getpid() and not (state and state.group(1) == "Z"):
                found.append(int(entry.name))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def damage_cache(cache: Path, marker: Path) -> int:
    """Damage a build's cache as a crash, a full disk or an attacker might: two extraction entries
    cut short and altered, two cached graphs emptied and cut in half, a report entry replaced by
    one (with a matching digest) that names a type able to run a command (`marker` is the file it
    would create), and a pickle planted beside them. Returns the number of entries a build should
    discard."""
    extractions = sorted(cache.glob("extraction-*.msgpack"))
    graphs = sorted(cache.glob("graph-*.nt"))
    extractions[0].write_bytes(extractions[0].read_bytes()[:100])
    extractions[1].write_bytes(extractions[1].read_bytes().replace(b"Inspector", b"Inspektor", 1))
    graphs[0].write_bytes(b"")
    graphs[1].write_bytes(graphs[1].read_bytes()[: len(graphs[1].read_bytes()) // 2])
    planted = msgspec.msgpack.encode(["Popen", {"args": ["touch", str(marker)]}])
    report = sorted(cache.glob("report-*.msgpack"))[0]
    report.write_bytes(hashlib.sha256(planted).hexdigest().encode() + b"\n" + planted)
    (cache / "extraction-planted.pickle").write_bytes(b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.")
    return 5
