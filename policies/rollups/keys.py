"""Rollup keys: which counts one published statement adds one to. Pure but for
``ancestors_map``, which reads the sector tree (one query)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from policies.models import Sector, Statement, StatementRollup

Key = tuple[str, str, int, int, int]  # scope, measure, month, theme, sector
Measure = StatementRollup.Measure

Row = tuple[int, int, str, int, list[int], list[int]]  # pk, actor, kind, month, themes, sectors


def models_for(apps: Any = None) -> tuple[Any, Any, Any]:
    """The live models, or a migration's historical ones."""
    if apps is None:
        return Statement, Sector, StatementRollup
    return tuple(
        apps.get_model("policies", name) for name in ("Statement", "Sector", "StatementRollup")
    )


def ancestors_map(apps: Any = None) -> dict[int, tuple[int, ...]]:
    """Each sector's id with its ancestors' ids (the tree is small: one query)."""
    parents = dict(models_for(apps)[1].objects.values_list("pk", "parent_id"))
    result = {}
    for pk in parents:
        chain, node, seen = [], pk, set()
        while node is not None and node not in seen:  # `seen` guards a corrupt cycle
            seen.add(node)
            chain.append(node)
            node = parents.get(node)
        result[pk] = tuple(chain)
    return result


def contribution(
    *,
    actor: int,
    kind: str,
    month: int,
    themes: Iterable[int],
    sectors: Iterable[int],
    ancestors: dict[int, tuple[int, ...]],
) -> list[Key]:
    """The keys one published statement adds one to (pure; see the module docstring)."""
    themes = sorted(set(themes))
    sectors = sorted(set(sectors))
    local = [(Measure.MONTH.value, month, 0, 0)]
    local += [(Measure.MONTH_THEME.value, month, t, 0) for t in themes or [0]]
    local += [(Measure.THEME_SECTOR.value, 0, t, s) for t in themes for s in sectors]
    local += [(Measure.SECTOR.value, 0, 0, s) for s in sectors]
    closure = {a for s in sectors for a in ancestors.get(s, (s,))}
    scopes = [
        "",
        f"a{actor}",
        f"k{kind}",
        *(f"t{t}" for t in themes),
        *(f"s{s}" for s in sorted(closure)),
    ]
    return [(scope, *key) for scope in scopes for key in local]


def month_of(day: Any) -> int:
    """A date as the yyyymm number the rollups key months by."""
    return day.year * 100 + day.month
