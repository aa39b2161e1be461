"""Targets and results: their role, indicator, value, unit, qualifier, year and excerpt,
on paragraphs written for these tests (the reports' own sentences stay out of the
repository) and on the seed report."""

from datetime import date
from typing import Any

import pytest
from django.conf import settings

from policies.intake.extract.figure_names import latin_name, zh_name
from policies.intake.extract.figures import MAX_SENTENCE, find_figures
from policies.intake.extract.shapes import Document, IndicatorNames, Lexicon, Proposed
from policies.models.excerpts import paragraph_split

LEXICON = Lexicon(
    indicators=(
        IndicatorNames("gdp-growth", "percent", ("国内生产总值增长", "经济增长", "GDP growth")),
        IndicatorNames("jobs", "wan-people", ("城镇新增就业", "new urban jobs")),
        IndicatorNames("jobless", "percent", ("城镇调查失业率", "taux de chômage urbain")),
        IndicatorNames("grain", "wan-yi-jin", ("粮食产量", "production céréalière")),
        IndicatorNames("gigabit", "wan-households", ("千兆宽带用户数", "gigabit broadband users")),
        IndicatorNames("ipv6", "yi-users", ("IPv6活跃用户数",)),
        IndicatorNames(
            "digital-share", "percent", ("数字经济核心产业增加值占GDP比重", "part du numérique")
        ),
        IndicatorNames("cities", "cities", ("villes gigabit",)),
    )
)


def figures(
    language: str, *paragraphs: str, published: date | None = date(2030, 3, 5)
) -> list[Proposed]:
    document = Document(paragraphs=paragraphs, language=language, published=published)
    found = find_figures(document, LEXICON)
    for proposal in found:  # every excerpt is its paragraph's text at ``start``
        text = paragraphs[proposal.paragraph - 1]
        assert text[proposal.start : proposal.start + len(proposal.excerpt)] == proposal.excerpt
    return found


def facts(found: list[Proposed]) -> list[tuple[Any, ...]]:
    return [
        (p.kind, p.fields["indicator"], p.fields["value"], p.fields["qualifier"], p.fields["year"])
        for p in found
    ]


GOALS = (
    "今年是关键之年。今年发展主要预期目标是：国内生产总值增长6.5%左右；城镇新增就业1000万人以上，"
    "城镇调查失业率5%以内；居民收入稳步增长；粮食产量保持在1.2万亿斤以上。"
)


def test_a_list_of_goals_gives_one_target_each_for_this_year() -> None:
    found = figures("zh", GOALS)
    assert facts(found) == [
        ("target", "gdp-growth", 6.5, "about", 2030),
        ("target", "jobs", 1000, "at_least", 2030),
        ("target", "jobless", 5, "at_most", 2030),
        ("target", "grain", 1.2, "at_least", 2030),
    ]
    assert [p.excerpt for p in found] == [
        "国内生产总值增长6.5%左右",
        "城镇新增就业1000万人以上",
        "城镇调查失业率5%以内",
        "粮食产量保持在1.2万亿斤以上",
    ]
    assert {p.rule for p in found} == {"figure.target.goal-list"}
    assert found[1].fields["unit"] == "wan-people"
    assert found[3].fields["unit"] == "wan-yi-jin"
    assert found[0].confidence == 0.95


REVIEW = (
    "一、2029年工作回顾",
    "——经济保持发展。国内生产总值达到150万亿元，增长4.8%。城镇新增就业1300万人，城镇调查失业率平均为"
    "5.2%，对全球经济增长的贡献率保持在28%左右。",
)


def test_a_review_reports_results_of_its_year_and_carries_a_subject_to_its_verb() -> None:
    _, growth, jobs, jobless, _ = figures("zh", *REVIEW)
    assert facts([growth, jobs, jobless]) == [
        ("observation", "gdp-growth", 4.8, "exact", 2029),
        ("observation", "jobs", 1300, "exact", 2029),
        ("observation", "jobless", 5.2, "exact", 2029),
    ]
    assert growth.excerpt == "国内生产总值达到150万亿元，增长4.8%"
    assert growth.fields["period"] == "2029"
    assert growth.rule == "figure.observation.review"


def test_a_figure_of_an_unknown_indicator_is_proposed_with_its_words_and_less_confidence() -> None:
    level, growth, *_ = figures("zh", *REVIEW)
    assert level.fields == {
        "indicator": "国内生产总值",
        "indicator_matched": False,
        "value": 150,
        "unit": "万亿元",
        "qualifier": "exact",
        "year": 2029,
        "period": "2029",
    }
    assert level.confidence < growth.confidence


