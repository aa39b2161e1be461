"""Atom feeds: saved searches, and target status changes."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from policies.models import Observation, Source, Target
from policies.progress import Status
from policies.web.feeds import status_changes
from tests.factories import StatementFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, path: str, **params) -> list[ET.Element]:
    response = client.get(path, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")  # noqa: S314 (our own feed)


def test_statements_feed_honours_the_filters(seeded, client):
    assert len(entries(client, "/feeds/statements.atom")) == 8
    titles = [
        e.find(f"{ATOM}title").text for e in entries(client, "/feeds/statements.atom", sector="6g")
    ]
    assert titles == [
        "The State Council's plan aims to raise the digital economy's share of GDP through "
        "6G and big data centres"
    ]
    entry = entries(client, "/feeds/statements.atom", q="big but not strong")[0]
    assert "grande mais pas forte" in entry.find(f"{ATOM}summary").text
    assert entry.find(f"{ATOM}published").text.startswith("2022-01-15")
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Xi Jinping"


def test_statements_feed_hides_drafts(seeded, client):
    report = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
    StatementFactory(
        status="draft",
        headline="Secret draft",
        source=report,
        paragraph=3,
        excerpt="grande mais pas forte",
    )
    assert "Secret draft" not in client.get("/feeds/statements.atom").content.decode()


def test_bad_filters_answer_400(seeded, client):
    response = client.get("/feeds/statements.atom", {"theme": "nope"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"theme": ["Unknown theme: “nope”."]}
    assert client.get("/feeds/targets.atom", {"date_before": "soon"}).status_code == 400


def test_status_changes_replay_verified_figures(seeded):
    changes = status_changes(targets=Target.objects.all())
    # 2020 is the baseline (no data yet); 2023 makes it on track; 2024 is unverified.
    assert [(c.target.slug, c.year, c.previous, c.status) for c in changes] == [
        ("core-industries-share-of-gdp", 2023, Status.NO_DATA, Status.ON_TRACK)
    ]
    target = Target.objects.get(slug="core-industries-share-of-gdp")
    Observation.objects.create(
        target=target,
        year=2025,
        value=Decimal("10.2"),
        verified=True,
        source=Source.objects.get(slug="nbs-economic-census-5-digital-core-industries-2023"),
    )
    latest = status_changes(targets=Target.objects.all())[0]
    assert (latest.year, latest.previous, latest.status) == (
        2025,
        Status.ON_TRACK,
        Status.ACHIEVED,
    )


def test_targets_feed(seeded, client):
    (entry,) = entries(client, "/feeds/targets.atom", sector="digital-economy")
    assert entry.find(f"{ATOM}title").text == (
        "Value added of core digital-economy industries, share of GDP: on track (9.9 in 2023)"
    )
    assert entries(client, "/feeds/targets.atom", sector="ipv6") == []
