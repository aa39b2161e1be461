"""The review page: each proposal's span marked in its paragraph and shown escaped, and an
editor's decisions (accept, edit through the prefilled form, reject with a reason), each
posted, taken once, and refused with a message when it cannot be carried out."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies.admin.intake_review import segments, values
from policies.intake import proposals
from policies.models import (
    Actor,
    Indicator,
    Plan,
    Proposal,
    PublicationStatus,
    Source,
    Statement,
    Target,
    Theme,
)
from policies.writes import BUSY_MESSAGE, WriteBusy
from tests.admin.test_intake import HOSTILE, SOURCE_FIELDS, TEXT, messages_of, review_url
from tests.factories import UserFactory

QUOTE = "doit bâtir une économie numérique solide"
GOAL = "10 % du PIB d'ici 2025"


def decide_url(proposal, decision: str) -> str:
    return reverse(
        "admin:policies_source_decide", args=[proposal.source_id, proposal.pk, decision]
    )


@pytest.fixture
def draft(seeded):
    return Source.objects.create(
        slug="draft-for-review",
        title="Un rapport de test",
        language="fr",
        text=TEXT,
        status=PublicationStatus.DRAFT,
        **SOURCE_FIELDS,
    )


def propose(source, kind, paragraph, excerpt, **fields) -> Proposal:
    return Proposal.objects.create(
        source=source,
        kind=kind,
        paragraph=paragraph,
        start=source.paragraphs[paragraph - 1].index(excerpt),
        excerpt=excerpt,
        confidence=0.8,
        rule="test.rule",
        fields=fields,
    )


@pytest.fixture
def quote(draft):
    return propose(
        draft, "statement", 1, QUOTE, speaker="xi-jinping", speaker_matched=True,
        wording="quotation", themes=["security"],
    )  # fmt: skip


@pytest.fixture
def goal(draft):
    return propose(
        draft, "target", 2, GOAL, indicator="core-digital-share", value=10, unit="percent",
        qualifier="exact", year=2025, baseline_value=7.8, baseline_year=2020,
    )  # fmt: skip


def test_segments_cut_overlapping_spans_without_losing_text():
    cut = segments("abcdefgh", [(1, 5, 10, "statement"), (3, 7, 11, "target")])
    assert [(s.text, s.kinds, s.anchors) for s in cut] == [
        ("a", (), ()),
        ("bc", ("statement",), (10,)),
        ("de", ("statement", "target"), (11,)),
        ("fg", ("target",), ()),
        ("h", (), ()),
    ]
    assert "".join(s.text for s in cut) == "abcdefgh"
    assert cut[2].css == "mark-statement mark-overlap"


def test_a_proposal_s_values_read_as_text():
    shown = values(
        {"speaker": "Un porte-parole", "speaker_matched": False, "themes": ["a", "b"],
         "sectors": [], "resolved": None, "value": 7.8}
    )  # fmt: skip
    assert [(str(label), text) for label, text in shown] == [
        ("speaker", "Un porte-parole (not an actor the tracker knows)"),
        ("themes", "a, b"),
        ("sectors", "—"),
        ("resolved", "—"),
        ("value", "7.8"),
    ]


def test_the_review_page_marks_each_span_and_shows_the_text_escaped(
    draft, quote, goal, editor_client
):
    hostile = propose(draft, "date", 3, HOSTILE, text=HOSTILE, resolved=None)
    page = editor_client.get(review_url(draft)).content.decode()
    assert f'id="span-{quote.pk}"></span><mark class="mark-statement">{QUOTE}</mark>' in page
    assert f'id="span-{goal.pk}"></span><mark class="mark-target">10 % du PIB' in page
    marked = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
    assert f'id="span-{hostile.pk}"></span><mark class="mark-date">{marked}</mark>' in page
    assert "<script>alert" not in page
    for proposal in (quote, goal, hostile):
        assert f'id="proposal-{proposal.pk}"' in page
        assert f'href="#span-{proposal.pk}"' in page
    assert "This source is a draft." in page
    assert reverse("admin:policies_source_change", args=[draft.pk]) in page
    for heading in ("Statements (1)", "Targets (1)", "Dates (1)"):
        assert heading in page


def test_the_review_page_needs_the_change_permission(draft, client):
    reader = UserFactory(username="reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_source"))
    client.force_login(reader)
    assert client.get(review_url(draft)).status_code == 403


def test_accepting_a_statement_makes_a_linked_draft(draft, quote, editor_client, editor):
    response = editor_client.post(decide_url(quote, "accept"), follow=True)
    assert response.redirect_chain[-1][0] == f"{review_url(draft)}#proposal-{quote.pk}"
    statement = Statement.objects.get(source=draft)
    assert (statement.status, statement.excerpt, statement.wording) == (
        "draft",
        QUOTE,
        "quotation",
    )
    quote.refresh_from_db()
    assert (quote.state, quote.statement, quote.decided_by) == ("accepted", statement, editor)
    assert "Accepted as the draft statement" in messages_of(response)[0]
    page = response.content.decode()
    assert f"Accepted by {editor.username} on" in page
    change = reverse("admin:policies_statement_change", args=[statement.pk])
    assert f'<a href="{change}">' in page
    # Decided: no button to decide again.
    assert decide_url(quote, "accept") not in page


def test_accepting_twice_is_refused(draft, quote, editor_client):
    editor_client.post(decide_url(quote, "accept"))
    again = editor_client.post(decide_url(quote, "accept"), follow=True)
    assert "This proposal was accepted meanwhile" in messages_of(again)[-1]
    assert Statement.objects.filter(source=draft).count() == 1


def test_a_decision_that_meets_a_busy_database_saves_nothing_and_says_so(
    draft, quote, editor_client, monkeypatch
):
    def busy(work):
        raise WriteBusy(3)

    # The service's one door for writes, which the view calls through accept().
    monkeypatch.setattr(proposals, "retrying", busy)
    response = editor_client.post(decide_url(quote, "accept"), follow=True)
    assert messages_of(response) == [str(BUSY_MESSAGE)]
    quote.refresh_from_db()
    assert quote.state == "pending"
    assert not Statement.objects.filter(source=draft).exists()


def test_a_decision_without_the_csrf_token_is_refused(draft, quote, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(decide_url(quote, "accept")).status_code == 403
    quote.refresh_from_db()
    assert quote.state == "pending"


def test_decisions_are_posted(draft, quote, editor_client):
    assert editor_client.get(decide_url(quote, "accept")).status_code == 405
    quote.refresh_from_db()
    assert quote.state == "pending"


def test_a_rejection_needs_its_reason(draft, quote, editor_client, editor):
    response = editor_client.post(decide_url(quote, "reject"), {"reason": ""}, follow=True)
    assert messages_of(response) == ["Choose why the proposal is rejected."]
    quote.refresh_from_db()
    assert quote.state == "pending"
    response = editor_client.post(
        decide_url(quote, "reject"), {"reason": "wrong_speaker"}, follow=True
    )
    quote.refresh_from_db()
    assert (quote.state, quote.reason, quote.decided_by) == ("rejected", "wrong_speaker", editor)
    assert f"Rejected by {editor.username} on" in response.content.decode()
    assert not Statement.objects.filter(source=draft).exists()


def test_a_target_is_accepted_with_a_plan_of_the_source(draft, goal, editor_client):
    plan = Plan.objects.get(slug="14th-fyp-digital-economy")
    page = editor_client.get(review_url(draft)).content.decode()
    assert "No plan cites this source or is named in it: use Edit" in page
    # A plan the source does not cite and does not name is not offered, nor taken.
    refused = editor_client.post(decide_url(goal, "accept"), {"plan": plan.pk}, follow=True)
    assert messages_of(refused) == ["Choose the plan that sets this target."]
    Plan.objects.filter(pk=plan.pk).update(source=draft, status="draft")
    page = editor_client.get(review_url(draft)).content.decode()
    assert f'<option value="{plan.pk}">{plan}</option>' in page
    editor_client.post(decide_url(goal, "accept"), {"plan": plan.pk})
    target = Target.objects.get(plan=plan, excerpt=GOAL)
    assert (target.source, target.target_year, target.unit) == (draft, 2025, "percent")
    goal.refresh_from_db()
    assert (goal.state, goal.target) == ("accepted", target)


def test_editing_opens_the_prefilled_form_and_saving_it_accepts(
    draft, quote, editor_client, editor
):
    page = editor_client.get(review_url(draft)).content.decode()
    edit = reverse("admin:policies_statement_add") + f"?_proposal={quote.pk}"
    assert f'href="{edit}"' in page
    form = editor_client.get(edit).context["adminform"].form
    assert form.initial["excerpt"] == QUOTE
    assert (form.initial["source"], form.initial["paragraph"]) == (draft.pk, 1)
    assert form.initial["actor"] == Actor.objects.get(slug="xi-jinping").pk
    assert form.initial["themes"] == [Theme.objects.get(slug="security").pk]
    assert form.initial["wording"] == "quotation"
    assert form.initial["status"] == "draft"
    posted = {
        key: value
        for key, value in form.initial.items()
        if key in {"source", "paragraph", "excerpt", "wording", "actor", "kind", "status"}
    }
    response = editor_client.post(
        edit,
        {
            **posted,
            "headline": "China must build a strong digital economy",
            "slug": "xi-strong-digital-economy",
            "text_en": "must build a strong digital economy",
            "published_on": "2022-01-17",
            "themes": form.initial["themes"],
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response.url == f"{review_url(draft)}#proposal-{quote.pk}"
    statement = Statement.objects.get(slug="xi-strong-digital-economy")
    assert (statement.wording, statement.status, statement.source) == ("quotation", "draft", draft)
    quote.refresh_from_db()
    assert (quote.state, quote.statement, quote.decided_by) == ("accepted", statement, editor)


def test_a_target_s_form_and_an_unknown_plan_s_form_are_prefilled(draft, goal, editor_client):
    target = editor_client.get(reverse("admin:policies_target_add"), {"_proposal": goal.pk})
    initial = target.context["adminform"].form.initial
    assert initial["indicator"] == Indicator.objects.get(slug="core-digital-share").pk
    assert (initial["value"], initial["unit"], initial["qualifier"]) == ("10", "percent", "exact")
    assert (initial["target_year"], initial["baseline_value"], initial["baseline_year"]) == (
        2025,
        "7.8",
        2020,
    )
    assert (initial["source"], initial["paragraph"], initial["excerpt"]) == (draft.pk, 2, GOAL)
    assert "wording" not in target.context["adminform"].form.fields
    named = propose(
        draft, "plan", 2, "part du numérique", title="Plan du numérique",
        document_number="No 7", plan=None,
    )  # fmt: skip
    page = editor_client.get(reverse("admin:policies_source_review", args=[draft.pk]))
    edit = reverse("admin:policies_plan_add") + f"?_proposal={named.pk}"
    assert f'href="{edit}"' in page.content.decode()
    # A plan the tracker does not hold is made through its form, never by Accept.
    assert "needs its issuer and period: use Edit" in page.content.decode()
    assert decide_url(named, "accept") not in page.content.decode()
    plan = editor_client.get(edit).context["adminform"].form.initial
    assert (plan["title"], plan["document_number"], plan["source"]) == (
        "Plan du numérique",
        "No 7",
        draft.pk,
    )
    # A proposal of another kind prefills nothing.
    other = editor_client.get(reverse("admin:policies_plan_add"), {"_proposal": goal.pk})
    assert "title" not in other.context["adminform"].form.initial


def test_a_proposal_whose_excerpt_moved_cannot_be_accepted(draft, quote, editor_client):
    Source.objects.filter(pk=draft.pk).update(text=TEXT.replace("Lundi, ", "Ce lundi, "))
    page = editor_client.get(review_url(draft)).content.decode()
    assert "The excerpt no longer occurs at its place in paragraph 1" in page
    assert decide_url(quote, "accept") not in page
    assert f'id="span-{quote.pk}"' not in page  # not marked where it no longer is
    response = editor_client.post(decide_url(quote, "accept"), follow=True)
    assert "no longer occurs at its place" in messages_of(response)[0]
    assert not Statement.objects.filter(source=draft).exists()


def test_proposing_again_keeps_the_decisions(draft, quote, goal, editor_client, editor):
    editor_client.post(decide_url(goal, "reject"), {"reason": "not_a_target"})
    response = editor_client.post(
        reverse("admin:policies_source_propose", args=[draft.pk]), follow=True
    )
    assert "The assistant read the source again" in messages_of(response)[-1]
    assert not Proposal.objects.filter(pk=quote.pk).exists()  # pending: replaced
    goal.refresh_from_db()
    assert (goal.state, goal.reason) == ("rejected", "not_a_target")


def test_the_source_page_links_to_its_review(draft, quote, editor_client):
    page = editor_client.get(
        reverse("admin:policies_source_change", args=[draft.pk])
    ).content.decode()
    assert f'<a href="{review_url(draft)}">Review 1 proposal</a>' in page


def test_the_review_page_costs_the_same_however_many_proposals(
    draft, quote, goal, editor_client, editor
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(review_url(draft)).status_code == 200
        return len(captured)

    editor_client.get(review_url(draft))  # the session and permissions, read once
    few = queries()
    editor_client.post(decide_url(quote, "accept"))
    editor_client.post(decide_url(goal, "reject"), {"reason": "not_a_target"})
    for excerpt in ("Lundi", "2025", "2020", "piégé"):
        paragraph = next(n for n, text in enumerate(draft.paragraphs, 1) if excerpt in text)
        propose(draft, "date", paragraph, excerpt, text=excerpt, resolved=None)
    assert queries() == few


def test_the_proposals_list_is_read_only(draft, quote, goal, admin_client):
    listing = admin_client.get(reverse("admin:policies_proposal_changelist"), {"q": "bâtir"})
    assert listing.context["cl"].result_count == 1
    review = admin_client.get(review_url(draft)).context["labelled_data_url"]
    assert admin_client.get(review).context["cl"].result_count == 2
    assert admin_client.get(reverse("admin:policies_proposal_add")).status_code == 403
    change = admin_client.get(reverse("admin:policies_proposal_change", args=[quote.pk]))
    assert change.context["has_change_permission"] is False
