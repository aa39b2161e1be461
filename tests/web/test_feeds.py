"""Atom feeds: saved searches, and target status changes replayed as figures arrive."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from policies.models import Source, Target
from policies.progress import Status
from policies.web.feeds import FEED_SIZE, status_changes
from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PlanFactory,
    SourceFactory,
    StatementFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
ACHIEVED, ON_TRACK, BEHIND = Status.ACHIEVED, Status.ON_TRACK, Status.BEHIND
AWAITING, NO_DATA = Status.AWAITING_RESULT, Status.NO_DATA


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


def test_a_feed_is_titled_with_its_filters_as_written_and_in_its_language(seeded, client):
    response = client.get("/fr/feeds/statements.atom", {"q": "données", "sector": "6g"})
    feed = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    # In the filter form's order, and readable: not percent-encoded as in the address.
    assert (
        feed.find(f"{ATOM}title").text
        == "Policy Tracker\u00a0: déclarations (sector=6g, q=données)"
    )


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
    response = client.get("/feeds/targets.atom", {"indicator": "nope"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"indicator": ["Unknown indicator: “nope”."]}


@pytest.fixture
def share(db):
    """A share to raise from 7.8 % (2020) to 10 % by 2025, and its figures as they arrived."""
    indicator = IndicatorFactory(slug="test-share", name_en="Test share")
    target = TargetFactory(plan=PlanFactory(slug="test-plan"), indicator=indicator)
    # Published early in 2023: short of the path (8.68 at the end of 2022).
    ObservationFactory(
        indicator=indicator,
        period="2022",
        value=Decimal("8.5"),
        published_on=datetime.date(2023, 2, 28),
    )
    # No publication date: it arrives at the end of the year it measures, on the path.
    ObservationFactory(indicator=indicator, period="2023", value=Decimal("9.9"))
    # Unverified, and a figure a revision superseded: neither counts.
    ObservationFactory(indicator=indicator, period="2024", value=Decimal("11"), verified=False)
    superseded = ObservationFactory(
        indicator=indicator,
        period="2025-03",
        value=Decimal("10.5"),
        published_on=datetime.date(2025, 4, 1),
    )
    ObservationFactory(
        indicator=indicator,
        period="2025-03",
        value=Decimal("9.7"),
        published_on=datetime.date(2025, 4, 20),
        source=SourceFactory(),
        supersedes=superseded,
    )
    return target


def replay(target, today=datetime.date(2026, 12, 6)):
    return [
        (c.day, c.previous, c.status, [f.period for f in c.arrived], c.figure and c.figure.period)
        for c in status_changes(targets=Target.objects.filter(pk=target.pk), today=today)
    ]


def test_status_changes_replay_the_figures_as_they_arrived(share):
    # Newest first. 2025's March figure (its revision) keeps it on track; the deadline
    # passes with nothing that decides it.
    assert replay(share) == [
        (datetime.date(2026, 1, 1), ON_TRACK, AWAITING, [], "2025-03"),
        (datetime.date(2023, 12, 31), BEHIND, ON_TRACK, ["2023"], "2023"),
        (datetime.date(2023, 2, 28), NO_DATA, BEHIND, ["2022"], "2022"),
    ]
    # Before the deadline, the deadline is no event yet.
    assert replay(share, today=datetime.date(2025, 12, 31))[0][0] == datetime.date(2023, 12, 31)


def test_a_result_that_arrives_after_the_deadline_settles_it(share):
    ObservationFactory(
        indicator=share.indicator,
        period="2025",
        value=Decimal("10.1"),
        published_on=datetime.date(2026, 2, 28),
        source=SourceFactory(),
    )
    assert replay(share)[:2] == [
        (datetime.date(2026, 2, 28), AWAITING, ACHIEVED, ["2025"], "2025"),
        (datetime.date(2026, 1, 1), ON_TRACK, AWAITING, [], "2025-03"),
    ]


def test_a_figure_reached_early_achieves_it_on_the_day_it_arrives(share):
    ObservationFactory(
        indicator=share.indicator,
        period="2024-06",
        value=Decimal("10.2"),
        published_on=datetime.date(2024, 8, 1),
        source=SourceFactory(),
    )
    # Achieved early stays achieved: no later figure or deadline changes it.
    assert replay(share)[0] == (
        datetime.date(2024, 8, 1),
        ON_TRACK,
        ACHIEVED,
        ["2024-06"],
        "2024-06",
    )


def test_the_targets_feed_names_the_indicator_and_honours_its_filter(share, client):
    TargetFactory()  # another indicator's target, with no figures
    found = entries(client, "/feeds/targets.atom", indicator="test-share")
    assert [e.find(f"{ATOM}title").text for e in found] == [
        "Test share by 2025: awaiting result (9.7% in 2025-03)",
        "Test share by 2025: on track (9.9% in 2023)",
        "Test share by 2025: behind (8.5% in 2022)",
    ]
    newest, _, first = found
    assert newest.find(f"{ATOM}updated").text.startswith("2026-01-01")
    assert first.find(f"{ATOM}updated").text.startswith("2023-02-28")
    assert "2025 is over with no verified result" in newest.find(f"{ATOM}summary").text
    assert "the verified figure published (8.5% in 2022)" in first.find(f"{ATOM}summary").text
    assert first.find(f"{ATOM}category").get("term") == "Test share"
    assert first.find(f"{ATOM}link").get("href").endswith(f"/targets/{share.pk}/")
    assert entries(client, "/feeds/targets.atom", indicator="test-share", kind="binding") == []


def test_the_seeded_gigabit_target_is_achieved_early_in_the_feed(seeded, client):
    titles = [
        e.find(f"{ATOM}title").text
        for e in entries(
            client,
            "/feeds/targets.atom",
            indicator="gigabit-users",
            plan="14th-fyp-digital-economy",
        )
    ]
    assert titles[0].startswith("Gigabit broadband users by 2025: achieved (")


def test_the_targets_feed_costs_a_fixed_number_of_queries(
    share, client, django_assert_num_queries
):
    def grow(times: int) -> None:
        for _ in range(times):
            target = TargetFactory()
            ObservationFactory(indicator=target.indicator, period="2023")

    # The targets, and their indicators' counted figures.
    grow(2)
    with django_assert_num_queries(2):
        entries(client, "/feeds/targets.atom")
    grow(20)
    with django_assert_num_queries(2):
        assert len(entries(client, "/feeds/targets.atom")) == FEED_SIZE