def test_the_longest_name_wins_and_its_unit_must_fit() -> None:
    lexicon = Lexicon(
        indicators=(
            IndicatorNames("gdp", "wan-yi-yuan", ("国内生产总值",)),
            IndicatorNames("gdp-growth", "percent", ("国内生产总值增长",)),
            IndicatorNames("energy", "percent", ("单位国内生产总值能耗降低",)),
        )
    )
    goals = "今年发展主要预期目标是：国内生产总值增长6%左右；单位国内生产总值能耗降低2%左右。"
    review = "国内生产总值达到150万亿元，国内生产总值占比为7%。"
    document = Document((goals, "一、2029年工作回顾", review), "zh", date(2030, 3, 5))
    found = find_figures(document, lexicon)
    assert [(p.fields["indicator"], p.fields["unit"]) for p in found] == [
        ("gdp-growth", "percent"),
        ("energy", "percent"),
        ("gdp", "wan-yi-yuan"),
        ("国内生产总值占比", "%"),  # a per cent is no amount of yuan
    ]


def test_a_name_that_only_qualifies_another_noun_does_not_name_the_figure() -> None:
    *_, share = figures("zh", *REVIEW)
    assert (share.fields["indicator_matched"], share.fields["value"]) == (False, 28)


def test_a_deadline_sets_targets_with_their_baseline() -> None:
    [share, gigabit, ipv6] = figures(
        "zh",
        "到2035年，数字经济核心产业增加值占GDP比重从2030年的9.5%提高到12%，千兆宽带用户数达到"
        "9000万户，IPv6活跃用户数达到9亿户。",
    )
    assert share.fields == {
        "indicator": "digital-share",
        "indicator_matched": True,
        "value": 12,
        "unit": "percent",
        "qualifier": "exact",
        "year": 2035,
        "baseline_value": 9.5,
        "baseline_year": 2030,
    }
    assert share.rule == "figure.target.by-year"
    # 万户 and 亿户 take the unit of the indicator's own quantity: households or users.
    assert (gigabit.fields["unit"], gigabit.fields["value"]) == ("wan-households", 9000)
    assert (ipv6.fields["unit"], ipv6.fields["value"]) == ("yi-users", 9)


def test_english_and_french_targets_baselines_and_conversions() -> None:
    [en_share, en_gigabit] = figures(
        "en",
        "The plan aims to raise the part du numérique from 9.5% in 2030 to 12% by 2035.",
        "It targets 90 million gigabit broadband users by 2035.",
    )
    assert (en_share.fields["baseline_value"], en_share.fields["baseline_year"]) == (9.5, 2030)
    assert en_share.start == 0
    assert (en_gigabit.fields["value"], en_gigabit.fields["unit"]) == (9000, "wan-households")
    [fr_share, fr_cities] = figures(
        "fr",
        "Le plan vise à porter la part du numérique à 12 % d'ici 2035, contre 9,5 % en 2030. "
        "Le plan prévoit environ 1 200 villes gigabit d'ici 2035.",
    )
    assert facts([fr_share, fr_cities]) == [
        ("target", "digital-share", 12, "exact", 2035),
        ("target", "cities", 1200, "about", 2035),
    ]
    assert (fr_share.fields["baseline_value"], fr_share.fields["baseline_year"]) == (9.5, 2030)
    assert fr_cities.excerpt == "Le plan prévoit environ 1 200 villes gigabit d'ici 2035."


def test_striving_for_a_figure_sets_a_target() -> None:
    assert facts(figures("zh", "今年力争城镇新增就业1100万人以上。")) == [
        ("target", "jobs", 1100, "at_least", 2030)
    ]


def test_a_baseline_beside_a_result_is_a_result_of_its_own_year() -> None:
    found = figures("en", "Last year GDP growth reached 5.9%, up from 5.2% in 2028.")
    assert facts(found) == [
        ("observation", "gdp-growth", 5.9, "exact", 2029),
        ("observation", "gdp-growth", 5.2, "exact", 2028),
    ]


def test_a_forecast_by_others_is_not_a_target() -> None:
    assert figures("zh", "某研究机构预计今年国内生产总值增长5.1%。") == []
    assert figures("en", "Bank analysts expect GDP growth of 4.5% by 2031.") == []
    assert figures("fr", "Une banque prévoit un taux de chômage urbain de 5,1 % en 2031.") == []


