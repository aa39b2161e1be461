"""The editor's decisions on proposals: accept makes a draft record linked to its proposal
and proves its excerpt again; reject keeps the reason; nothing is decided twice."""

import datetime
from decimal import Decimal

import pytest

from policies.intake import proposals
from policies.intake.proposals import DecisionError
from policies.models import (
    Observation,
    Plan,
    Proposal,
    PublicationStatus,
    Source,
    Statement,
    Target,
)
from tests.conftest import SEED_REPORT

pytestmark = pytest.mark.django_db

QUOTE = "Nous devons voir que par rapport aux grands et puissants pays"


@pytest.fixture
def draft(seeded, editor):
    """A draft copy of the seed report, as the intake would make it."""
    report = Source.objects.get(slug=SEED_REPORT)
    return Source.objects.create(
        slug="draft-copy",
        title=report.title,
        publisher=report.publisher,
        kind=report.kind,
        tier=report.tier,
        language="fr",
        published_on=datetime.date(2022, 1, 17),
        text=report.text,
        status=PublicationStatus.DRAFT,
    )


def _proposal(source, kind, paragraph, excerpt, **fields) -> Proposal:
    start = source.paragraphs[paragraph - 1].index(excerpt)
    return Proposal.objects.create(
        source=source,
        kind=kind,
        paragraph=paragraph,
        start=start,
        excerpt=excerpt,
        confidence=0.9,
        rule="test.rule",
        fields=fields,
    )


def test_accepting_a_quotation_makes_a_draft_statement_linked_to_it(draft, editor):
    proposal = _proposal(
        draft, "statement", 3, QUOTE, speaker="xi-jinping", speaker_matched=True,
        wording="quotation", date="2022-01-15", themes=["security"], sectors=[],
    )  # fmt: skip
    statement = proposals.accept(proposal, user=editor)
    assert isinstance(statement, Statement)
    assert statement.status == PublicationStatus.DRAFT
    assert (statement.actor.slug, statement.wording) == ("xi-jinping", "quotation")
    assert (statement.paragraph, statement.excerpt) == (3, QUOTE)
    assert statement.published_on == datetime.date(2022, 1, 15)
    assert [t.slug for t in statement.themes.all()] == ["security"]
    assert "test.rule" in statement.notes
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ACCEPTED
    assert (proposal.statement, proposal.decided_by) == (statement, editor)
    assert proposal.decided_at is not None


def test_a_decision_is_taken_once(draft, editor):
    proposal = _proposal(draft, "statement", 3, QUOTE, speaker="xi-jinping", speaker_matched=True)
    proposals.accept(proposal, user=editor)
    with pytest.raises(DecisionError, match="accepted meanwhile"):
        proposals.accept(proposal, user=editor)
    with pytest.raises(DecisionError, match="meanwhile"):
        proposals.reject(proposal, user=editor, reason="duplicate")
    assert Statement.objects.filter(source=draft).count() == 1


def test_an_unknown_speaker_is_refused_with_a_way_forward(draft, editor):
    proposal = _proposal(
        draft, "statement", 3, QUOTE, speaker="Un porte-parole", speaker_matched=False
    )
    with pytest.raises(DecisionError, match="use Edit"):
        proposals.accept(proposal, user=editor)
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.PENDING
    assert not Statement.objects.filter(source=draft).exists()


def test_an_excerpt_that_no_longer_holds_cannot_be_accepted(draft, editor):
    proposal = _proposal(draft, "statement", 3, QUOTE, speaker="xi-jinping", speaker_matched=True)
    draft.text = draft.text.replace("Nous devons voir", "Nous devons constater")
    draft.save()
    proposal.refresh_from_db()
    assert not proposal.holds
    with pytest.raises(DecisionError, match="no longer occurs"):
        proposals.accept(proposal, user=editor)
    assert not Statement.objects.filter(source=draft).exists()


