"""What an import file may be: its size and its rows, and the error that refuses it.

The readers (``readers`` for CSV and JSON, ``workbooks`` for XLSX) check these before and
while they read, so that a file past them is refused with a message before it costs a web
worker its memory.
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

# Larger files are refused before they are read: split them, or import from the shell in
# parts. 100,000 statements fit well within it.
IMPORT_MAX_BYTES = 40 * 1024 * 1024


# Records in one import file, whatever its format: the benchmark's 100,000 statements fit
# twice over. Counted as the file is read, so a longer one is refused at the row past it.
IMPORT_MAX_ROWS = 200_000


# How much of a file is decoded or unpacked at a time.
READ_CHUNK = 1024 * 1024


class ImportFileError(Exception):
    """A file that cannot be imported; ``errors`` lists where and why, one line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def too_many_rows(name: str) -> str:
    """The message for a file with more records than IMPORT_MAX_ROWS."""
    return _(
        "%(file)s: more than %(max)s rows; at most %(max)s can be imported from one file. "
        "Split it into smaller files."
    ) % {"file": name, "max": number_format(IMPORT_MAX_ROWS, force_grouping=True)}