def test_relative_years_resolve_against_the_documents_date() -> None:
    found = figures(
        "en",
        "Last year GDP growth reached 5.9%, and new urban jobs rose to 1.2 million in June 2029.",
    )
    assert [(p.fields["year"], p.fields["period"]) for p in found] == [
        (2029, "2029"),
        (2029, "2029-06"),
    ]
    assert found[1].fields["value"] == 120  # 1.2 million people in 万人
    assert facts(
        figures(
            "fr", "La production céréalière a atteint 1,25 mille milliards de jin l'an dernier."
        )
    ) == [("observation", "grain", 1.25, "exact", 2029)]
    assert facts(figures("fr", "Cette année, le plan vise un taux de chômage urbain de 5 %.")) == [
        ("target", "jobless", 5, "exact", 2030)
    ]


def test_a_comparison_with_last_year_is_not_the_figures_year() -> None:
    assert figures("zh", "转移支付比去年增长6.2%。") == []
    assert facts(figures("zh", "去年转移支付增长6.2%。")) == [
        ("observation", "转移支付增长", 6.2, "exact", 2029)
    ]


def test_a_goal_named_in_a_review_sentence_was_met_not_set() -> None:
    [jobs] = figures("zh", "一、2029年工作回顾", "完成全年目标任务，城镇新增就业1300万人。")
    assert (jobs.kind, jobs.fields["year"]) == ("observation", 2029)


def test_an_undated_document_takes_its_years_from_its_headings() -> None:
    found = figures(
        "zh",
        "一、2029年工作回顾",
        "过去一年，国内生产总值增长4.8%。",
        "二、2030年经济社会发展总体要求",
        "今年发展主要预期目标是：国内生产总值增长6%左右。",
        published=None,
    )
    assert facts(found) == [
        ("observation", "gdp-growth", 4.8, "exact", 2029),
        ("target", "gdp-growth", 6, "about", 2030),
    ]


def test_a_result_needs_its_year() -> None:
    assert figures("en", "GDP growth reached 5.9%.", published=None) == []


def test_a_target_without_a_year_is_still_proposed_with_less_confidence() -> None:
    [target] = figures("en", "The plan targets 90 million gigabit broadband users.")
    assert (target.fields["year"], target.confidence) == (None, 0.8)


def test_multi_year_averages_and_numbers_without_a_role_are_left_out() -> None:
    assert figures("zh", "一、2029年工作回顾", "五年来国内生产总值年均增长5.5%。") == []
    assert figures("zh", "建成120个千兆城市，推进6G研发。") == []


def test_a_bare_number_is_proposed_only_for_a_known_indicator() -> None:
    assert figures("zh", "一、2029年工作回顾", "推进3.0版谈判。") == []
    assert (
        figures("zh", "一、2029年工作回顾", "新增IPv6活跃用户数达到9。")[0].fields["unit"]
        == "yi-users"
    )


def test_the_seed_report_states_no_figure() -> None:
    text = (
        settings.BASE_DIR / "seeds/sources/xi-qiushi-digital-economy-2022-01.fr.txt"
    ).read_text()
    document = Document(tuple(paragraph_split(text)), "fr", date(2022, 1, 17))
    assert find_figures(document, LEXICON) == []


def test_a_cue_stays_within_the_numbers_clause_across_semicolons() -> None:
    found = figures(
        "en", "Revenue rose 10% in 2028 and reached 5 trillion yuan; by 2035 it will hit 20%."
    )
    assert [(p.kind, p.fields["value"], p.fields["year"]) for p in found] == [
        ("observation", 10, 2028)
    ]
    assert found[0].excerpt == "Revenue rose 10% in 2028 and reached 5 trillion yuan"
    assert facts(
        figures(
            "en",
            "The plan targets GDP growth of 6% by 2035; new urban jobs rose to 1.2 million in "
            "2029.",
        )
    ) == [("target", "gdp-growth", 6, "exact", 2035), ("observation", "jobs", 120, "exact", 2029)]


def test_the_head_of_a_list_still_reaches_every_item() -> None:
    found = figures("zh", "今年的目标是：城镇新增就业1000万人以上；城镇调查失业率5%以内。")
    assert [(p.kind, p.rule) for p in found] == [("target", "figure.target.goal-list")] * 2


