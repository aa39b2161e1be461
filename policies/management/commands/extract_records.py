import datetime
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from policies.intake.documents import MAX_BYTES, SUPPORTED, DocumentError, read_upload
from policies.intake.preview import Preview, preview


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--published {value!r}: give a date as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Print the records the extraction assistant proposes from a document (.txt, .html, "
        ".pdf or .docx), each with the exact passage it comes from. Writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--language", choices=SUPPORTED, help="The document's language, if not detected."
        )
        parser.add_argument(
            "--published",
            help="The document's date (YYYY-MM-DD), against which 'samedi' or '去年' resolve.",
        )
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        published = _day(options["published"]) if options["published"] else None
        try:
            if file.stat().st_size > MAX_BYTES:
                raise CommandError(
                    f"{file}: {file.stat().st_size / 2**20:.1f} MB is over the limit of "
                    f"{MAX_BYTES // 2**20} MB."
                )
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot be read ({error.strerror}).") from None
        try:
            extracted = read_upload(data, file.name, options["language"])
        except DocumentError as error:
            raise CommandError(f"{file}: {error}") from None
        result = preview(extracted, language=options["language"], published=published)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_text(result))


def _text(result: Preview) -> str:
    source = result.as_json()["source"]
    lines = [
        f"{source['title'] or '(no title)'} — {source['language']}, "
        f"{source['published'] or 'no date'}, {source['paragraphs']} paragraphs",
        f"{len(result.proposals)} proposals",
    ]
    for proposal in result.proposals:
        shown = proposal.as_json()
        extra = ", ".join(
            f"{key}={value}"
            for key, value in shown.items()
            if key not in ("kind", "paragraph", "excerpt", "confidence", "rule")
        )
        lines.append(
            f"¶{proposal.paragraph} {proposal.kind} ({proposal.confidence:.2f}, "
            f"{proposal.rule}): {proposal.excerpt}"
        )
        if extra:
            lines.append(f"    {extra}")
    return "\n".join(lines)
