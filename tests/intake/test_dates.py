"""Date phrases: found first, then resolved against the document's date."""

from datetime import date

import pytest
from django.conf import settings

from policies.intake.extract.dates import find_dates, phrases, resolve
from policies.intake.extract.shapes import Document
from policies.models.excerpts import paragraph_split

MONDAY = date(2022, 1, 17)  # the seed report's day: "samedi" is the 15th, "mercredi" the 12th

SEEDS = settings.BASE_DIR / "seeds"


def found(text: str, language: str) -> list[str]:
    return [phrase for _, _, phrase in phrases(text, language)]


@pytest.mark.parametrize(
    ("phrase", "language", "expected"),
    [
        ("2022年1月17日", "zh", ("2022-01-17", "day")),
        ("1月17日", "zh", ("2022-01-17", "day")),
        ("2022年1月", "zh", ("2022-01", "month")),
        ("今年", "zh", ("2022", "year")),
        ("去年", "zh", ("2021", "year")),
        ("明年", "zh", ("2023", "year")),
        ("2025年", "zh", ("2025", "year")),
        ("二〇三五年", "zh", ("2035", "year")),
        ("二〇二一年十二月十二日", "zh", ("2021-12-12", "day")),
        ("星期六", "zh", ("2022-01-15", "day")),
        ("上周三", "zh", ("2022-01-12", "day")),
        ("15日", "zh", ("2022-01-15", "day")),
        ("17日", "zh", ("2022-01-17", "day")),
        ("20日", "zh", ("2021-12-20", "day")),
        ("17 janvier 2022", "fr", ("2022-01-17", "day")),
        ("17 janvier", "fr", ("2022-01-17", "day")),
        ("1er mars 2021", "fr", ("2021-03-01", "day")),
        ("janvier 2022", "fr", ("2022-01", "month")),
        ("samedi", "fr", ("2022-01-15", "day")),
        ("Samedi", "fr", ("2022-01-15", "day")),
        ("mercredi", "fr", ("2022-01-12", "day")),
        ("mercredi dernier", "fr", ("2022-01-12", "day")),
        ("lundi", "fr", ("2022-01-17", "day")),
        ("lundi dernier", "fr", ("2022-01-10", "day")),
        ("hier", "fr", ("2022-01-16", "day")),
        ("aujourd'hui", "fr", ("2022-01-17", "day")),
        ("l'an dernier", "fr", ("2021", "year")),
        ("2020", "fr", ("2020", "year")),
        ("January 17, 2022", "en", ("2022-01-17", "day")),
        ("17 January 2022", "en", ("2022-01-17", "day")),
        ("January 2022", "en", ("2022-01", "month")),
        ("Saturday", "en", ("2022-01-15", "day")),
        ("last Wednesday", "en", ("2022-01-12", "day")),
        ("yesterday", "en", ("2022-01-16", "day")),
        ("last month", "en", ("2021-12", "month")),
    ],
)
def test_resolve_reads_each_phrase_against_the_document_date(phrase, language, expected):
    assert resolve(phrase, language, MONDAY) == expected


def test_a_weekday_is_never_resolved_into_the_future():
    for offset in range(7):
        published = date(2022, 1, 10 + offset)
        for weekday in ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"):
            resolved = resolve(weekday, "fr", published)
            assert resolved is not None
            day = date.fromisoformat(resolved[0])
            assert published - day < date.resolution * 7
            assert day <= published


def test_a_day_without_its_year_takes_the_year_nearest_the_document():
    assert resolve("28 décembre", "fr", date(2022, 1, 5)) == ("2021-12-28", "day")
    assert resolve("3 janvier", "fr", date(2021, 12, 30)) == ("2022-01-03", "day")


def test_phrases_that_need_a_document_date_resolve_to_nothing_without_one():
    assert resolve("samedi", "fr", None) is None
    assert resolve("1月17日", "zh", None) is None
    assert resolve("last year", "en", None) is None
    assert resolve("17 janvier 2022", "fr", None) == ("2022-01-17", "day")


def test_impossible_days_and_unknown_phrases_resolve_to_nothing():
    assert resolve("30 février 2022", "fr", MONDAY) is None
    assert resolve("十四五", "zh", MONDAY) is None
    assert resolve("10% by 2025", "en", MONDAY) is None


