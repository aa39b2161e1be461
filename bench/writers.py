"""Editors at work: processes that change statements at the same time, for the concurrency
test (tests/properties/test_concurrency.py) and `make loadtest` (LOADTEST_WRITERS).

Each editor is a process of its own, with its own database connection, signed in as a user of
its own. It changes random statements through the admin, as a person does: it opens a
statement (reads the change form's values and the version they were read at), waits a moment
as a person types, and posts the form with new themes, sectors, status, dates and notes. Now
and then it deletes one. The importer re-imports a few statements at a time from a CSV file
(new themes), through `import_records`, beside them. Every attempt is one line of JSON on
stdout; `verify` reads them back and checks them against the change history.

    python bench/writers.py prepare --editors 4          # the editors' accounts
    python bench/writers.py edit --editor 1 --changes 100 --seed 1 > editor-1.jsonl
    python bench/writers.py import --rounds 5 --seed 9 > importer.jsonl
    python bench/writers.py verify editor-*.jsonl importer.jsonl

Run with the app's environment (DATABASE_URL, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS including
``testserver``, DJANGO_HTTPS=0). Only statements marked synthetic are changed: never point it
at a database readers use.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

EDITOR = "concurrent-editor-{}"
# The share of changes that delete the statement instead of editing it, and of those made
# as a script does (the ORM, in one transaction) rather than through the admin's form.
DELETE_SHARE = 0.04
SCRIPT_SHARE = 0.3
# The longest an editor "types" between opening a statement and saving it, in seconds.
TYPING = 0.03


def setup() -> None:
    import django

    django.setup()


def emit(**fields: Any) -> None:
    print(json.dumps(fields, default=str), flush=True)


def prepare(editors: int) -> None:
    """Accounts for ``editors`` editors (superusers, so that they may delete)."""
    from django.contrib.auth import get_user_model

    users = get_user_model()
    for n in range(1, editors + 1):
        user, _created = users.objects.get_or_create(username=EDITOR.format(n))
        user.is_staff = user.is_superuser = True
        user.set_unusable_password()
        user.save()


def pool(size: int, rng: random.Random) -> list[int]:
    """The statements an editor picks from: ``size`` synthetic ones, the same for every
    editor (the lowest ids), so that they meet on the same records."""
    from policies.models import Statement

    ids = list(
        Statement.objects.filter(synthetic=True).order_by("pk").values_list("pk", flat=True)
    )
    return ids[:size] if size else ids


def opened(statement: Any, user: Any) -> dict[str, Any]:
    """The change form's values as the page shows them (its version included)."""
    from django.contrib import admin
    from django.test import RequestFactory

    model_admin = admin.site._registry[type(statement)]
    request = RequestFactory().get("/")
    request.user = user
    form = model_admin.get_form(request, statement, change=True)(instance=statement)
    data = {name: form[name].value() for name in form.fields}
    return {name: "" if value is None else value for name, value in data.items()}


def edited(data: dict[str, Any], rng: random.Random, themes: list[int], sectors: list[int]):
    """The form's values with a random set of changes: what an editor might do to it."""
    data = dict(data)
    data["themes"] = rng.sample(themes, rng.randint(1, min(3, len(themes))))
    data["sectors"] = rng.sample(sectors, rng.randint(0, min(2, len(sectors))))
    if rng.random() < 0.3:
        data["status"] = "draft" if data["status"] == "published" else "published"
    if rng.random() < 0.3:
        published = datetime.date(2012, 1, 1) + datetime.timedelta(days=rng.randint(0, 5000))
        data["published_on"] = published
        data["delivered_on"] = published - datetime.timedelta(days=rng.randint(0, 30))
    return data


