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
import selectors
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, cast

from policies.intake.pdf_reader import read_pdf
from policies.intake.readers import REASONS, Parsed, Refused, read_docx, read_html

logger = logging.getLogger(__name__)

# The child's limits: wall-clock and CPU seconds, and address space.
TIME_LIMIT_S = 20
MEMORY_LIMIT_BYTES = 1024**3
# The most of the child's answer the parent reads: the text of the largest document taken
# in (documents.MAX_BYTES, 20 MB), twice over for JSON's escapes, and some slack. A reader
# that says more has gone wrong, and is stopped before it fills the web worker.
ANSWER_LIMIT_BYTES = 2 * 20 * 1024 * 1024 + 1024 * 1024
# What is kept of the child's error output (the end of a traceback), for the log.
LOG_TAIL_BYTES = 4000
# Readers running at once in one server process: each may take MEMORY_LIMIT_BYTES and a
# core, and the machine has two. A request waits this long for its turn, then is told the
# reader is busy.
MAX_CHILDREN = 2
BUSY_WAIT_S = 5.0
READER_SLOTS = threading.BoundedSemaphore(MAX_CHILDREN)
READERS = {"html": read_html, "docx": read_docx, "pdf": read_pdf}
# Refusals of the parent's own, beside the readers' REASONS.
BUSY, OVERSIZED = "busy", "oversized"

_PROJECT = Path(__file__).resolve().parents[2]
_CHUNK = 64 * 1024


class SandboxRefused(Exception):
    """The child refused the document or did not finish; ``reason`` is one of
    ``policies.intake.readers.REASONS``, or BUSY (no reader free) or OVERSIZED (an answer
    past ANSWER_LIMIT_BYTES)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse(fmt: str, data: bytes) -> Parsed:
    """``data`` read as ``fmt`` in a child process; SandboxRefused when it was refused, or
    ran out of time or memory, or crashed, or no reader was free."""
    if fmt not in READERS:
        raise ValueError(fmt)
    if not READER_SLOTS.acquire(timeout=BUSY_WAIT_S):
        raise SandboxRefused(BUSY)
    try:
        output = run_child(fmt, data)
    finally:
        READER_SLOTS.release()
    try:
        answer = json.loads(output)
    except ValueError as error:
        raise SandboxRefused("exhausted") from error
    if isinstance(answer, dict) and "refused" in answer:
        raise SandboxRefused(answer["refused"] if answer["refused"] in REASONS else "damaged")
    if not _is_parsed(answer):
        raise SandboxRefused("damaged")
    return cast(Parsed, answer)


def run_child(fmt: str, data: bytes) -> bytes:
    """What the child writes on stdout, given ``data`` on stdin: at most ANSWER_LIMIT_BYTES,
    within TIME_LIMIT_S, from a child that ended well."""
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
        [
            sys.executable,
            "-m",
            "policies.intake.sandbox",
            fmt,
            str(TIME_LIMIT_S),
            str(MEMORY_LIMIT_BYTES),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=_PROJECT,
        # Nothing of the server's environment (its secrets) reaches the parser.
        env={"PATH": os.defpath, "LC_ALL": "C.UTF-8"},
    )
    deadline = time.monotonic() + TIME_LIMIT_S
    try:
        output, log = _exchange(child, data, deadline)
        child.wait(timeout=max(deadline - time.monotonic(), 0))
    except subprocess.TimeoutExpired as error:
        raise SandboxRefused("exhausted") from error
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for pipe in (child.stdin, child.stdout, child.stderr):
            if pipe is not None:
                pipe.close()
    if child.returncode != 0:
        logger.warning(
            "the %s reader ended with %d: %s",
            fmt,
            child.returncode,
            log.decode(errors="replace"),
        )
        raise SandboxRefused("exhausted")
    return output


def _exchange(child: subprocess.Popen[bytes], data: bytes, deadline: float) -> tuple[bytes, bytes]:
    """Feed ``data`` to the child and read what it says, all at once, as
    ``subprocess.communicate`` does, but keeping no more than the limits."""
    stdin, stdout, stderr = cast(
        tuple[IO[bytes], IO[bytes], IO[bytes]], (child.stdin, child.stdout, child.stderr)
    )
    output, log = bytearray(), bytearray()
    sent, view = 0, memoryview(data)
    with selectors.DefaultSelector() as selector:
        os.set_blocking(stdin.fileno(), False)
        selector.register(stdin, selectors.EVENT_WRITE)
        selector.register(stdout, selectors.EVENT_READ)
        selector.register(stderr, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SandboxRefused("exhausted")
            for key, _ in selector.select(remaining):
                if key.fileobj is stdin:
                    try:
                        sent += os.write(key.fd, view[sent : sent + _CHUNK])
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:
                        sent = len(data)  # the child stopped reading: its answer says why
                    if sent >= len(data):
                        selector.unregister(stdin)
                        stdin.close()
                    continue
                chunk = os.read(key.fd, _CHUNK)
                if not chunk:
                    selector.unregister(key.fileobj)
                elif key.fileobj is stdout:
                    output += chunk
                    if len(output) > ANSWER_LIMIT_BYTES:
                        raise SandboxRefused(OVERSIZED)
                else:
                    log = (log + chunk)[-LOG_TAIL_BYTES:]
    return bytes(output), bytes(log)


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
    # As UTF-8, not ASCII escapes: Chinese text takes half the room (ANSWER_LIMIT_BYTES).
    # A lone surrogate (a broken PDF font map) becomes "?".
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False).encode(errors="replace"))
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main(sys.argv))
