"""Several editors decide on one source's proposals at once, each a process with its own
connection: a proposal is decided once (the others are told it was decided meanwhile), and
every other decision lands."""

import json
import subprocess
import sys
import time

import pytest

from tests.processes import ROOT, manage, own_database, production_env

pytestmark = pytest.mark.server

EDITORS = 4

PREPARE = """
import datetime, json
from django.contrib.auth import get_user_model
from policies.models import Proposal, Source
report = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
draft = Source.objects.create(
    slug="draft-copy", title=report.title, publisher=report.publisher, kind=report.kind,
    tier=report.tier, language="fr", published_on=datetime.date(2022, 1, 17),
    text=report.text, status="draft",
)
users, ids = [], []
for n in range(EDITORS + 1):
    get_user_model().objects.create_user(f"editor{n}", password="a-long-test-password-42")
for paragraph in (2, 3, 5, 1, 6):
    text = draft.paragraphs[paragraph - 1]
    ids.append(Proposal.objects.create(
        source=draft, kind="statement", paragraph=paragraph, start=0, excerpt=text[:40],
        confidence=0.9, rule="test", fields={"speaker": "xi-jinping", "speaker_matched": True},
    ).pk)
print(json.dumps(ids))
"""

DECIDE = """
import json, time
from django.contrib.auth import get_user_model
from policies.intake import proposals
from policies.models import Proposal
user = get_user_model().objects.get(username="editor{n}")
shared, own, start = {shared}, {own}, {start}
time.sleep(max(0, start - time.time()))
outcome = {{}}
for pk in (shared, own):
    try:
        proposals.accept(Proposal.objects.get(pk=pk), user=user)
        outcome[pk] = "accepted"
    except proposals.DecisionError as error:
        outcome[pk] = str(error)
print(json.dumps(outcome))
"""


@pytest.mark.django_db
def test_a_proposal_is_decided_once_whoever_clicks_at_the_same_time(tmp_path):
    with own_database(tmp_path) as url:
        env = production_env(tmp_path, DATABASE_URL=url, DJANGO_LOG_LEVEL="WARNING")
        for command in (["migrate", "--noinput", "-v", "0"], ["load_seeds"]):
            done = manage(env, *command)
            assert done.returncode == 0, done.stderr
        prepared = manage(env, "shell", "-c", PREPARE.replace("EDITORS", str(EDITORS)))
        assert prepared.returncode == 0, prepared.stderr
        shared, *own = json.loads(prepared.stdout.strip().splitlines()[-1])
        # Each process starts Django first, then all decide at the same moment.
        start = time.time() + 6
        editors = [
            subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "shell",
                    "-c",
                    DECIDE.format(n=n, shared=shared, own=own[n], start=start),
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(EDITORS)
        ]
        outcomes = []
        for editor in editors:
            out, err = editor.communicate(timeout=120)
            assert editor.returncode == 0, err
            outcomes.append(json.loads(out.strip().splitlines()[-1]))
        on_shared = [o[str(shared)] for o in outcomes]
        assert on_shared.count("accepted") == 1, on_shared
        assert all("meanwhile" in o for o in on_shared if o != "accepted"), on_shared
        assert all(o[str(pk)] == "accepted" for o, pk in zip(outcomes, own, strict=True))
        counted = manage(
            env, "shell", "-c",
            "from policies.models import Statement, Proposal;"
            "print(Statement.objects.filter(source__slug='draft-copy').count(),"
            " Proposal.objects.filter(state='accepted', statement__isnull=False).count())",
        )  # fmt: skip
        assert counted.stdout.strip().splitlines()[-1].split() == [str(EDITORS + 1)] * 2
