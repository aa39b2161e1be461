"""Proposals: what the extraction assistant suggests from a source, and what an editor
decided about each. Kept after the decision: they are the labelled data that measure the
assistant, and that a later one learns from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from policies.models.indicators import Observation
from policies.models.plans import Plan, Target
from policies.models.reference import Source
from policies.models.statements import Statement


class Proposal(models.Model):
    """One record the assistant proposes, with the exact span it comes from."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", _("statement")
        TARGET = "target", _("target")
        OBSERVATION = "observation", _("result")
        PLAN = "plan", _("plan")
        DATE = "date", _("date")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    class Reason(models.TextChoices):
        WRONG_SPAN = "wrong_span", _("wrong span")
        WRONG_SPEAKER = "wrong_speaker", _("wrong speaker")
        NOT_A_TARGET = "not_a_target", _("not a target")
        WRONG_VALUE = "wrong_value", _("wrong value, unit or year")
        DUPLICATE = "duplicate", _("duplicate")
        OUT_OF_SCOPE = "out_of_scope", _("out of scope")

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="proposals"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    paragraph = models.PositiveIntegerField(_("paragraph"))
    start = models.PositiveIntegerField(_("start in the paragraph"))
    excerpt = models.TextField(_("excerpt"))
    confidence = models.FloatField(_("confidence"))
    rule = models.CharField(_("rule"), max_length=100)
    fields = models.JSONField(_("proposed values"), default=dict)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    # The record an accepted proposal became (or, for a plan the tracker knows, matched).
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    observation = models.ForeignKey(
        Observation, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["source", "paragraph", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paragraph__gte=1),
                name="proposal_paragraph_gte_1",
                violation_error_message=_("Paragraphs are numbered from 1."),
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=1),
                name="proposal_confidence_0_1",
                violation_error_message=_("A confidence is from 0 to 1."),
            ),
            models.CheckConstraint(
                condition=Q(state="rejected", reason__gt="") | ~Q(state="rejected"),
                name="proposal_rejected_with_reason",
                violation_error_message=_("A rejection names its reason."),
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(decided_at__isnull=False),
                name="proposal_decided_at_when_decided",
                violation_error_message=_("A decision is dated."),
            ),
        ]
        indexes = [models.Index(fields=["state", "source"], name="proposal_state_source")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ¶{self.paragraph}: {self.excerpt[:60]}"

    @property
    def end(self) -> int:
        return self.start + len(self.excerpt)

    @property
    def holds(self) -> bool:
        """Whether the excerpt is still the source's text at its place: a source whose text
        was edited since may have moved or changed it, and then it cannot be accepted."""
        paragraphs = self.source.paragraphs
        if not 1 <= self.paragraph <= len(paragraphs):
            return False
        return paragraphs[self.paragraph - 1][self.start : self.end] == self.excerpt
