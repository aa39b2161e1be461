"""Units as plans and statistical releases write them, and how one converts to another.

Chinese documents count in 万 (10,000) and 亿 (100 million): a plan promises "6000 万户",
a ministry reports the same indicator in 亿户. Each unit here is written down once, with the
quantity it counts and its factor to that quantity's base, so a conversion is looked up,
never guessed from the text of a unit. Two units convert only when they count the same
quantity. Pure: no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.text import format_lazy
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class UnitError(ValueError):
    """Two units that count different things, or a unit code the tracker does not know."""


@dataclass(frozen=True)
class Quantity:
    """What a unit counts, in words for each language: ``words`` follows a plain number
    ("640 households"), ``scaled`` a scale word ("6.4 million households"), which French
    joins with "de" ("6,4 millions de ménages")."""

    code: str
    words: StrOrPromise
    scaled: StrOrPromise
    # A symbol after the number ("7.8 %", "300 EFLOPS"), never scaled into words.
    symbol: bool = False


PERCENT = Quantity("percent", "%s %%", "%s %%", symbol=True)
HOUSEHOLDS = Quantity(
    "households", _("%s households"), pgettext_lazy("after million", "%s households")
)
USERS = Quantity("users", _("%s users"), pgettext_lazy("after million", "%s users"))
PEOPLE = Quantity("people", _("%s people"), pgettext_lazy("after million", "%s people"))
YUAN = Quantity("yuan", _("%s yuan"), pgettext_lazy("after million", "%s yuan"))
JIN = Quantity("jin", _("%s jin"), pgettext_lazy("after million", "%s jin"))
CITIES = Quantity("cities", _("%s cities"), pgettext_lazy("after million", "%s cities"))
PER_10K_PEOPLE = Quantity(
    "per-10k-people",
    _("%s per 10,000 people"),
    pgettext_lazy("after million", "%s per 10,000 people"),
)
EFLOPS = Quantity("eflops", "%s EFLOPS", "%s EFLOPS", symbol=True)
EXABYTES = Quantity("exabytes", "%s EB", "%s EB", symbol=True)


@dataclass(frozen=True)
class Unit:
    code: str
    written: str  # as documents write it: 万户, 万亿元, %
    quantity: Quantity
    factor: Decimal  # how many of the quantity's base one of this unit is
    label: StrOrPromise  # the unit in words: "10,000 households"


WAN = Decimal(10_000)
YI = Decimal(100_000_000)
WAN_YI = WAN * YI

UNITS: dict[str, Unit] = {
    unit.code: unit
    for unit in (
        Unit("percent", "%", PERCENT, Decimal(1), _("per cent")),
        Unit("households", "户", HOUSEHOLDS, Decimal(1), _("households")),
        Unit("wan-households", "万户", HOUSEHOLDS, WAN, _("10,000 households")),
        Unit("yi-households", "亿户", HOUSEHOLDS, YI, _("100 million households")),
        Unit("users", "户", USERS, Decimal(1), _("users")),
        Unit("wan-users", "万户", USERS, WAN, _("10,000 users")),
        Unit("yi-users", "亿户", USERS, YI, _("100 million users")),
        Unit("people", "人", PEOPLE, Decimal(1), _("people")),
        Unit("wan-people", "万人", PEOPLE, WAN, _("10,000 people")),
        Unit("yi-yuan", "亿元", YUAN, YI, _("100 million yuan")),
        Unit("wan-yi-yuan", "万亿元", YUAN, WAN_YI, _("trillion yuan")),
        Unit("yi-jin", "亿斤", JIN, YI, _("100 million jin")),
        Unit("wan-yi-jin", "万亿斤", JIN, WAN_YI, _("trillion jin")),
        Unit("cities", "个", CITIES, Decimal(1), _("cities")),
        Unit("per-10k-people", "个/万人", PER_10K_PEOPLE, Decimal(1), _("per 10,000 people")),
        Unit("eflops", "EFLOPS", EFLOPS, Decimal(1), _("exaFLOPS, 10¹⁸ operations a second")),
        Unit("exabytes", "EB", EXABYTES, Decimal(1), _("exabytes")),
    )
}


def choices() -> list[tuple[str, StrOrPromise]]:
    """The units as model choices: the code, shown as written and in words."""
    # Lazy, so that the admin's menus read in the editor's language.
    return [
        (code, format_lazy("{} ({})", unit.written, unit.label)) for code, unit in UNITS.items()
    ]


def unit(code: str) -> Unit:
    try:
        return UNITS[code]
    except KeyError:
        raise UnitError(f"unknown unit {code!r}; the tracker knows: {', '.join(UNITS)}") from None


def convert(value: Decimal, *, from_unit: str, to_unit: str) -> Decimal:
    """``value`` in ``from_unit``, expressed in ``to_unit``: exact, as both are decimal."""
    source, target = unit(from_unit), unit(to_unit)
    if source.quantity != target.quantity:
        raise UnitError(
            f"{source.written} ({source.label}) does not convert to "
            f"{target.written} ({target.label}): they count different things"
        )
    if source.factor == target.factor:
        return value
    return value * source.factor / target.factor


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros or an exponent: 6000.0000 → "6000"."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def number(value: Decimal | float | int) -> str:
    """A number in the active language's format, grouped: 6,000.5 or 6 000,5."""
    decimal = value if isinstance(value, Decimal) else Decimal(str(value))
    digits = plain(decimal)
    places = len(digits.partition(".")[2])
    return formats.number_format(decimal, decimal_pos=places, use_l10n=True, force_grouping=True)


