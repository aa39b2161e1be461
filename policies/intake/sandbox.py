"""Reads a binary document (PDF, Word, HTML) in a child process, within stated limits, so
that a file built to exhaust a parser (a decompression bomb, entity expansion, a PDF that
loops or recurses) costs the child, never the web worker.

The parent calls ``parse``; the child, ``python -m policies.intake.sandbox FORMAT SECONDS
BYTES``, reads the document on stdin and writes JSON on stdout: a ``Parsed`` dict, or
``{"refused": REASON}``. The child lowers its own limits to the parent's before it reads a
byte, rather than through ``preexec_fn``, which the subprocess documentation calls unsafe in
a threaded server.
Free of Django: the child never loads the project's settings."""

from __future__ import annotations

import json
import logging
import math
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import cast

from policies.intake.pdf_reader import read_pdf
from policies.intake.readers import REASONS, Parsed, Refused, read_docx, read_html

logger = logging.getLogger(__name__)

# The child's limits: wall-clock and CPU seconds, and address space.
TIME_LIMIT_S = 20
MEMORY_LIMIT_BYTES = 1024**3
READERS = {"html": read_html, "docx": read_docx, "pdf": read_pdf}

_PROJECT = Path(__file__).resolve().parents[2]


class SandboxRefused(Exception):
    """The child refused the document or did not finish; ``reason`` is one of
    ``policies.intake.readers.REASONS``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse(fmt: str, data: bytes) -> Parsed:
    """``data`` read as ``fmt`` in a child process; SandboxRefused when it was refused, or
    ran out of time or memory, or crashed."""
    if fmt not in READERS:
        raise ValueError(fmt)
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module, no shell
            [
                sys.executable,
                "-m",
                "policies.intake.sandbox",
                fmt,
                str(TIME_LIMIT_S),
                str(MEMORY_LIMIT_BYTES),
            ],
            input=data,
            capture_output=True,
            timeout=TIME_LIMIT_S,
            cwd=_PROJECT,
            # Nothing of the server's environment (its secrets) reaches the parser.
            env={"PATH": os.defpath, "LC_ALL": "C.UTF-8"},
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise SandboxRefused("exhausted") from error
    if done.returncode != 0:
        logger.warning(
            "the %s reader ended with %d: %s",
            fmt,
            done.returncode,
            done.stderr[-2000:].decode(errors="replace"),
        )
        raise SandboxRefused("exhausted")
    try:
        answer = json.loads(done.stdout)
    except ValueError as error:
        raise SandboxRefused("exhausted") from error
    if isinstance(answer, dict) and "refused" in answer:
        raise SandboxRefused(answer["refused"] if answer["refused"] in REASONS else "damaged")
    if not _is_parsed(answer):
        raise SandboxRefused("damaged")
    return cast(Parsed, answer)


def _is_parsed(answer: object) -> bool:
    return (
        isinstance(answer, dict)
        and isinstance(answer.get("paragraphs"), list)
        and all(isinstance(p, str) for p in answer["paragraphs"])
        and isinstance(answer.get("title"), str)
        and isinstance(answer.get("published"), str | None)
        and isinstance(answer.get("pages"), int)
    )


def _limit_self(seconds: int, memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    # A parser has no file to write, and a crash leaves no core behind.
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str]) -> int:
    """The child (``FORMAT SECONDS BYTES``): read the document on stdin, write the answer
    on stdout."""
    fmt, seconds, memory = argv[1], math.ceil(float(argv[2])), int(argv[3])
    _limit_self(seconds, memory)
    data = sys.stdin.buffer.read()
    answer: Parsed | dict[str, str]
    try:
        answer = READERS[fmt](data)
    except Refused as refused:
        answer = {"refused": refused.reason}
    except (MemoryError, RecursionError):
        answer = {"refused": "exhausted"}
    except Exception:
        # A parser's error on a broken file; its traceback goes to the parent's log.
        logger.exception("the %s reader failed", fmt)
        answer = {"refused": "damaged"}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main(sys.argv))
