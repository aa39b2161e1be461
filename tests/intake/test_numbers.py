"""The number reader: values, scales, units as written, qualifiers and spans, in Chinese,
French and English, on sentences written for these tests."""

from decimal import Decimal

import pytest

from policies.intake.extract.numbers import find_numbers


def read(text: str, language: str) -> list[tuple[str, Decimal, Decimal, str, str]]:
    """Each number as (its span's text, value, scale, unit as written, qualifier)."""
    return [
        (text[n.start : n.end], n.value, n.scale, n.unit, n.qualifier)
        for n in find_numbers(text, language)
    ]


def test_chinese_scales_units_and_qualifiers_after_the_number() -> None:
    text = "增长6.5%左右；就业1000万人以上，失业率5%以内；产量保持在1.2万亿斤以上，用户达到7亿户。"
    assert read(text, "zh") == [
        ("6.5%左右", Decimal("6.5"), Decimal(1), "%", "about"),
        ("1000万人以上", Decimal(1000), Decimal(10_000), "万人", "at_least"),
        ("5%以内", Decimal(5), Decimal(1), "%", "at_most"),
        ("1.2万亿斤以上", Decimal("1.2"), Decimal(10) ** 12, "万亿斤", "at_least"),
        ("7亿户", Decimal(7), Decimal(10) ** 8, "亿户", "exact"),
    ]


def test_chinese_qualifiers_before_the_number() -> None:
    text = "首次跃上1.5万亿斤，减负超过3万亿元，救助近500万人，不超过4%，惠及2000多万人。"
    assert [(span, qualifier) for span, *_, qualifier in read(text, "zh")] == [
        ("首次跃上1.5万亿斤", "at_least"),
        ("超过3万亿元", "at_least"),
        ("近500万人", "about"),
        ("不超过4%", "at_most"),
        ("2000多万人", "at_least"),
    ]


def test_the_full_width_per_cent_sign_is_a_per_cent() -> None:
    [number] = find_numbers("价格上涨1.8％", "zh")
    assert (number.value, number.counter, number.unit) == (Decimal("1.8"), "％", "％")


def test_years_dates_document_numbers_ordinals_and_names_are_not_quantities() -> None:
    text = "2031年4月6日，国发〔2030〕12号，第3次，推进5G和6G，PM2.5，IPv6，30年不变，增长7%。"
    assert read(text, "zh") == [("7%", Decimal(7), Decimal(1), "%", "exact")]


def test_count_applies_the_scale() -> None:
    [number] = find_numbers("新增就业1250万人", "zh")
    assert number.count == Decimal(12_500_000)


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f", "\u2009"])
def test_french_thousands_set_apart_by_any_space(space: str) -> None:
    [number] = find_numbers(f"soit 1{space}250 villes", "fr")
    assert (number.value, number.unit) == (Decimal(1250), "villes")


def test_french_decimal_comma_scales_and_qualifiers() -> None:
    text = (
        "une part de 8,4 % en 2029, environ 12 % d'ici 2035, au moins 2,5 milliards de "
        "yuans et plus de 16 mille milliards de yuans"
    )
    assert read(text, "fr") == [
        ("8,4 %", Decimal("8.4"), Decimal(1), "%", "exact"),
        ("environ 12 %", Decimal(12), Decimal(1), "%", "about"),
        (
            "au moins 2,5 milliards de yuans",
            Decimal("2.5"),
            Decimal(10) ** 9,
            "milliards de yuans",
            "at_least",
        ),
        (
            "plus de 16 mille milliards de yuans",
            Decimal(16),
            Decimal(10) ** 12,
            "mille milliards de yuans",
            "at_least",
        ),
    ]


def test_french_technology_names_are_not_numbers() -> None:
    assert find_numbers("la 6G et la 5G avancée", "fr") == []


def test_english_grouping_scales_and_qualifiers() -> None:
    text = (
        "about 6.1% in 2029, at least 1,250 people, more than 1.5 million households, "
        "over 15 trillion yuan, 300 EFLOPS or more"
    )
    assert read(text, "en") == [
        ("about 6.1%", Decimal("6.1"), Decimal(1), "%", "about"),
        ("at least 1,250 people", Decimal(1250), Decimal(1), "people", "at_least"),
        (
            "more than 1.5 million households",
            Decimal("1.5"),
            Decimal(10) ** 6,
            "million households",
            "at_least",
        ),
        ("over 15 trillion yuan", Decimal(15), Decimal(10) ** 12, "trillion yuan", "at_least"),
        ("300 EFLOPS or more", Decimal(300), Decimal(1), "EFLOPS", "at_least"),
    ]


def test_a_grouped_number_is_not_taken_for_a_year() -> None:
    assert read("by 2035, 2,030 cities", "en") == [
        ("2,030 cities", Decimal(2030), Decimal(1), "cities", "exact")
    ]


def test_a_number_without_scale_or_unit_is_bare() -> None:
    first, second = find_numbers("version 3 of 40 million", "en")
    assert (first.bare, second.bare) == (True, False)


def test_a_word_ending_like_a_qualifier_is_no_qualifier() -> None:
    [number] = find_numbers("moreover 5% of them", "en")
    assert (number.qualifier, number.start) == ("exact", 9)


def test_spans_point_into_the_text() -> None:
    text = "城镇调查失业率平均为5.3%，粮食产量1.41万亿斤。"
    spans = [text[n.numeral_start : n.numeral_end] for n in find_numbers(text, "zh")]
    assert spans == ["5.3", "1.41"]


@pytest.mark.parametrize(
    ("text", "language", "count"),
    [
        ("14万亿元", "zh", Decimal(14) * 10**12),
        ("8亿户", "zh", Decimal(8) * 10**8),
        ("2.5 billion yuan", "en", Decimal("2.5") * 10**9),
        ("1.5 trillion yuan", "en", Decimal("1.5") * 10**12),
        ("1,5 milliard de yuans", "fr", Decimal("1.5") * 10**9),
        ("3 millions de ménages", "fr", Decimal(3) * 10**6),
    ],
)
def test_scale_words(text: str, language: str, count: Decimal) -> None:
    [number] = find_numbers(text, language)
    assert number.count == count
