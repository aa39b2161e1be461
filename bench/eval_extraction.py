"""`make eval-extraction`: run the extraction assistant on the Government Work Reports and
the seed report, compare its proposals with bench/extraction_labels.yaml, write EVALUATION.md.

It builds a throw-away SQLite database (migrated, seeds loaded) for the lexicon and reads each
report as an editor's upload would be read (``read_upload``: paragraphs, language, and the date
the document states). Each report is run twice: with the date it states, and with the labels'
date. It times ``extract()`` on each document (the median of three runs), and on large inputs
built in memory from the reports' text repeated. Facts only go into EVALUATION.md: no text of
the documents.

    .venv/bin/python bench/eval_extraction.py --corpus ../shared/corpus/government-work-reports
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_report import (
    DATES,
    Fact,
    Judged,
    Report,
    Score,
    Seed,
    _markdown,
)

if TYPE_CHECKING:
    from policies.intake.extract.shapes import Document, Lexicon, Proposed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "government-work-reports"
RUNS = 3
MB = 1024 * 1024
# Large inputs (name, size in bytes of UTF-8, one paragraph or the reports' own paragraphs).
LARGE = (
    ("one paragraph", MB // 4, True),
    ("one paragraph", MB, True),
    ("paragraphs", 20 * MB, False),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--labels", type=Path, default=ROOT / "bench" / "extraction_labels.yaml")
    parser.add_argument("--output", type=Path, default=ROOT / "EVALUATION.md")
    args = parser.parse_args()
    labels = yaml.safe_load(args.labels.read_text(encoding="utf-8"))
    files = {entry["year"]: args.corpus / f"{entry['year']}.zh.txt" for entry in labels["reports"]}
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        sys.exit(
            f"eval-extraction: the corpus is not there ({', '.join(missing)} missing). Put "
            "the Government Work Reports in ../shared/corpus/government-work-reports/ (see "
            "its README) or name their folder with --corpus (make eval-extraction CORPUS=...)."
        )
    with tempfile.TemporaryDirectory() as folder:
        lexicon = _seeded_lexicon(Path(folder))
        reports = [_report(entry, files[entry["year"]], lexicon) for entry in labels["reports"]]
        seed = _seed_report(labels["seed_report"], lexicon)
        large = _large(list(files.values()), lexicon)
    text = _markdown(reports, seed, large)
    args.output.write_text(text, encoding="utf-8")
    print(text)


def _seeded_lexicon(folder: Path) -> Lexicon:
    """The lexicon of the seeds, read from a fresh SQLite database in ``folder``."""
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'eval.sqlite3'}"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    from policies.intake.lexicon import load_lexicon

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_seeds", verbosity=0)
    return load_lexicon()


def _read(path: Path, published: datetime.date | None) -> tuple[Document, datetime.date | None]:
    """The document as an upload reads it, dated ``published`` (None: the date it states),
    and the date it states."""
    from policies.intake.documents import read_upload
    from policies.intake.extract import Document
    from policies.models.excerpts import paragraph_split

    read = read_upload(path.read_bytes(), path.name)
    paragraphs = tuple(paragraph_split(read.text))
    return Document(paragraphs, read.language, published or read.published), read.published


def _timed(run: Callable[[], list[Proposed]], runs: int = RUNS) -> tuple[list[Proposed], float]:
    """What ``run`` returns, and the median time of ``runs`` runs in ms."""
    times: list[float] = []
    proposals: list[Proposed] = []
    for _ in range(runs):
        started = time.perf_counter()
        proposals = run()
        times.append((time.perf_counter() - started) * 1000)
    return proposals, statistics.median(times)


def _report(entry: dict[str, Any], path: Path, lexicon: Lexicon) -> Report:
    from policies.intake.extract import extract

    year = entry["year"]
    judged: dict[str, Judged] = {}
    milliseconds, stated = 0.0, None
    for dated in DATES:
        document, stated = _read(path, datetime.date(year, 3, 5) if dated == "labels" else None)
        proposals, took = _timed(partial(extract, document, lexicon))
        milliseconds = milliseconds or took
        figures = [p for p in proposals if p.kind in ("target", "observation")]
        judged[dated] = _judge(figures, entry, year, f"{year} ({dated} date)")
    return Report(year, path.stat().st_size / 1000, milliseconds, stated, judged)


def _judge(figures: list[Proposed], entry: dict[str, Any], year: int, name: str) -> Judged:
    targets = _score(
        figures, "target", set(entry["target_paragraphs"]), entry["targets"], name, year
    )
    results = set(entry["result_paragraphs"])
    observations = _score(figures, "observation", results, entry["observations"], name, year - 1)
    labelled = set(entry["target_paragraphs"]) | results
    outside = sum(p.paragraph not in labelled for p in figures)
    return Judged(targets, observations, _document(figures, entry, year), len(figures), outside)


def _fact(paragraph: int, fields: dict[str, Any], year: int | None) -> Fact:
    return (
        paragraph,
        fields["indicator"],
        Decimal(str(fields["value"])),
        fields["qualifier"],
        year if year is not None else 0,
    )


def _score(
    figures: list[Proposed],
    kind: str,
    paragraphs: set[int],
    labels: list[dict[str, Any]],
    name: str,
    year: int,
) -> Score:
    """Every figure proposed in ``paragraphs`` against the labels of ``kind``. A figure of
    an indicator the tracker does not hold cannot match a label by slug: it is counted apart
    (``unjudged``), except among targets, where each figure is a labelled headline."""
    expected = [_fact(label["paragraph"], label, year) for label in labels]
    remaining = list(expected)
    score = Score(expected=len(expected))
    for proposal in (p for p in figures if p.paragraph in paragraphs):
        fields = proposal.fields
        if not fields["indicator_matched"] and kind == "observation":
            score.unjudged += 1
            continue
        score.proposed += 1
        fact = _fact(proposal.paragraph, fields, fields["year"])
        if proposal.kind == kind and fact in remaining:
            remaining.remove(fact)
            score.correct += 1
        else:
            score.notes.append(f"{name} ¶{fact[0]}: proposed {proposal.kind} {_show(fact)}")
    score.notes += [f"{name} ¶{fact[0]}: missed {kind} {_show(fact)}" for fact in remaining]
    return score


def _document(figures: list[Proposed], entry: dict[str, Any], year: int) -> Score:
    """Every figure of the document, judged where a label exists for its paragraph and
    indicator, and counted ``unjudged`` (unlabelled) everywhere else."""
    remaining = [("target", _fact(label["paragraph"], label, year)) for label in entry["targets"]]
    remaining += [
        ("observation", _fact(label["paragraph"], label, year - 1))
        for label in entry["observations"]
    ]
    labelled = {(fact[0], fact[1]) for _, fact in remaining}
    score = Score(expected=len(remaining))
    for proposal in figures:
        fact = _fact(proposal.paragraph, proposal.fields, proposal.fields["year"])
        if (fact[0], fact[1]) not in labelled:
            score.unjudged += 1
            continue
        score.proposed += 1
        if (proposal.kind, fact) in remaining:
            remaining.remove((proposal.kind, fact))
            score.correct += 1
    return score


def _show(fact: Fact) -> str:
    _, indicator, value, qualifier, year = fact
    return f"{indicator} = {value} ({qualifier}, {year or 'no year'})"


def _seed_report(entry: dict[str, Any], lexicon: Lexicon) -> Seed:
    from policies.intake.extract import extract

    path = ROOT / entry["source"]
    seeds = yaml.safe_load((ROOT / "seeds/records/statements.yaml").read_text(encoding="utf-8"))
    excerpts = {record["slug"]: record["excerpt"] for record in seeds}
    dates: dict[str, Score] = {}
    expected = {(d["paragraph"], str(d["resolved"]), d["granularity"]) for d in entry["dates"]}
    for dated in reversed(DATES):
        document, stated = _read(path, entry["published"] if dated == "labels" else None)
        proposals, milliseconds = _timed(partial(extract, document, lexicon))
        got = [
            (p.paragraph, p.fields.get("resolved"), p.fields.get("granularity"))
            for p in proposals
            if p.kind == "date"
        ]
        score = Score(len(expected), len(got), len(expected & set(got)))
        score.notes = [f"seed ¶{d[0]}: proposed date {d[1]}" for d in got if d not in expected]
        score.notes += [f"seed ¶{d[0]}: missed date {d[1]}" for d in expected if d not in got]
        dates[dated] = score
    statements = [p for p in proposals if p.kind == "statement"]

    def found(label: dict[str, Any]) -> bool:
        return any(
            p.paragraph == label["paragraph"]
            and p.fields.get("speaker") == label["speaker"]
            and p.fields.get("wording") == label["wording"]
            and excerpts[label["statement"]] in p.excerpt
            for p in statements
        )

    labels = entry["statements"]
    quoted = [label for label in labels if label["wording"] == "quotation"]
    paraphrased = {label["paragraph"] for label in labels if label["wording"] == "paraphrase"}
    marked = {p.paragraph for p in statements if p.fields.get("wording") != "paraphrase"}
    statement_score = Score(expected=len(labels), proposed=len(statements))
    statement_score.correct = sum(found(label) for label in labels)
    statement_score.notes = [
        f"seed ¶{label['paragraph']}: missed {label['wording']} by {label['speaker']}"
        for label in labels
        if not found(label)
    ]
    return Seed(
        kilobytes=path.stat().st_size / 1000,
        milliseconds=milliseconds,
        stated=stated,
        quotations=(sum(found(label) for label in quoted), len(quoted)),
        paraphrases=(len(paraphrased - marked), len(paraphrased)),
        statements=statement_score,
        dates=dates,
    )


def _large(paths: list[Path], lexicon: Lexicon) -> list[tuple[str, float, int, float, float]]:
    """Each large input (built in memory, never written) as its name, size in MB, paragraphs,
    and the seconds of the figures rules and of the whole ``extract()``, one run each."""
    from policies.intake.extract import Document, extract
    from policies.intake.extract.figures import find_figures
    from policies.models.excerpts import paragraph_split

    paragraphs = [p for path in paths for p in paragraph_split(path.read_text(encoding="utf-8"))]
    rows = []
    for name, size, single in LARGE:
        built = _built(paragraphs, size, single)
        document = Document(built, "zh", datetime.date(2023, 3, 5))
        _, figures = _timed(partial(find_figures, document, lexicon), runs=1)
        _, whole = _timed(partial(extract, document, lexicon), runs=1)
        megabytes = sum(len(p.encode()) for p in built) / MB
        rows.append((name, megabytes, len(built), figures / 1000, whole / 1000))
    return rows


def _built(paragraphs: list[str], size: int, single: bool) -> tuple[str, ...]:
    """``paragraphs`` repeated to about ``size`` bytes: as they are, or run together into
    one paragraph."""
    repeats = size // sum(len(p.encode()) for p in paragraphs) + 1
    if not single:
        built: list[str] = []
        for paragraph in paragraphs * repeats:
            if size <= 0:
                break
            built.append(paragraph)
            size -= len(paragraph.encode())
        return tuple(built)
    text = "".join(paragraphs) * repeats
    return (text[: len(text) * size // len(text.encode())],)


if __name__ == "__main__":
    main()
