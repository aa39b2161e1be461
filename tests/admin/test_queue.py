"""The editors' queue: what waits for an editor, each with a count and a link to exactly
those records, for editors and administrators only."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from policies.admin.queue import editors_queue, months_before, stale_targets
from policies.models import Observation, Plan, Statement, Target
from policies.progress import Status
from policies.selectors import target_rows
from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PlanFactory,
    StatementFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:policies_queue")
LABELS = [
    "Targets awaiting their result",
    "Unverified figures",
    "Targets without a recent figure",
    "Draft statements",
    "Draft plans",
]


def counts(client) -> dict[str, int]:
    response = client.get(QUEUE)
    assert response.status_code == 200
    return {str(entry.label): entry.count for entry in response.context["entries"]}


def statuses_today() -> dict[int, Status]:
    rows = target_rows(targets=Target.objects.with_series(), today=timezone.localdate())
    return {row.target.pk: row.progress.status for row in rows}


def test_an_editor_sees_each_count_and_its_link_opens_exactly_those(seeded, editor_client):
    response = editor_client.get(QUEUE)
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [str(entry.label) for entry in entries] == LABELS
    awaiting = {pk for pk, status in statuses_today().items() if status == Status.AWAITING_RESULT}
    # The seeds' core-industries share: 10 % by 2025, no verified 2025 figure yet.
    assert Target.objects.get(slug="core-industries-share-of-gdp").pk in awaiting
    expected = {
        "Targets awaiting their result": len(awaiting),
        "Unverified figures": Observation.objects.filter(verified=False).count(),
        "Draft statements": Statement.objects.filter(status="draft").count(),
        "Draft plans": Plan.objects.filter(status="draft").count(),
    }
    page = response.content.decode()
    for entry in entries:
        label = str(entry.label)
        if label in expected:
            assert entry.count == expected[label], label
        assert f'<a href="{entry.url.replace("&", "&amp;")}">{entry.count}</a>' in page
        listed = editor_client.get(entry.url)
        assert listed.status_code == 200, entry.url
        assert listed.context["cl"].result_count == entry.count, label
    opened = editor_client.get(entries[0].url)
    assert {target.pk for target in opened.context["cl"].result_list} == awaiting
    assert expected["Unverified figures"] > 0


def test_each_count_follows_the_records(seeded, editor_client):
    before = counts(editor_client)
    today = timezone.localdate()
    # A plan past its deadline, on an indicator with no figure at all: awaiting its result,
    # and without a recent figure.
    late = TargetFactory(
        indicator=IndicatorFactory(),
        plan=PlanFactory(start_year=2021, end_year=2022),
        target_year=2022,
    )
    # An indicator with only an old figure, and a target due in the future: stale only.
    old = ObservationFactory(period=str(today.year - 3), published_on=None)
    TargetFactory(indicator=old.indicator, target_year=today.year + 2, baseline_year=2020)
    # An unverified figure, published recently: waiting for a source, and not stale.
    fresh = ObservationFactory(
        period=str(today.year - 1), source=None, verified=False, published_on=today
    )
    TargetFactory(indicator=fresh.indicator, target_year=today.year + 2)
    StatementFactory(status="draft")
    PlanFactory(status="draft")
    after = counts(editor_client)
    assert {label: after[label] - before[label] for label in LABELS} == {
        "Targets awaiting their result": 1,
        "Unverified figures": 1,
        "Targets without a recent figure": 2,
        "Draft statements": 1,
        "Draft plans": 1,
    }
    assert late.pk in set(
        stale_targets(Target.objects.all(), today=today).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    ("published_on", "period", "stale"),
    [
        (None, "2024", True),  # ended 31 Dec 2024, before 6 Jun 2025
        (None, "2025", False),  # ends 31 Dec 2025
        (None, "2025-05", True),
        (None, "2025-06", False),
        (datetime.date(2025, 6, 5), "2025", True),  # the publication date decides
        (datetime.date(2025, 6, 6), "2020", False),
    ],
)
def test_a_series_is_stale_after_18_months(seeded, published_on, period, stale):
    today = datetime.date(2026, 12, 6)  # 18 months before: 6 June 2025
    figure = ObservationFactory(period=period, published_on=published_on)
    target = TargetFactory(indicator=figure.indicator)
    found = stale_targets(Target.objects.filter(pk=target.pk), today=today).exists()
    assert found is stale


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 12, 6), 18, datetime.date(2025, 6, 6)),
        (datetime.date(2026, 8, 31), 18, datetime.date(2025, 2, 28)),
        (datetime.date(2024, 8, 31), 6, datetime.date(2024, 2, 29)),
        (datetime.date(2026, 1, 15), 1, datetime.date(2025, 12, 15)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_a_fixed_number_of_queries(seeded, editor_client):
    editor_client.get(QUEUE)  # the session and the user, loaded once like every admin page
    with CaptureQueriesContext(connection) as before:
        editor_client.get(QUEUE)
    for n in range(5):
        indicator = IndicatorFactory()
        TargetFactory(indicator=indicator, plan=PlanFactory(start_year=2021, end_year=2022))
        for year in range(2020, 2023):
            ObservationFactory(indicator=indicator, period=str(year), value=Decimal(n))
        StatementFactory(status="draft")
    with CaptureQueriesContext(connection) as after:
        editor_client.get(QUEUE)
    assert len(after) == len(before)
    with CaptureQueriesContext(connection) as direct:
        editors_queue(today=timezone.localdate())
    assert len(direct) == 6  # targets, their figures, and one count per other entry


def test_the_admin_index_links_to_it_for_editors(seeded, editor_client):
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert f'href="{QUEUE}"' in page
    assert "Editors' queue" in page


def test_anonymous_visitors_are_sent_to_log_in(seeded, client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_reader_account_is_refused(seeded, client, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="a-long-test-pw-42")
    client.force_login(reader)
    response = client.get(QUEUE)
    assert response.status_code == 302  # not staff: the admin asks for another login
    assert response["Location"].startswith(reverse("admin:login"))
    assert "entries" not in (response.context or {})


def test_staff_without_the_editors_permissions_is_refused(seeded, client):
    client.force_login(UserFactory(username="staff-without-rights"))
    assert client.get(QUEUE).status_code == 403
    assert f'href="{QUEUE}"' not in client.get(reverse("admin:index")).content.decode()


def test_an_administrator_sees_it(seeded, admin_client):
    assert admin_client.get(QUEUE).status_code == 200
