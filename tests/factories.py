"""Factories for tests: small, valid records whose excerpts really occur in their sources."""

import datetime
import importlib
from decimal import Decimal

import factory
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection

from policies.models import (
    Actor,
    Indicator,
    Observation,
    Plan,
    PublicationStatus,
    Sector,
    Source,
    Statement,
    StatementRollup,
    Target,
    Theme,
)

# Every kind of record, in the order the seeds and the imports load them.
RECORD_MODELS = [Source, Actor, Theme, Sector, Indicator, Plan, Target, Observation, Statement]

SOURCE_TEXT = (
    "First paragraph: the minister spoke about chips.\n\n"
    'Second paragraph: "We will build data centres", she said.\n\n'
    "Third paragraph: nothing else."
)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Report {n}")
    publisher = "Test Wire"
    kind = Source.Kind.NEWS_REPORT
    tier = Source.Tier.SECONDARY
    language = "en"
    published_on = datetime.date(2022, 1, 15)
    text = SOURCE_TEXT


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    slug = factory.Sequence(lambda n: f"actor-{n}")
    name = factory.Sequence(lambda n: f"Actor {n}")
    kind = Actor.Kind.PERSON
    jurisdiction = "CN"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.Sequence(lambda n: f"Theme {n}")
    colour = "#1f77b4"


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    slug = factory.Sequence(lambda n: f"sector-{n}")
    name = factory.Sequence(lambda n: f"Sector {n}")
    parent = None


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    slug = factory.Sequence(lambda n: f"plan-{n}")
    title = factory.Sequence(lambda n: f"规划 {n}")
    title_en = factory.Sequence(lambda n: f"Plan {n}")
    kind = Plan.Kind.FIVE_YEAR_PLAN
    issuer = factory.SubFactory(ActorFactory, kind=Actor.Kind.GOVERNMENT_BODY)
    signed_on = datetime.date(2021, 12, 12)
    published_on = datetime.date(2022, 1, 12)
    start_year = 2021
    end_year = 2025
    status = PublicationStatus.PUBLISHED


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    slug = factory.Sequence(lambda n: f"indicator-{n}")
    name = factory.Sequence(lambda n: f"指标 {n}")
    name_en = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "percent"
    kind = Indicator.Kind.SHARE


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    plan = factory.SubFactory(PlanFactory)
    slug = factory.Sequence(lambda n: f"target-{n}")
    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal("10")
    unit = "percent"
    baseline_value = Decimal("7.8")
    baseline_year = 2020
    target_year = 2025


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    indicator = factory.SubFactory(IndicatorFactory)
    period = "2023"
    value = Decimal("9.9")
    source = factory.SubFactory(SourceFactory)
    verified = True


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"statement-{n}")
    actor = factory.SubFactory(ActorFactory)
    kind = Statement.Kind.SPEECH
    headline = factory.Sequence(lambda n: f"Statement {n}")
    source = factory.SubFactory(SourceFactory)
    paragraph = 2
    excerpt = '"We will build data centres"'
    text_en = "We will build data centres."
    published_on = datetime.date(2022, 1, 15)
    status = PublicationStatus.PUBLISHED

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create:
            self.themes.set(extracted if extracted is not None else [ThemeFactory()])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("a-long-test-password-42")
    is_staff = True


def editors_group() -> Group:
    """The editors group that migrations 0002, 0012 and 0018 make, made again if a flush
    removed it.

    A transactional test empties every table when it ends, and a data migration is not run
    again: then the group is made again, with the migration's permissions.
    """
    group = Group.objects.filter(name="editors").first()
    if group is None:
        codenames = [
            f"{action}_{model}"
            for name in ("0002_editors_group", "0012_editors_indicators", "0018_editors_proposals")
            for migration in [importlib.import_module(f"policies.migrations.{name}")]
            for model in migration.EDITOR_MODELS
            for action in migration.EDITOR_ACTIONS
        ]
        group = Group.objects.create(name="editors")
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="policies", codename__in=codenames)
        )
    return group


def make_editor(**kwargs):
    """A staff user in the editors group that the migration creates."""
    user = UserFactory(**kwargs)
    user.groups.add(editors_group())
    return user


def empty_records() -> None:
    """Every table of the app emptied (records, their links, their history, the rollups): the
    database as the migrations leave it. Inside a test's transaction, the rollback brings the
    seeds back.

    Plain DELETEs, in any order, since both databases check these foreign keys at commit;
    one record at a time through the ORM (signals, history, rollups) took half a second."""
    models = apps.get_app_config("policies").get_models(include_auto_created=True)
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (the app's own table names)
    assert not any(model.objects.exists() for model in RECORD_MODELS)
    assert not StatementRollup.objects.exists()


def grow_dataset(times: int) -> None:
    """Add published statements, plans, targets and observations tagged like the seeds.

    Needs the seeds loaded: it reuses their themes, sectors, actor and French report."""
    themes = list(Theme.objects.all())
    sectors = list(Sector.objects.all())
    report = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
    actor = Statement.objects.first().actor
    for i in range(times):
        plan = PlanFactory(
            issuer=actor, published_on=datetime.date(2015 + i % 10, 1 + i % 12, 1), signed_on=None
        )
        plan.sectors.set(sectors[i % 5 : i % 5 + 3])
        plan.themes.set(themes[:2])
        target = TargetFactory(plan=plan, sector=sectors[i % len(sectors)], theme=themes[0])
        ObservationFactory(
            indicator=target.indicator, period="2022", value=Decimal("8.5"), source=report
        )
        for j in range(4):
            statement = StatementFactory(
                actor=actor,
                source=report,
                paragraph=3,
                excerpt="grande mais pas forte",
                published_on=datetime.date(2012 + (i + j) % 14, 1 + j, 10),
                themes=themes[j % 3 : j % 3 + 2],
            )
            statement.sectors.set(sectors[(i + j) % 10 : (i + j) % 10 + 2])
            statement.plans.add(plan)
            statement.targets.add(target)