# Large counts in words. French uses the long scale: a billion is "milliard", and a
# trillion reads "mille milliards", so French stops at milliards.
_SCALES = {
    "en": (
        (Decimal(10) ** 12, "trillion"),
        (Decimal(10) ** 9, "billion"),
        (Decimal(10) ** 6, "million"),
    ),
    "fr": ((Decimal(10) ** 9, "milliards"), (Decimal(10) ** 6, "millions")),
}


def _french() -> bool:
    return (get_language() or "en").startswith("fr")


def _scaled(count: Decimal) -> str | None:
    """``count`` with a scale word ("60 million"), or None below a million."""
    for size, word in _SCALES["fr" if _french() else "en"]:
        if abs(count) >= size:
            scaled = count / size
            if _french() and abs(scaled) < 2:
                word = word[:-1]  # "1,4 milliard", "1 million"
            return f"{number(scaled)} {word}"
    return None


@dataclass(frozen=True)
class Readable:
    """A value as a reader reads it, and as the document wrote it."""

    words: str  # 60 million households
    product: str  # 6,000 × 10,000 (empty when the unit has no multiplier)
    written: str  # 6,000 万户 (empty when it reads the same as the words)
    # Between the two: French sets a narrow no-break space before a semicolon.
    separator: str = "; "

    def __str__(self) -> str:
        detail = self.separator.join(part for part in (self.product, self.written) if part)
        return f"{self.words} ({detail})" if detail else self.words


_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _factor(factor: Decimal) -> str:
    """A unit's multiplier as a reader checks it: 10,000 in full, larger ones as a power
    of ten (10⁸, 10¹²), whose zeros nobody counts."""
    exponent = len(plain(factor)) - 1
    if factor >= 1_000_000 and factor == Decimal(10) ** exponent:
        return "10" + str(exponent).translate(_SUPERSCRIPTS)
    return number(factor)


def readable(value: Decimal, code: str) -> Readable:
    """``value`` in unit ``code`` in the active language's words, with the multiplication
    and the unit as written beside them: "60 million households (6,000 × 10,000; 6,000 万户)"."""
    written = unit(code)
    quantity = written.quantity
    if quantity.symbol:
        text = str(quantity.words) % number(value)
        if quantity is PERCENT:
            # English sets no space before a per cent sign; French a no-break one.
            text = text.replace(" %", "\u202f%" if _french() else "%")
        return Readable(text, "", "")
    count = value * written.factor
    scaled = _scaled(count)
    text = str(quantity.scaled) % scaled if scaled else str(quantity.words) % number(count)
    product = f"{number(value)} × {_factor(written.factor)}" if written.factor != 1 else ""
    as_written = f"{number(value)} {written.written}" if written.factor != 1 else ""
    return Readable(text, product, as_written, "\u202f; " if _french() else "; ")