def test_a_target_hangs_off_the_draft_source_and_its_plan(draft, editor):
    plan = Plan.objects.get(slug="14th-fyp-digital-economy")
    proposal = _proposal(
        draft, "target", 7, "augmenter la part du secteur dans le PIB national",
        indicator="core-digital-share", value=10, unit="percent", qualifier="exact",
        year=2025, baseline_value=7.8, baseline_year=2020,
    )  # fmt: skip
    with pytest.raises(DecisionError, match="Choose the plan"):
        proposals.accept(proposal, user=editor)
    target = proposals.accept(proposal, user=editor, plan=plan)
    assert isinstance(target, Target)
    assert (target.value, target.baseline_value) == (Decimal(10), Decimal("7.8"))
    assert (target.source, target.paragraph) == (draft, 7)
    assert target.slug == "core-digital-share-2025"
    again = _proposal(
        draft, "target", 7, "augmenter la part", indicator="core-digital-share", value=10,
        unit="percent", year=2025,
    )  # fmt: skip
    assert proposals.accept(again, user=editor, plan=plan).slug == "core-digital-share-2025-2"
    assert not Target.objects.of_published_plans().filter(pk=target.pk).exists()


def test_a_figure_is_recorded_unverified(draft, editor):
    proposal = _proposal(
        draft, "observation", 7, "augmenter la part du secteur dans le PIB national",
        indicator="core-digital-share", value=9.5, unit="percent", qualifier="about",
        year=2021, period="2021",
    )  # fmt: skip
    figure = proposals.accept(proposal, user=editor)
    assert isinstance(figure, Observation)
    assert (figure.period, figure.value, figure.verified) == ("2021", Decimal("9.5"), False)
    assert figure.qualifier == "about"
    assert figure.locator == "paragraph 7"


def test_a_known_plan_is_linked_not_made_again(draft, editor):
    plans_before = Plan.objects.count()
    proposal = _proposal(
        draft, "plan", 7, "un plan publié mercredi par le cabinet chinois",
        title="", document_number="", plan="14th-fyp-digital-economy", known=True,
    )  # fmt: skip
    assert proposals.accept(proposal, user=editor).slug == "14th-fyp-digital-economy"
    assert Plan.objects.count() == plans_before
    unknown = _proposal(draft, "plan", 8, "Ce plan", title="Ce plan", plan=None, known=False)
    with pytest.raises(DecisionError, match="use Edit"):
        proposals.accept(unknown, user=editor)


def test_rejecting_needs_one_of_the_reasons(draft, editor):
    proposal = _proposal(draft, "date", 1, "samedi", text="samedi", resolved="2022-01-15")
    with pytest.raises(DecisionError, match="why"):
        proposals.reject(proposal, user=editor, reason="because")
    proposals.reject(proposal, user=editor, reason="wrong_span")
    proposal.refresh_from_db()
    assert (proposal.state, proposal.reason) == (Proposal.State.REJECTED, "wrong_span")


def test_linking_after_an_edit_marks_the_proposal_accepted(draft, editor):
    proposal = _proposal(draft, "statement", 3, QUOTE, speaker="Xi", speaker_matched=False)
    statement = Statement.objects.filter(source__slug=SEED_REPORT).first()
    proposals.link(proposal, statement, user=editor)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.statement) == (Proposal.State.ACCEPTED, statement)


def test_duplicates_are_marked(draft, editor):
    held = Statement.objects.get(slug="xi-big-but-not-strong")
    repeat = _proposal(draft, "statement", 3, held.excerpt, speaker="xi-jinping")
    fresh = _proposal(draft, "statement", 3, QUOTE, speaker="xi-jinping")
    figure = _proposal(
        draft, "target", 7, "augmenter la part", indicator="core-digital-share", value=10,
        year=2025,
    )  # fmt: skip
    marks = proposals.duplicates([repeat, fresh, figure])
    assert "xi-big-but-not-strong" in marks[repeat.pk]
    assert fresh.pk not in marks
    assert "14th-fyp-digital-economy" in marks[figure.pk]
