"""The invariants the database holds, whichever path a write takes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from policies.models import Observation, Plan, Sector, Statement, Target
from tests.factories import (
    IndicatorFactory,
    ObservationFactory,
    PlanFactory,
    SectorFactory,
    SourceFactory,
    StatementFactory,
    TargetFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


class TestDatabaseConstraints:
    def test_target_year_must_follow_baseline_year(self):
        target = TargetFactory()
        with transaction.atomic(), pytest.raises(IntegrityError):
            Target.objects.filter(pk=target.pk).update(target_year=2020)

    def test_baseline_value_and_year_come_together(self):
        target = TargetFactory()
        with transaction.atomic(), pytest.raises(IntegrityError):
            Target.objects.filter(pk=target.pk).update(baseline_year=None)

    def test_target_value_must_match_sense(self):
        target = TargetFactory()  # 7.8 → 10, higher is better
        with transaction.atomic(), pytest.raises(IntegrityError):
            Target.objects.filter(pk=target.pk).update(value=Decimal("5"))
        with transaction.atomic(), pytest.raises(IntegrityError):
            Target.objects.filter(pk=target.pk).update(sense=Target.Sense.LOWER)
        # Staying near a value may start on either side of it.
        Target.objects.filter(pk=target.pk).update(sense=Target.Sense.NEAR, value=Decimal("5"))

    def test_lower_is_better_target_is_allowed_below_baseline(self):
        target = TargetFactory(
            baseline_value=Decimal("50"), value=Decimal("30"), sense=Target.Sense.LOWER
        )
        saved = Target.objects.get(pk=target.pk)
        assert (saved.baseline_value, saved.value, saved.target_value, saved.sense) == (
            Decimal("50"),
            Decimal("30"),
            Decimal("30"),
            Target.Sense.LOWER,
        )
        saved.full_clean()  # the model's own validation agrees with the database

    def test_target_qualifier_must_agree_with_sense(self):
        target = TargetFactory()
        for qualifier, sense in [
            ("at_least", "lower"),
            ("at_least", "near"),
            ("at_most", "higher"),
            ("at_most", "near"),
        ]:
            with transaction.atomic(), pytest.raises(IntegrityError):
                Target.objects.filter(pk=target.pk).update(
                    qualifier=qualifier, sense=sense, baseline_value=None, baseline_year=None
                )
        Target.objects.filter(pk=target.pk).update(qualifier="about", sense="near")

    def test_target_slug_is_unique_within_a_plan_only(self):
        plan = PlanFactory()
        TargetFactory(plan=plan, slug="share")
        TargetFactory(slug="share")  # another plan: fine
        with transaction.atomic(), pytest.raises(IntegrityError):
            TargetFactory(plan=plan, slug="share")

    def test_target_cannot_supersede_itself(self):
        target = TargetFactory()
        with transaction.atomic(), pytest.raises(IntegrityError):
            Target.objects.filter(pk=target.pk).update(supersedes=target.pk)

    def test_plan_period_end_not_before_start(self):
        plan = PlanFactory()
        with transaction.atomic(), pytest.raises(IntegrityError):
            Plan.objects.filter(pk=plan.pk).update(end_year=2020)

    def test_plan_published_not_before_signed(self):
        plan = PlanFactory()
        with transaction.atomic(), pytest.raises(IntegrityError):
            Plan.objects.filter(pk=plan.pk).update(published_on=datetime.date(2021, 1, 1))

    def test_statement_delivered_not_after_published(self):
        statement = StatementFactory()
        with transaction.atomic(), pytest.raises(IntegrityError):
            Statement.objects.filter(pk=statement.pk).update(
                delivered_on=datetime.date(2023, 1, 1)
            )

    def test_statement_paragraph_counts_from_one(self):
        statement = StatementFactory()
        with transaction.atomic(), pytest.raises(IntegrityError):
            Statement.objects.filter(pk=statement.pk).update(paragraph=0)

    def test_verified_observation_needs_a_source(self):
        with transaction.atomic(), pytest.raises(IntegrityError):
            ObservationFactory(source=None, verified=True)
        unverified = ObservationFactory(source=None, verified=False)
        assert Observation.objects.filter(pk=unverified.pk, source=None, verified=False).exists()

    def test_theme_colour_is_hex(self):
        with transaction.atomic(), pytest.raises(IntegrityError):
            ThemeFactory(colour="red")
        with transaction.atomic(), pytest.raises(IntegrityError):
            ThemeFactory(colour="#12345")

    def test_one_sourceless_figure_per_indicator_and_period(self):
        observation = ObservationFactory(source=None, verified=False)
        with transaction.atomic(), pytest.raises(IntegrityError):
            ObservationFactory(indicator=observation.indicator, source=None, verified=False)
        # Another period of the same indicator is another figure.
        ObservationFactory(
            indicator=observation.indicator, period="2023-06", source=None, verified=False
        )

    def test_one_figure_per_source_indicator_and_period(self):
        observation = ObservationFactory()
        with transaction.atomic(), pytest.raises(IntegrityError):
            ObservationFactory(indicator=observation.indicator, source=observation.source)

    def test_a_month_outside_the_year_cannot_be_stored(self):
        observation = ObservationFactory(period="2025-06")
        assert (observation.year, observation.month) == (2025, 6)
        for month in (0, 13):
            with transaction.atomic(), pytest.raises(IntegrityError):
                Observation.objects.filter(pk=observation.pk).update(month=month)

    def test_a_figure_cannot_supersede_itself(self):
        observation = ObservationFactory()
        with transaction.atomic(), pytest.raises(IntegrityError):
            Observation.objects.filter(pk=observation.pk).update(supersedes=observation.pk)

    def test_slugs_are_unique(self):
        SourceFactory(slug="same")
        with transaction.atomic(), pytest.raises(IntegrityError):
            SourceFactory(slug="same")

    def test_sector_code_unique_only_when_set(self):
        SectorFactory(code="")
        SectorFactory(code="")
        SectorFactory(code="C39")
        with transaction.atomic(), pytest.raises(IntegrityError):
            SectorFactory(code="C39")

    def test_protected_relations(self):
        target = TargetFactory()
        with transaction.atomic(), pytest.raises(IntegrityError):
            # PROTECT raises ProtectedError (an IntegrityError) before deleting anything.
            target.plan.delete()
        assert Target.objects.filter(pk=target.pk).exists()

    def test_an_indicator_keeps_its_figures_and_targets(self):
        observation = ObservationFactory()
        target = TargetFactory(indicator=observation.indicator)
        # Deleting a target leaves the indicator's series: other plans may use it.
        target.delete()
        assert Observation.objects.filter(pk=observation.pk).exists()
        with transaction.atomic(), pytest.raises(IntegrityError):
            observation.indicator.delete()  # PROTECT: a series is not dropped by accident
        assert Observation.objects.filter(pk=observation.pk).exists()


class TestValidation:
    def test_excerpt_must_occur_verbatim_in_its_paragraph(self):
        statement = StatementFactory.build(
            source=SourceFactory(), actor=StatementFactory().actor, excerpt="we will build"
        )
        with pytest.raises(ValidationError) as error:
            statement.full_clean()
        assert "does not occur verbatim in paragraph 2" in str(error.value.message_dict["excerpt"])

    def test_excerpt_in_another_paragraph_names_the_right_one(self):
        statement = StatementFactory()
        statement.paragraph = 1
        with pytest.raises(ValidationError) as error:
            statement.full_clean()
        assert error.value.message_dict["paragraph"] == [
            f"The excerpt is in paragraph 2 of “{statement.source}”, not paragraph 1."
        ]

    def test_paragraph_out_of_range(self):
        statement = StatementFactory()
        statement.paragraph = 9
        with pytest.raises(ValidationError) as error:
            statement.full_clean()
        assert "has paragraphs 1 to 3" in error.value.message_dict["paragraph"][0]

    def test_statement_source_must_hold_text(self):
        statement = StatementFactory()
        statement.source = SourceFactory(text="")
        with pytest.raises(ValidationError) as error:
            statement.full_clean()
        assert "holds no text" in error.value.message_dict["source"][0]

    def test_target_excerpt_is_optional_but_checked(self):
        target = TargetFactory()
        target.full_clean()
        target.source = SourceFactory()
        target.excerpt = "not in the text"
        with pytest.raises(ValidationError) as error:
            target.full_clean()
        assert "excerpt" in error.value.message_dict
        target.excerpt = "the minister spoke about chips"
        target.full_clean()

    def test_model_validation_reports_constraints_on_fields(self):
        target = TargetFactory.build(
            plan=PlanFactory(), indicator=IndicatorFactory(), target_year=2019
        )
        with pytest.raises(ValidationError) as error:
            target.full_clean()
        assert error.value.messages == ["The target year must come after the baseline year."]

    def test_language_tag(self):
        source = SourceFactory.build(language="French")
        with pytest.raises(ValidationError) as error:
            source.full_clean()
        assert "BCP 47" in error.value.message_dict["language"][0]


class TestSourceText:
    def test_editing_a_text_cannot_orphan_a_cited_excerpt(self):
        statement = StatementFactory()
        source = statement.source
        source.text = source.text.replace("We will build", "We shall build")
        with pytest.raises(ValidationError) as error:
            source.full_clean()
        message = error.value.message_dict["text"][0]
        assert "no longer holds excerpts that records cite" in message
        assert str(statement) in message

    def test_editing_elsewhere_in_the_text_is_fine(self):
        statement = StatementFactory()
        source = statement.source
        source.text = source.text.replace("nothing else", "nothing more")
        source.full_clean()
        assert source.paragraphs[2] == "Third paragraph: nothing more."


class TestSectorTree:
    def test_path_and_descendants(self):
        root = SectorFactory(slug="economy")  # the seeds hold "digital-economy"
        chips = SectorFactory(slug="chips", parent=root)
        design = SectorFactory(slug="chip-design", parent=chips)
        other = SectorFactory(slug="other")
        assert design.path == "economy/chips/chip-design/"
        assert design.depth == 2
        assert set(Sector.objects.descendants_of([chips])) == {chips, design}
        assert set(Sector.objects.descendants_of([root], include_self=False)) == {chips, design}
        assert other not in Sector.objects.descendants_of([root])

    def test_prefix_of_a_slug_is_not_a_descendant(self):
        SectorFactory(slug="chips")
        chips_plus = SectorFactory(slug="chipsets")
        chips = Sector.objects.get(slug="chips")
        assert chips_plus not in Sector.objects.descendants_of([chips])

    def test_moving_a_sector_moves_its_subtree(self):
        root = SectorFactory(slug="a")
        child = SectorFactory(slug="b", parent=root)
        grandchild = SectorFactory(slug="c", parent=child)
        new_root = SectorFactory(slug="z")
        child.parent = new_root
        child.save()
        grandchild.refresh_from_db()
        assert grandchild.path == "z/b/c/"

    def test_sector_cannot_sit_below_its_descendant(self):
        root = SectorFactory()
        child = SectorFactory(parent=root)
        root.parent = child
        with pytest.raises(ValidationError) as error:
            root.full_clean()
        assert "below itself" in error.value.message_dict["parent"][0]


class TestLineage:
    def test_statement_plan_target_indicator_observation_both_ways(self):
        observation = ObservationFactory()
        target = TargetFactory(indicator=observation.indicator)
        other_plan_target = TargetFactory(indicator=observation.indicator)
        statement = StatementFactory()
        statement.plans.add(target.plan)
        statement.targets.add(target)
        assert list(target.plan.statements.all()) == [statement]
        indicator = statement.plans.get().targets.get().indicator
        assert list(indicator.observations.all()) == [observation]
        # One series, shared by every plan that sets a target on it.
        assert set(observation.indicator.targets.all()) == {target, other_plan_target}
        assert list(target.statements.all()) == [statement]

    def test_a_revised_target_keeps_the_one_it_supersedes(self):
        original = TargetFactory(value=Decimal("10"))
        revision = TargetFactory(plan=original.plan, value=Decimal("12"), supersedes=original)
        original.refresh_from_db()
        assert original.superseded_by == revision
        assert revision.supersedes == original
        assert (original.target_value, revision.target_value) == (Decimal("10"), Decimal("12"))

    def test_a_revised_figure_keeps_the_one_it_supersedes(self):
        first = ObservationFactory(value=Decimal("9.9"))
        revision = ObservationFactory(
            indicator=first.indicator,
            period=first.period,
            value=Decimal("10.1"),
            supersedes=first,
        )
        assert list(Observation.objects.filter(indicator=first.indicator).counted()) == [revision]
        assert set(first.indicator.observations.all()) == {first, revision}