def test_a_number_by_a_year_is_a_year_phrase_at_most():
    assert phrases("Raise the share to 10% by 2025.", "en") == [(26, 30, "2025")]
    assert found("porter la part à 10 % d'ici 2025, contre 7,8 % en 2020", "fr") == [
        "2025",
        "2020",
    ]
    assert found("到2025年，数字经济核心产业增加值占比达到10%。", "zh") == ["2025年"]


def test_a_bare_number_is_a_year_only_after_a_cue_word():
    assert found("Il compte 2025 salariés et 1 000 usines.", "fr") == []
    assert found("the 2025 target of 2021 firms", "en") == []
    assert found("between 2021 and 2025", "en") == ["2021", "2025"]
    assert found("la période 2021-2025", "fr") == ["2021", "2025"]


def test_the_longest_phrase_wins_where_two_overlap():
    assert found("Le lundi 17 janvier 2022, hier et samedi.", "fr") == [
        "lundi 17 janvier 2022",
        "hier",
        "samedi",
    ]
    assert found("国务院于2021年12月12日印发，1月12日公布。", "zh") == [
        "2021年12月12日",
        "1月12日",
    ]


def test_chinese_period_names_and_counts_are_not_dates():
    assert found("“十四五”时期，城镇新增就业1200万人以上，每周一次。", "zh") == []


def test_a_weekday_said_to_be_next_is_not_proposed():
    assert found("samedi prochain", "fr") == []
    assert found("next Monday", "en") == []
    assert found("下周一", "zh") == []


def test_find_dates_on_the_seed_report():
    text = (SEEDS / "sources" / "xi-qiushi-digital-economy-2022-01.fr.txt").read_text()
    document = Document(tuple(paragraph_split(text)), "fr", MONDAY)

    proposals = find_dates(document)

    assert [(p.paragraph, p.excerpt, p.fields) for p in proposals] == [
        (1, "samedi", {"text": "samedi", "resolved": "2022-01-15", "granularity": "day"}),
        (7, "mercredi", {"text": "mercredi", "resolved": "2022-01-12", "granularity": "day"}),
    ]
    for p in proposals:
        paragraph = document.paragraphs[p.paragraph - 1]
        assert paragraph[p.start : p.start + len(p.excerpt)] == p.excerpt
        assert p.kind == "date"
        assert p.rule == "date.fr.weekday"


def test_find_dates_leaves_out_what_cannot_be_resolved():
    document = Document(("Paru samedi, le rapport vise 2025. En 2020, rien.",), "fr", None)

    proposals = find_dates(document)

    assert [(p.excerpt, p.fields["resolved"], p.fields["granularity"]) for p in proposals] == [
        ("2020", "2020", "year")
    ]


def test_a_bare_chinese_day_is_never_resolved_into_the_future():
    counts = []
    for published in (date(2022, 1, 17), date(2022, 3, 1), date(2024, 3, 30)):
        values = [resolve(f"{day}日", "zh", published) for day in range(1, 32)]
        days = [date.fromisoformat(v[0]) for v in values if v is not None]
        counts.append(len(days))
        for value in days:
            assert value <= published
            assert published - value < date.resolution * 31
    # January 17th: all 31 (18th–31st of December); March 1st: the 1st and February's 2nd–28th;
    # 30 March 2024: the 1st–30th (February 2024 has no 31st).
    assert counts == [31, 28, 30]

    # The month before has no such day: nothing, rather than a guess.
    assert resolve("30日", "zh", date(2022, 3, 1)) is None
    assert resolve("30日", "zh", date(2022, 3, 31)) == ("2022-03-30", "day")
    assert resolve("15日", "zh", None) is None


def test_a_bare_chinese_day_is_found_but_not_a_count_of_days():
    assert found("国务院总理李强15日表示，要稳增长。", "zh") == ["15日"]
    assert found("会议1月15日召开，3日起实施。", "zh") == ["1月15日", "3日"]
    assert found("每3日报告一次，须在30日内完成，第2日复核，收费5日元，近7日平稳。", "zh") == []


def test_find_dates_proposes_a_bare_chinese_day():
    document = Document(("国务院总理李强15日表示，要稳增长。",), "zh", MONDAY)

    proposals = find_dates(document)

    assert [(p.excerpt, p.rule, p.fields["resolved"]) for p in proposals] == [
        ("15日", "date.zh.day", "2022-01-15")
    ]
