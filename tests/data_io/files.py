"""Files to import, made up for the tests, and what the database holds before and after."""

from tests.factories import RECORD_MODELS


def snapshot() -> dict[str, int]:
    """How many records of each kind, and history rows, the database holds."""
    return {m.__name__: m.objects.count() for m in RECORD_MODELS} | {
        f"{m.__name__} history": m.history.count() for m in RECORD_MODELS
    }


TARGET_HEADER = (
    "plan,slug,indicator,value,unit,qualifier,sense,baseline_value,baseline_year,target_year,"
    "kind,sector,theme,source,locator,paragraph,excerpt,supersedes,notes\n"
)
TARGET_ROW = {
    "plan": "14th-fyp-digital-economy",
    "slug": "new-target",
    "indicator": "core-digital-share",
    "value": "12",
    "unit": "percent",
    "qualifier": "exact",
    "sense": "higher",
    "baseline_value": "7.8",
    "baseline_year": "2020",
    "target_year": "2027",
    "kind": "unknown",
    "sector": "",
    "theme": "",
    "source": "",
    "locator": "",
    "paragraph": "",
    "excerpt": "",
    "supersedes": "",
    "notes": "",
}


def target_csv(*rows: dict[str, str], **cells: str) -> bytes:
    """A targets file: a good row, then each of ``rows`` (or one row with ``cells``)."""
    rows = rows or (cells,)
    lines = [
        ",".join((TARGET_ROW | {"slug": f"new-target-{n}"} | row).values())
        for n, row in enumerate(rows, start=1)
    ]
    return (TARGET_HEADER + ",".join(TARGET_ROW.values()) + "\n" + "\n".join(lines)).encode()


OBSERVATION_HEADER = (
    "indicator,period,value,unit,qualifier,published_on,source,locator,verified,supersedes,note\n"
)
OBSERVATION_ROW = {
    "indicator": "gigabit-users",
    "period": "2031",
    "value": "3",
    "unit": "yi-households",
    "qualifier": "about",
    "published_on": "2032-01-20",
    "source": "",
    "locator": "",
    "verified": "false",
    "supersedes": "",
    "note": "",
}


def observation_csv(**cells: str) -> bytes:
    """An observations file: a good row, then one with ``cells``."""
    bad = OBSERVATION_ROW | {"period": "2032"} | cells
    return (
        OBSERVATION_HEADER
        + ",".join(OBSERVATION_ROW.values())
        + "\n"
        + ",".join(bad.values())
        + "\n"
    ).encode()
