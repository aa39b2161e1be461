"""Text into paragraphs, the same way for every format: control characters out, the lines of
one paragraph joined, paragraphs joined by a blank line so that
``policies.models.excerpts.paragraph_split`` gives them back one for one.

Free of Django: the sandboxed reader (``policies.intake.sandbox``) uses it too."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Every line and paragraph separator becomes "\n"; a tab is a space.
_BREAKS = str.maketrans({"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n"})
_PARAGRAPH_SEPARATOR = "\u2029"
# C0 and C1 controls but "\n", and the byte-order mark a decoder may leave at the start.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff]")
_SPACES = re.compile(r"[ \t]+")
# A line of nothing but spaces (full-width and no-break ones too) is blank.
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
# Chinese and Japanese characters, their punctuation and the full-width forms: lines of such
# text join without a space.
_WIDE = re.compile(
    r"[\u2e80-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)


def clean(text: str) -> str:
    """``text`` with its newlines normalised to "\\n", tabs as spaces, no control character."""
    text = text.replace("\r\n", "\n").translate(_BREAKS)
    text = text.replace(_PARAGRAPH_SEPARATOR, "\n\n").replace("\t", " ")
    return _CONTROLS.sub("", text)


def join_lines(lines: Iterable[str]) -> str:
    """One paragraph from its lines, cleaned: a space between words, none between Chinese
    characters, none after a hyphen that ends a line ("a-t-" + "il")."""
    joined = ""
    for raw in lines:
        for part in clean(raw).split("\n"):
            line = _SPACES.sub(" ", part).strip()
            if not line:
                continue
            if not joined:
                joined = line
            elif _WIDE.match(joined[-1]) or _WIDE.match(line[0]) or _ends_with_hyphen(joined):
                joined += line
            else:
                joined += " " + line
    return joined


def _ends_with_hyphen(text: str) -> bool:
    return len(text) >= 2 and text[-1] == "-" and text[-2].isalpha()


def paragraphs_of_text(text: str) -> list[str]:
    """A plain text's paragraphs: at blank lines when it has any, else one per line (a text
    written one paragraph a line)."""
    text = clean(text).strip()
    if _BLANK_LINE.search(text):
        blocks = [block.split("\n") for block in _BLANK_LINE.split(text)]
    else:
        blocks = [[line] for line in text.split("\n")]
    return [p for p in (join_lines(block) for block in blocks) if p]


def paragraphs_of_blocks(blocks: Iterable[str]) -> list[str]:
    """Paragraphs from a reader's text blocks (a Word paragraph, an HTML block), each
    cleaned and its line breaks joined."""
    return [p for p in (join_lines([block]) for block in blocks) if p]


def as_text(paragraphs: Iterable[str]) -> str:
    """The paragraphs as one text, a blank line between each."""
    return "\n\n".join(paragraphs)