def edit(
    editor: int, changes: int, seconds: float, seed: int, pool_size: int, pause: float = 0
) -> None:
    """Up to ``changes`` saves (or ``seconds``), each one admin request; one JSON line each."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from policies.models import Sector, Statement, Theme

    rng = random.Random(seed)  # noqa: S311 (load, not secrets)
    user = get_user_model().objects.get(username=EDITOR.format(editor))
    client = Client()
    client.force_login(user)
    ids = pool(pool_size, rng)
    themes = list(Theme.objects.values_list("pk", flat=True))
    sectors = list(Sector.objects.values_list("pk", flat=True))
    until = time.monotonic() + seconds
    for n in range(changes):
        if time.monotonic() > until:
            break
        time.sleep(rng.uniform(0, 2 * pause))  # on average ``pause``
        pk = rng.choice(ids)
        statement = Statement.objects.filter(pk=pk).first()
        if statement is None:
            continue  # deleted by someone: pick another
        token = f"editor {editor}, change {n}"
        started = time.perf_counter()
        try:
            if rng.random() < DELETE_SHARE:
                url = reverse("admin:policies_statement_delete", args=[pk])
                response = client.post(url, {"post": "yes"})
                outcome = "deleted" if response.status_code == 302 else "error"
                emit(op="delete", pk=pk, outcome=outcome, status=response.status_code)
                continue
            if rng.random() < SCRIPT_SHARE:
                changed = scripted(statement, rng, themes, sectors)
                emit(op="script", pk=pk, outcome="saved" if changed else "gone")
                continue
            data = opened(statement, user)
            seen = data["seen_version"]  # the version the form carries, as it was opened
            time.sleep(rng.random() * TYPING)
            data = edited(data, rng, themes, sectors) | {"notes": token}
            url = reverse("admin:policies_statement_change", args=[pk])
            response = client.post(url, data)
            body = response.content.decode() if response.status_code != 302 else ""
            if response.status_code == 302:
                gone = response["Location"] != reverse("admin:policies_statement_changelist")
                outcome = "gone" if gone else "saved"
            elif "after you opened it" in body:
                outcome = "refused"
            elif "try again" in body.lower():
                outcome = "busy"
            else:
                outcome = "error"
            emit(
                op="edit",
                pk=pk,
                seen=seen,
                token=token,
                outcome=outcome,
                status=response.status_code,
                ms=round((time.perf_counter() - started) * 1000, 1),
                detail=_errors(body) if outcome == "error" else "",
            )
        except Exception as error:  # reported, not hidden: it fails the run
            emit(op="edit", pk=pk, outcome="error", error=repr(error), trace=_trace())


def scripted(statement: Any, rng: random.Random, themes: list[int], sectors: list[int]) -> bool:
    """The change a maintenance script makes: tags, status and date, in one transaction.
    False if the statement was deleted before the script could lock it (another editor's
    delete won: nothing to change)."""
    from policies.writes import retrying

    def change() -> bool:
        # Locked, then read: a delete committed meanwhile is seen here, and one that comes
        # later waits for this transaction (a save of an unlocked, deleted row would
        # silently insert it again).
        current = type(statement).objects.select_for_update().filter(pk=statement.pk).first()
        if current is None:
            return False
        if rng.random() < 0.5:
            current.status = "draft" if current.status == "published" else "published"
        current.published_on = datetime.date(2012, 1, 1) + datetime.timedelta(
            days=rng.randint(0, 5000)
        )
        current.delivered_on = None
        current.save()
        current.themes.set(rng.sample(themes, rng.randint(1, min(3, len(themes)))))
        current.sectors.set(rng.sample(sectors, rng.randint(0, min(2, len(sectors)))))
        return True

    return retrying(change)


def _errors(body: str) -> str:
    # The form's error list, when the admin answered 200 with one.
    start = body.find('class="errornote"')
    return body[start : start + 600] if start >= 0 else body[:300]


def _trace() -> str:
    # The innermost frames and the first cause: enough to tell a lock from a bug.
    return traceback.format_exc(limit=-4, chain=False)[-1500:]


def import_rounds(rounds: int, seed: int, pool_size: int, batch: int, pause: float) -> None:
    """``rounds`` imports of ``batch`` statements from the pool with new themes."""
    from django.core.management import call_command

    from policies.models import Theme

    rng = random.Random(seed)  # noqa: S311 (load, not secrets)
    ids = pool(pool_size, rng)
    themes = list(Theme.objects.values_list("slug", flat=True))
    for n in range(rounds):
        rows = _exported(rng.sample(ids, min(batch, len(ids))))
        if not rows:
            continue
        for row in rows:
            row["themes"] = "|".join(rng.sample(themes, rng.randint(1, 3)))
            row["notes"] = f"importer, round {n}"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "statements.csv"
            with path.open("w", newline="") as file:
                writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\r\n")
                writer.writeheader()
                writer.writerows(rows)
            out, err = io.StringIO(), io.StringIO()
            started = time.perf_counter()
            try:
                call_command("import_records", str(path), stdout=out, stderr=err)
                outcome = "imported"
            except Exception as error:  # reported: it fails the run
                outcome, err = "error", io.StringIO(repr(error) + "\n" + _trace())
            emit(
                op="import",
                slugs=[row["slug"] for row in rows],
                outcome=outcome,
                ms=round((time.perf_counter() - started) * 1000, 1),
                detail=err.getvalue()[-800:],
            )
            time.sleep(pause)


def _exported(ids: list[int]) -> list[dict[str, str]]:
    """These statements as the export writes them (drafts too): rows to import back."""
    from policies.data_io.schema import RECORD_KINDS
    from policies.data_io.streaming import export_stream
    from policies.models import Statement

    records = Statement.objects.filter(pk__in=ids)
    exported = "".join(
        export_stream(RECORD_KINDS["statements"], records, "csv", include_drafts=True)
    )
    return list(csv.DictReader(io.StringIO(exported)))


def attempts(paths: list[str]) -> Iterator[dict[str, Any]]:
    for path in paths:
        for line in Path(path).read_text().splitlines():
            if line.startswith("{"):
                yield json.loads(line)


def verify(paths: list[str]) -> dict[str, Any]:
    """What the attempts came to, checked against the change history.

    A save that landed must have been made on the version before it (no lost update); a
    refused save must have had a newer version to lose to. Deleted and "gone" statements
    must be absent (unless an import brought them back).
    """
    from collections import Counter

    from policies.models import Statement

    history = Statement.history.model
    outcomes: Counter[str] = Counter()
    problems: list[str] = []
    for attempt in attempts(paths):
        outcomes[f"{attempt['op']} {attempt['outcome']}"] += 1
        if attempt["outcome"] in {"error", "busy"}:
            problems.append(f"{attempt['op']} failed: {attempt}")
            continue
        if attempt["op"] != "edit":
            continue
        pk, seen, token = attempt["pk"], attempt["seen"], attempt["token"]
        rows = history.objects.filter(id=pk).order_by("history_id")
        mine = rows.filter(notes=token).order_by("history_id").first()
        if attempt["outcome"] == "saved":
            if mine is None:
                problems.append(f"saved but not in the history: {attempt}")
                continue
            before = rows.filter(history_id__lt=mine.history_id).last()
            # Records made without history (the synthetic data) start at version 0.
            previous = before.history_id if before else 0
            if previous != seen:
                problems.append(
                    f"lost update: {token} on statement {pk} was made on version {seen}, "
                    f"but version {previous} came between"
                )
        elif attempt["outcome"] == "refused":
            if mine is not None:
                problems.append(f"refused but written: {attempt}")
            if not rows.filter(history_id__gt=seen).exists():
                problems.append(f"refused with nothing newer to lose to: {attempt}")
    return {
        "outcomes": dict(sorted(outcomes.items())),
        "problem_count": len(problems),
        "problems": problems[:10],
        "statements": Statement.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("prepare")
    p.add_argument("--editors", type=int, default=4)
    e = commands.add_parser("edit")
    e.add_argument("--editor", type=int, required=True)
    e.add_argument("--changes", type=int, default=100)
    e.add_argument("--seconds", type=float, default=3600)
    e.add_argument("--seed", type=int, default=1)
    e.add_argument("--pool", type=int, default=0, help="Statements to pick from (0: all).")
    e.add_argument("--pause", type=float, default=0, help="Seconds between changes, on average.")
    i = commands.add_parser("import")
    i.add_argument("--rounds", type=int, default=5)
    i.add_argument("--pause", type=float, default=0, help="Seconds between rounds.")
    i.add_argument("--seed", type=int, default=1)
    i.add_argument("--pool", type=int, default=0)
    i.add_argument("--batch", type=int, default=10)
    v = commands.add_parser("verify")
    v.add_argument("reports", nargs="+")
    args = parser.parse_args()
    setup()
    if args.command == "prepare":
        prepare(args.editors)
    elif args.command == "edit":
        edit(args.editor, args.changes, args.seconds, args.seed, args.pool, args.pause)
    elif args.command == "import":
        import_rounds(args.rounds, args.seed, args.pool, args.batch, args.pause)
    else:
        summary = verify(args.reports)
        print(json.dumps(summary, indent=2))
        sys.exit(1 if summary["problems"] else 0)


if __name__ == "__main__":
    main()
