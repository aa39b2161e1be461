"""Move each target's indicator (two text fields) into an Indicator record, and each
observation from its target to that indicator, losing nothing.

Targets that name the same indicator in the same words and unit share one Indicator, unless
two of their figures for the same year and source differ in anything (value, note, locator,
release date, verification): those keep an indicator each, named after their plan, so that
no figure and no detail is dropped. Only a figure identical in every field is recorded once.
A unit is read from the target's two unit fields by the table below; a unit it does not know
stops the migration and names the target.
"""

from django.db import migrations
from django.utils.text import slugify

# The seeded targets' indicators, under the slugs the indicator pages use.
KNOWN_SLUGS = {
    "core-industries-share-of-gdp": "core-digital-share",
    "ipv6-active-users": "ipv6-active-users",
    "gigabit-broadband-users": "gigabit-users",
    "software-it-services-revenue": "software-revenue",
    "industrial-internet-penetration": "industrial-internet-penetration",
    "online-retail-sales": "online-retail-sales",
    "e-commerce-transactions": "ecommerce-volume",
}

# (unit as written, a word of the English unit) -> unit code (policies/units.py).
UNIT_CODES = {
    ("%", ""): "percent",
    ("万户", "household"): "wan-households",
    ("万户", "user"): "wan-users",
    ("亿户", "household"): "yi-households",
    ("亿户", "user"): "yi-users",
    ("万人", ""): "wan-people",
    ("亿元", ""): "yi-yuan",
    ("万亿元", ""): "wan-yi-yuan",
    ("亿斤", ""): "yi-jin",
    ("万亿斤", ""): "wan-yi-jin",
    ("EFLOPS", ""): "eflops",
    ("EB", ""): "exabytes",
    ("个/万人", ""): "per-10k-people",
    ("个", ""): "cities",
    ("户", "household"): "households",
    ("户", "user"): "users",
    ("人", ""): "people",
}

# What a figure says, beyond the year and source that place it.
FIGURE_FIELDS = ("value", "note", "locator", "released_on", "verified")


def said(observation):
    return tuple(getattr(observation, name) for name in FIGURE_FIELDS)


def unit_code(target):
    for (written, word), code in UNIT_CODES.items():
        if target.unit.strip() == written and word in target.unit_en.lower():
            return code
    raise RuntimeError(
        f"Target {target.plan.slug}/{target.slug} has the unit {target.unit!r} "
        f"({target.unit_en!r}), which policies/units.py does not know. Add the unit there "
        "and to this migration's table, then migrate again."
    )


def free_slug(model, wanted, taken):
    base = (slugify(wanted) or "indicator")[:100]
    if base.isdigit():
        base = f"indicator-{base}"
    slug, n = base, 2
    while slug in taken or model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def forwards(apps, schema_editor):
    Target = apps.get_model("policies", "Target")
    Observation = apps.get_model("policies", "Observation")
    Indicator = apps.get_model("policies", "Indicator")
    HistoricalIndicator = apps.get_model("policies", "HistoricalIndicator")

    groups = {}
    for target in Target.objects.select_related("plan").order_by("pk"):
        key = (target.indicator, target.indicator_en, unit_code(target))
        groups.setdefault(key, []).append(target)

    taken = set()
    for (name, name_en, code), targets in groups.items():
        figures = {}
        conflict = False
        for observation in Observation.objects.filter(target__in=targets):
            seen = figures.setdefault((observation.year, observation.source_id), said(observation))
            conflict = conflict or seen != said(observation)
        parts = [[t] for t in targets] if conflict else [targets]
        for part in parts:
            first = part[0]
            wanted = KNOWN_SLUGS.get(first.slug, name_en)
            if len(parts) > 1:
                wanted = f"{wanted}-{first.plan.slug}"
            indicator = Indicator.objects.create(
                slug=free_slug(Indicator, wanted, taken),
                name=name,
                name_en=name_en,
                unit=code,
                kind="share" if code == "percent" else "level",
                sector_id=first.sector_id,
                theme_id=first.theme_id,
            )
            HistoricalIndicator.objects.create(
                id=indicator.pk,
                slug=indicator.slug,
                name=name,
                name_en=name_en,
                aliases_zh="",
                aliases_en="",
                aliases_fr="",
                definition="",
                unit=code,
                kind=indicator.kind,
                sector_id=indicator.sector_id,
                theme_id=indicator.theme_id,
                notes="",
                history_date=_now(),
                history_type="+",
                history_change_reason="migration 0010",
            )
            for target in part:
                target.indicator_ref = indicator
                target.value = target.target_value
                target.unit = code
                target.sense = "lower" if target.direction == "decrease" else "higher"
                target.save(update_fields=["indicator_ref", "value", "unit", "sense"])
            seen_keys = set()
            for observation in Observation.objects.filter(target__in=part).order_by("pk"):
                key = (observation.year, observation.source_id)
                if key in seen_keys:
                    # The same figure for the same year from the same source, recorded
                    # under two targets of one indicator: one row says it.
                    observation.delete()
                    continue
                seen_keys.add(key)
                observation.indicator = indicator
                observation.period = str(observation.year)
                observation.unit = ""  # the indicator's own unit
                observation.indicator_value = observation.value
                observation.save(update_fields=["indicator", "period", "unit", "indicator_value"])

    _fill_history(apps)


def _fill_history(apps):
    """The history rows take the new fields too: a target's from its record (or, for a
    deleted one, its own unit text), an observation's from its target's indicator."""
    Target = apps.get_model("policies", "Target")
    HistoricalTarget = apps.get_model("policies", "HistoricalTarget")
    HistoricalObservation = apps.get_model("policies", "HistoricalObservation")
    live = {t.pk: t for t in Target.objects.all()}
    for row in HistoricalTarget.objects.all():
        target = live.get(row.id)
        if target is not None:
            row.indicator_ref_id, code = target.indicator_ref_id, target.unit
        else:
            code = next(
                (
                    c
                    for (written, word), c in UNIT_CODES.items()
                    if row.unit.strip() == written and word in row.unit_en.lower()
                ),
                # A unit the table does not know, of a target since deleted: its text, cut
                # to what the column keeps from migration 0011 on.
                row.unit.strip()[:30],
            )
        row.value = row.target_value
        row.unit = code
        row.sense = "lower" if row.direction == "decrease" else "higher"
        row.save(update_fields=["indicator_ref", "value", "unit", "sense"])
    for row in HistoricalObservation.objects.all():
        target = live.get(row.target_id)
        row.indicator_id = target.indicator_ref_id if target is not None else None
        row.period = str(row.year)
        row.unit = ""
        row.indicator_value = row.value
        row.save(update_fields=["indicator", "period", "unit", "indicator_value"])


def _now():
    from django.utils import timezone

    return timezone.now()


class Migration(migrations.Migration):
    dependencies = [("policies", "0009_indicators_added")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