def test_a_french_forecast_by_a_named_forecaster_is_not_a_target() -> None:
    assert (
        figures("fr", "Selon le cabinet IDC, le marché devrait croître de 12 % d'ici 2035.") == []
    )
    assert (
        figures(
            "fr",
            "D'après les analystes, la production céréalière pourrait atteindre 1,4 mille "
            "milliards de jin d'ici 2035.",
        )
        == []
    )
    # The planner's own "devrait", and one nobody is named for, set a target.
    for sentence in (
        "Selon le plan, la production céréalière devrait atteindre 1,4 mille milliards de jin "
        "d'ici 2035.",
        "La production céréalière devrait atteindre 1,4 mille milliards de jin d'ici 2035.",
    ):
        assert facts(figures("fr", sentence)) == [("target", "grain", 1.4, "exact", 2035)]


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        (
            "fr",
            "L'an dernier, le PIB a progressé de 8,1 %, et les prix sont stables cette année.",
        ),
        ("fr", "L’année dernière, le PIB a progressé de 8,1 %, et cette année il ralentit."),
        ("en", "Last year, the economy grew 8.1%, and this year it is slowing."),
        ("zh", "数据显示，去年经济增速为8.1%，今年以来保持稳定。"),
    ],
)
def test_last_year_is_the_year_before_the_documents(language: str, sentence: str) -> None:
    [found] = figures(language, sentence, published=date(2022, 1, 17))
    assert (found.kind, found.fields["value"], found.fields["year"]) == ("observation", 8.1, 2021)


def test_a_figure_compared_with_a_stated_year_has_its_baseline() -> None:
    review = "数字经济核心产业增加值占GDP比重达到10%，比2028年的7.8%提高2.2个百分点。"
    assert facts(figures("zh", "一、2029年工作回顾", review)) == [
        ("observation", "digital-share", 10, "exact", 2029),
        ("observation", "digital-share", 7.8, "exact", 2028),
    ]
    [target] = figures(
        "zh", "到2035年，数字经济核心产业增加值占GDP比重达到12%，比2030年的9.5%提高2.5个百分点。"
    )
    assert (target.kind, target.fields["value"], target.fields["year"]) == ("target", 12, 2035)
    assert (target.fields["baseline_value"], target.fields["baseline_year"]) == (9.5, 2030)


def test_a_figure_that_no_words_name_is_left_out() -> None:
    # Nothing but a verb names 114万亿元 and 8.1%: no indicator, so no proposal.
    assert figures("zh", "一、2029年工作回顾", "经济运行稳中向好，达到114万亿元，增长8.1%。") == []
    assert figures("en", "By 2035, it sets 20%.") == []


def test_words_after_a_number_name_it_when_those_before_do_not() -> None:
    found = figures(
        "zh",
        "一、2029年工作回顾",
        "将2.8万亿元资金纳入直达范围，年初剩余的551万贫困人口全部脱贫、52个贫困县全部摘帽，"
        "惠及500多万在校生。",
    )
    assert [p.fields["indicator"] for p in found] == [
        "资金纳入直达范围",
        "贫困人口全部脱贫",
        "贫困县全部摘帽",
        "在校生",
    ]


@pytest.mark.parametrize(
    ("words", "name"),
    [
        ("in 2021 and", ""),
        ("sets", ""),
        ("by 2030 it will", ""),
        ("Revenue rose", "Revenue"),
        ("le marché devrait croître de", "marché"),
        ("Cette année, le taux d'épargne des ménages a atteint", "taux d'épargne des ménages"),
    ],
)
def test_latin_words_are_cleaned_to_a_name_or_to_nothing(words: str, name: str) -> None:
    assert latin_name(words) == name


@pytest.mark.parametrize(
    ("lead", "name"),
    [
        ("达到", ""),
        ("增长", ""),
        ("", ""),
        ("年初剩余的", ""),
        ("对新增", ""),
        ("共向", ""),
        ("）平均浓度下降", "平均浓度下降"),
        ("去年转移支付比2028年的", "转移支付"),
        ("同时2029年的财政收入达到", "财政收入"),
        ("2013年以来新增的市场主体纳税", "2013年以来新增的市场主体纳税"),
    ],
)
def test_chinese_words_are_cleaned_to_a_name_or_to_nothing(lead: str, name: str) -> None:
    assert zh_name(lead) == name


@pytest.mark.parametrize("mark", ["，", ""])  # cut at clause marks, else between numbers
def test_an_overlong_sentence_is_cut_without_losing_a_figure(mark: str) -> None:
    jobs = [1000 + i for i in range(400)]
    review = mark.join(f"城镇新增就业{value}万人" for value in jobs)  # one sentence of 6 kB
    found = figures("zh", "一、2029年工作回顾", review)
    assert [p.fields["value"] for p in found] == jobs
    assert max(len(p.excerpt) for p in found) <= MAX_SENTENCE
