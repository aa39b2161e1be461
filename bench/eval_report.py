"""The shapes `make eval-extraction` scores with, and how it writes them as EVALUATION.md
(bench/eval_extraction.py runs the documents; this module only formats)."""

from __future__ import annotations

import datetime
import os
import platform
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

COMMAND = "make eval-extraction"
GOAL = 0.9
SPEED_GOAL_MS = 1000
DATES = ("labels", "stated")  # the labels' date, the date the document states

Fact = tuple[int, str, Decimal, str, int]  # paragraph, indicator, value, qualifier, year


@dataclass
class Score:
    """Proposals judged against labels: ``correct`` of ``proposed`` match one of
    ``expected`` labels; ``unjudged`` are counted apart (see where each score is made)."""

    expected: int = 0
    proposed: int = 0
    correct: int = 0
    unjudged: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("expected", "proposed", "correct", "unjudged", "notes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float | None:
        return self.correct / self.proposed if self.proposed else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.expected if self.expected else None


@dataclass
class Judged:
    """One report, read with one date: the labelled paragraphs' targets and results, and
    every figure in the document (``outside``: how many lie outside labelled paragraphs)."""

    targets: Score = field(default_factory=Score)
    observations: Score = field(default_factory=Score)
    document: Score = field(default_factory=Score)
    figures: int = 0
    outside: int = 0

    def add(self, other: Judged) -> None:
        for score in ("targets", "observations", "document"):
            getattr(self, score).add(getattr(other, score))
        self.figures += other.figures
        self.outside += other.outside


@dataclass
class Report:
    year: int
    kilobytes: float
    milliseconds: float
    stated: datetime.date | None
    judged: dict[str, Judged]


@dataclass
class Seed:
    kilobytes: float
    milliseconds: float
    stated: datetime.date | None
    quotations: tuple[int, int]  # direct quotations found with speaker and exact excerpt, of
    paraphrases: tuple[int, int]  # paraphrased paragraphs with nothing marked a quotation, of
    statements: Score
    dates: dict[str, Score]


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


_INTRO = """# Extraction: evaluation

Written by `{command}` (`.venv/bin/python bench/eval_extraction.py --corpus
../shared/corpus/government-work-reports`), which reads the State Council's Government Work
Reports 2021–2025 (the corpus, not in this repository) and the seed report as an upload is read
(`policies.intake.documents.read_upload`), runs the extraction pipeline on them
(`policies.intake.extract.extract`, the rules path), and compares its proposals with the labels
in `bench/extraction_labels.yaml` (facts only: paragraph, indicator, value, qualifier, year).

**Read these figures as fit, not as a forecast.** The rules were developed on these same six
documents: there is no held-out set yet. A new kind of document (a ministry's plan, an English
wire) will score lower until it is labelled and the rules are extended; the proposals and
decisions that editors make in the review page are kept for that.

{machine}

## Targets and results in the Government Work Reports

Each report is run twice: with the **labels' date** (5 March of its year, the day it was
delivered), and with the **date it states**, as an editor's upload is dated (read from its
dateline in {read} of {reports} reports; a report without one runs undated, and takes its years
from its section headings where it can).

*In the labelled paragraphs* (targets in each report's target paragraph, results in its review
paragraphs): a proposal is correct when its kind, paragraph, indicator, value, qualifier and year
all match a label. Precision counts every figure proposed there; a result of an indicator the
tracker does not hold (fiscal revenue, foreign-exchange reserves, ...) names no indicator a label
could match, and is counted apart as *not judged*.

*In the whole document*: every target and result proposed anywhere in the report. A proposal is
judged where a label exists for its paragraph and indicator; any other is *unlabelled*, neither
right nor wrong, and most of those lie outside the labelled paragraphs (the reports' other
figures: fiscal, trade, poverty, ...): nobody has checked them. Time: the median of three runs of
`extract()` on the whole report.

"""
_LARGE = """## Large inputs

Built in memory from the five reports' paragraphs repeated (never written to disk), dated
2023-03-05: run together into one paragraph, or as the reports' own paragraphs. One run each;
reading the file (`read_upload`) is not timed. The figures rules cut a sentence longer than 2,000
characters at its clause marks and look each number's cues up in its own clause, so their time
grows with the text; the whole pipeline's time is mostly the other rules'.

| input | size | paragraphs | figures rules | whole `extract()` |
|---|---:|---:|---:|---:|
"""
_SEED = """## The seed report

`seeds/sources/` (French, {kilobytes:.1f} kB, {milliseconds:.0f} ms; date stated: {stated}). A
statement is found when a proposal in its paragraph has its speaker and wording and its excerpt
holds the seed statement's excerpt (seeds/records/statements.yaml).

| measure | found | of |
|---|---:|---:|
| Xi's direct quotations, with speaker and exact excerpt | {quotations[0]} | {quotations[1]} |
| paraphrased paragraphs with nothing marked a quotation | {paraphrases[0]} | {paraphrases[1]} |
| statements (every wording) | {statements.correct} | {statements.expected} |
| dates resolved (day), labels' date | {labels.correct} | {labels.expected} |
| dates resolved (day), date stated | {dated.correct} | {dated.expected} |

Statements: precision {statement_precision} ({statements.correct}/{statements.proposed}), recall
{statement_recall}. Dates (labels' date): precision {date_precision} ({labels.correct}/\
{labels.proposed}), recall {date_recall}.

## What was missed or wrong (facts only)

"""


def _markdown(
    reports: list[Report], seed: Seed, large: list[tuple[str, float, int, float, float]]
) -> str:
    totals = {dated: Judged() for dated in DATES}
    for report in reports:
        for dated, judged in report.judged.items():
            totals[dated].add(judged)
    read = sum(r.stated is not None for r in reports)
    text = _INTRO.format(
        command=COMMAND, machine="\n".join(_machine()), read=read, reports=len(reports)
    )
    for dated in DATES:
        text += "\n".join(_table(reports, dated, totals[dated])) + "\n"
    slowest = max(reports, key=lambda r: r.milliseconds)
    for dated, name in (("labels", "the labels' date"), ("stated", "the date stated")):
        total = totals[dated]
        text += (
            f"- Goal with {name}: precision and recall ≥ {GOAL}: targets "
            f"{_met(total.targets.precision, total.targets.recall)}, results "
            f"{_met(total.observations.precision, total.observations.recall)}.\n"
        )
    text += (
        f"- Goal, speed: under {SPEED_GOAL_MS} ms for a 55 kB report: slowest "
        f"{slowest.milliseconds:.0f} ms ({slowest.year}, {slowest.kilobytes:.1f} kB): "
        f"{'met' if slowest.milliseconds < SPEED_GOAL_MS else '**not met**'}.\n\n"
    )
    text += _LARGE + "".join(
        f"| {name} | {size:.2f} MB | {count} | {figures:.2f} s | {whole:.2f} s |\n"
        for name, size, count, figures, whole in large
    )
    labels = seed.dates["labels"]
    text += "\n" + _SEED.format(
        kilobytes=seed.kilobytes,
        milliseconds=seed.milliseconds,
        stated=seed.stated or "none read",
        quotations=seed.quotations,
        paraphrases=seed.paraphrases,
        statements=seed.statements,
        labels=labels,
        dated=seed.dates["stated"],
        statement_precision=_ratio(seed.statements.precision),
        statement_recall=_ratio(seed.statements.recall),
        date_precision=_ratio(labels.precision),
        date_recall=_ratio(labels.recall),
    )
    notes = [
        *(note for dated in DATES for note in totals[dated].targets.notes),
        *(note for dated in DATES for note in totals[dated].observations.notes),
        *seed.statements.notes,
        *(note for score in seed.dates.values() for note in score.notes),
    ]
    return text + ("\n".join(f"- {note}" for note in notes) or "Nothing.") + "\n"


def _table(reports: list[Report], dated: str, total: Judged) -> list[str]:
    title = "With the labels' date" if dated == "labels" else "With the date the report states"
    lines = [
        f"### {title}",
        "",
        "| report | date | targets: precision | recall | results: precision | recall | "
        "results not judged | whole document: figures | judged: precision | unlabelled "
        "(outside labelled ¶) | time |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in reports:
        j = r.judged[dated]
        date = f"{r.year}-03-05" if dated == "labels" else (r.stated or "none read")
        lines.append(
            f"| {r.year} | {date} | {_ratio(j.targets.precision)} ({j.targets.correct}/"
            f"{j.targets.proposed}) | {_ratio(j.targets.recall)} ({j.targets.correct}/"
            f"{j.targets.expected}) | {_ratio(j.observations.precision)} "
            f"({j.observations.correct}/{j.observations.proposed}) | "
            f"{_ratio(j.observations.recall)} ({j.observations.correct}/"
            f"{j.observations.expected}) | {j.observations.unjudged} | {j.figures} | "
            f"{_ratio(j.document.precision)} ({j.document.correct}/{j.document.proposed}) | "
            f"{j.document.unjudged} ({j.outside}) | {r.milliseconds:.0f} ms |"
        )
    t = total
    lines += [
        f"| **all** | | **{_ratio(t.targets.precision)}** | **{_ratio(t.targets.recall)}** | "
        f"**{_ratio(t.observations.precision)}** | **{_ratio(t.observations.recall)}** | "
        f"{t.observations.unjudged} | {t.figures} | **{_ratio(t.document.precision)}** "
        f"({t.document.correct}/{t.document.proposed}) | {t.document.unjudged} ({t.outside}) | |",
        "",
    ]
    return lines
