"""`make eval-extraction`: run the extraction assistant on the Government Work Reports and
the seed report, compare its proposals with bench/extraction_labels.yaml, write EVALUATION.md.

It builds a throw-away SQLite database (migrated, seeds loaded) for the lexicon, reads each
report from the corpus folder (../shared/corpus/government-work-reports by default), and
times ``extract()`` on each document (the median of three runs). Facts only go into
EVALUATION.md: no text of the documents.

    .venv/bin/python bench/eval_extraction.py --corpus ../shared/corpus/government-work-reports
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from policies.intake.extract.shapes import Lexicon, Proposed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "government-work-reports"
COMMAND = "make eval-extraction"
GOAL = 0.9
SPEED_GOAL_MS = 1000
RUNS = 3

Fact = tuple[int, str, Decimal, str, int]  # paragraph, indicator, value, qualifier, year


@dataclass
class Score:
    """Proposals judged against labels: ``correct`` of ``proposed`` match one of
    ``expected`` labels; ``unjudged`` name no indicator the tracker holds."""

    expected: int = 0
    proposed: int = 0
    correct: int = 0
    unjudged: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.expected += other.expected
        self.proposed += other.proposed
        self.correct += other.correct
        self.unjudged += other.unjudged
        self.notes += other.notes

    @property
    def precision(self) -> float | None:
        return self.correct / self.proposed if self.proposed else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.expected if self.expected else None


@dataclass
class Report:
    year: int
    kilobytes: float
    milliseconds: float
    targets: Score
    observations: Score


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
    text = _markdown(reports, seed)
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


def _extract(
    paragraphs: tuple[str, ...], language: str, published: datetime.date, lexicon: Lexicon
) -> tuple[list[Proposed], float]:
    """The proposals for a document, and the median time of ``RUNS`` runs in ms."""
    from policies.intake.extract import Document, extract

    document = Document(paragraphs=paragraphs, language=language, published=published)
    times: list[float] = []
    proposals: list[Proposed] = []
    for _ in range(RUNS):
        started = time.perf_counter()
        proposals = extract(document, lexicon)
        times.append((time.perf_counter() - started) * 1000)
    return proposals, statistics.median(times)


def _report(entry: dict[str, Any], path: Path, lexicon: Lexicon) -> Report:
    from policies.models.excerpts import paragraph_split

    text = path.read_text(encoding="utf-8")
    year = entry["year"]
    proposals, milliseconds = _extract(
        tuple(paragraph_split(text)), "zh", datetime.date(year, 3, 5), lexicon
    )
    figures = [p for p in proposals if p.kind in ("target", "observation")]
    targets = _score(
        figures, "target", set(entry["target_paragraphs"]), entry["targets"], year, year
    )
    observations = _score(
        figures,
        "observation",
        set(entry["result_paragraphs"]),
        entry["observations"],
        year,
        year - 1,
    )
    return Report(year, len(text.encode()) / 1000, milliseconds, targets, observations)


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
    report: int,
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
            score.notes.append(f"{report} ¶{fact[0]}: proposed {proposal.kind} {_show(fact)}")
    score.notes += [f"{report} ¶{fact[0]}: missed {kind} {_show(fact)}" for fact in remaining]
    return score


def _show(fact: Fact) -> str:
    _, indicator, value, qualifier, year = fact
    return f"{indicator} = {value} ({qualifier}, {year or 'no year'})"


@dataclass
class Seed:
    kilobytes: float
    milliseconds: float
    quotations: tuple[int, int]  # direct quotations found with speaker and exact excerpt, of
    paraphrases: tuple[int, int]  # paraphrased paragraphs with nothing marked a quotation, of
    statements: Score
    dates: Score


def _seed_report(entry: dict[str, Any], lexicon: Lexicon) -> Seed:
    from policies.models.excerpts import paragraph_split

    text = (ROOT / entry["source"]).read_text(encoding="utf-8")
    seeds = yaml.safe_load((ROOT / "seeds/records/statements.yaml").read_text(encoding="utf-8"))
    excerpts = {record["slug"]: record["excerpt"] for record in seeds}
    proposals, milliseconds = _extract(
        tuple(paragraph_split(text)), entry["language"], entry["published"], lexicon
    )
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
    dates = [p for p in proposals if p.kind == "date"]
    expected = {(d["paragraph"], str(d["resolved"]), d["granularity"]) for d in entry["dates"]}
    got = [(p.paragraph, p.fields.get("resolved"), p.fields.get("granularity")) for p in dates]
    date_score = Score(expected=len(expected), proposed=len(got), correct=len(expected & set(got)))
    date_score.notes = [
        f"seed ¶{d[0]}: proposed date {d[1]} ({d[2]})" for d in got if d not in expected
    ]
    date_score.notes += [
        f"seed ¶{d[0]}: missed date {d[1]} ({d[2]})" for d in expected if d not in got
    ]
    return Seed(
        kilobytes=len(text.encode()) / 1000,
        milliseconds=milliseconds,
        quotations=(sum(found(label) for label in quoted), len(quoted)),
        paraphrases=(len(paraphrased - marked), len(paraphrased)),
        statements=statement_score,
        dates=date_score,
    )


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _met(*values: float | None) -> str:
    return "met" if all(v is not None and v >= GOAL for v in values) else "**not met**"


def _machine() -> list[str]:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Machine: {cpus} CPUs (`nproc`), {model}",
        f"- Python {platform.python_version()} ({platform.system()} {platform.machine()})",
    ]


def _markdown(reports: list[Report], seed: Seed) -> str:
    targets, observations = Score(), Score()
    for report in reports:
        targets.add(report.targets)
        observations.add(report.observations)
    slowest = max(reports, key=lambda r: r.milliseconds)
    lines = [
        "# Extraction: evaluation",
        "",
        f"Written by `{COMMAND}` (`.venv/bin/python bench/eval_extraction.py --corpus "
        "../shared/corpus/government-work-reports`), which runs the extraction pipeline "
        "(`policies.intake.extract.extract`, the rules path) on the State Council's Government "
        "Work Reports 2021–2025 (the corpus, not in this repository) and on the seed report, "
        "and compares its proposals with the labels in `bench/extraction_labels.yaml` (facts "
        "only: paragraph, indicator, value, qualifier, year).",
        "",
        "**Read these figures as fit, not as a forecast.** The rules were developed on these "
        "same six documents: there is no held-out set yet. A new kind of document (a "
        "ministry's plan, an English wire) will score lower until it is labelled and the "
        "rules are extended; the proposals and decisions that editors make in the review "
        "page are kept for that.",
        "",
        *_machine(),
        "",
        "## Targets and results in the Government Work Reports",
        "",
        "A proposal is correct when its kind, paragraph, indicator, value, qualifier and year "
        "all match a label. Precision counts every figure proposed in the labelled paragraphs "
        "(targets in each report's target paragraph, results in its review paragraphs); a "
        "result of an indicator the tracker does not hold (fiscal revenue, foreign-exchange "
        "reserves, ...) names no indicator a label could match, and is counted apart as "
        "*not judged*. Time: the median of three runs of `extract()` on the whole report.",
        "",
        "| report | size | targets: precision | recall | results: precision | recall "
        "| results not judged | time |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in reports:
        lines.append(
            f"| {r.year} | {r.kilobytes:.1f} kB | {_ratio(r.targets.precision)} "
            f"({r.targets.correct}/{r.targets.proposed}) | {_ratio(r.targets.recall)} "
            f"({r.targets.correct}/{r.targets.expected}) | {_ratio(r.observations.precision)} "
            f"({r.observations.correct}/{r.observations.proposed}) | "
            f"{_ratio(r.observations.recall)} ({r.observations.correct}/"
            f"{r.observations.expected}) | {r.observations.unjudged} | {r.milliseconds:.0f} ms |"
        )
    lines += [
        f"| **all** | | **{_ratio(targets.precision)}** | **{_ratio(targets.recall)}** | "
        f"**{_ratio(observations.precision)}** | **{_ratio(observations.recall)}** | "
        f"{observations.unjudged} | |",
        "",
        f"- Goal, targets: precision and recall ≥ {GOAL}: "
        f"{_met(targets.precision, targets.recall)}.",
        f"- Goal, results: precision and recall ≥ {GOAL}: "
        f"{_met(observations.precision, observations.recall)}.",
        f"- Goal, speed: under {SPEED_GOAL_MS} ms for a 55 kB report: slowest "
        f"{slowest.milliseconds:.0f} ms ({slowest.year}, {slowest.kilobytes:.1f} kB): "
        f"{'met' if slowest.milliseconds < SPEED_GOAL_MS else '**not met**'}.",
        "",
        "## The seed report",
        "",
        f"`seeds/sources/` (French, {seed.kilobytes:.1f} kB, {seed.milliseconds:.0f} ms). A "
        "statement is found when a proposal in its paragraph has its speaker and wording and "
        "its excerpt holds the seed statement's excerpt (seeds/records/statements.yaml).",
        "",
        "| measure | found | of |",
        "|---|---:|---:|",
        f"| Xi's direct quotations, with speaker and exact excerpt | {seed.quotations[0]} | "
        f"{seed.quotations[1]} |",
        f"| paraphrased paragraphs with nothing marked a quotation | {seed.paraphrases[0]} | "
        f"{seed.paraphrases[1]} |",
        f"| statements (every wording) | {seed.statements.correct} | {seed.statements.expected} |",
        f"| dates resolved (day) | {seed.dates.correct} | {seed.dates.expected} |",
        "",
        f"Statements: precision {_ratio(seed.statements.precision)} "
        f"({seed.statements.correct}/{seed.statements.proposed}), recall "
        f"{_ratio(seed.statements.recall)}. Dates: precision {_ratio(seed.dates.precision)} "
        f"({seed.dates.correct}/{seed.dates.proposed}), recall {_ratio(seed.dates.recall)}.",
        "",
        "## What was missed or wrong (facts only)",
        "",
    ]
    notes = targets.notes + observations.notes + seed.statements.notes + seed.dates.notes
    lines += [f"- {note}" for note in notes] or ["Nothing."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
