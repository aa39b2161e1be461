"""Statements: quotations, partial quotations and paraphrases, and who said them."""

from datetime import date

import yaml
from django.conf import settings

from policies.intake.extract.quoted import quoted_spans
from policies.intake.extract.quotes import find_statements
from policies.intake.extract.shapes import Document, Lexicon, Named, Proposed
from policies.intake.extract.speakers import ActorMatcher, Speaker
from policies.models.excerpts import paragraph_split

LEXICON = Lexicon(
    actors=(
        Named("xi-jinping", ("Xi Jinping", "Xi", "习近平")),
        Named("li-qiang", ("Li Qiang", "李强")),
        Named("li-keqiang", ("Li Keqiang", "李克强")),
        Named(
            "state-council",
            (
                "State Council",
                "Conseil des affaires de l'État",
                "le cabinet chinois",
                "the cabinet",
                "国务院",
            ),
        ),
    )
)

XI = Speaker("xi-jinping", True)

SEEDS = settings.BASE_DIR / "seeds"


def seed_report() -> Document:
    text = (SEEDS / "sources" / "xi-qiushi-digital-economy-2022-01.fr.txt").read_text()
    return Document(tuple(paragraph_split(text)), "fr", date(2022, 1, 17))


def statements(
    paragraphs: tuple[str, ...], language: str, published: date | None = None
) -> list[Proposed]:
    return find_statements(Document(paragraphs, language, published), LEXICON)


def summary(proposals):
    return [
        (p.paragraph, p.fields["wording"], p.fields["speaker"], p.fields["speaker_matched"])
        for p in proposals
    ]


def test_the_seed_report_gives_its_eight_statements_as_the_seeds_record_them():
    records = yaml.safe_load((SEEDS / "records" / "statements.yaml").read_text())
    expected = sorted(
        (r["paragraph"], r["wording"], r["actor"], r["excerpt"])
        for r in records
        if r["source"] == "fr-report-xi-qiushi-digital-economy-2022-01"
    )

    proposals = find_statements(seed_report(), LEXICON)

    found = [(p.paragraph, p.fields["wording"], p.fields["speaker"], p.excerpt) for p in proposals]
    assert found == expected
    assert [p.paragraph for p in proposals if p.fields["wording"] == "quotation"] == [2, 3, 5]


def test_the_seed_report_statements_are_dated_when_made_public():
    proposals = find_statements(seed_report(), LEXICON)

    # Xi's essay "paru samedi" (paragraph 1); the plan "publié mercredi" (paragraph 7).
    assert [p.fields["date"] for p in proposals] == ["2022-01-15"] * 6 + ["2022-01-12"] * 2


def test_every_excerpt_is_its_paragraph_at_start():
    document = seed_report()

    for p in find_statements(document, LEXICON):
        paragraph = document.paragraphs[p.paragraph - 1]
        assert paragraph[p.start : p.start + len(p.excerpt)] == p.excerpt
        assert p.kind == "statement"


def test_a_quotation_without_a_speaker_in_its_paragraph_takes_the_last_named_less_surely():
    proposals = statements(
        (
            "« Nous devons ouvrir davantage nos marchés aux entreprises », a déclaré Xi.",
            "« Le chemin sera long et difficile pour tout le monde. »",
        ),
        "fr",
    )

    assert summary(proposals) == [
        (1, "quotation", "xi-jinping", True),
        (2, "quotation", "xi-jinping", True),
    ]
    assert proposals[0].confidence == 0.9
    assert proposals[1].confidence == 0.6
    # French guillemets: the excerpt is the text inside, without the no-break spaces.
    assert proposals[1].excerpt == "Le chemin sera long et difficile pour tout le monde."


def test_a_pronoun_follows_the_last_named_speaker():
    proposals = statements(
        (
            "Le cabinet chinois a reçu Xi Jinping lundi.",
            "Il a souligné la nécessité de réduire les coûts logistiques.",
            "Le Conseil des affaires de l'État a indiqué qu'un avis suivrait.",
            "Il a ajouté que les coûts baisseraient.",
        ),
        "fr",
    )

    assert summary(proposals) == [
        (2, "paraphrase", "xi-jinping", True),
        (3, "paraphrase", "state-council", True),
        (4, "paraphrase", "state-council", True),
    ]
    assert proposals[0].excerpt == "Il a souligné la nécessité de réduire les coûts logistiques."
    assert proposals[0].confidence < proposals[1].confidence


def test_an_unknown_name_beside_said_becomes_the_speaker_as_written():
    proposals = statements(
        (
            '"We will keep the currency stable for the whole year," said Wang Ming.',
            'Li Hua said the plan would "double the number of data centres" soon.',
        ),
        "en",
    )

    assert summary(proposals) == [
        (1, "quotation", "Wang Ming", False),
        (2, "partial_quotation", "Li Hua", False),
    ]
    assert proposals[1].excerpt == (
        'Li Hua said the plan would "double the number of data centres"'
    )


def test_an_alias_is_matched_as_whole_words_only():
    proposals = statements(("Le port de Xiamen a annoncé une hausse du trafic.",), "fr")

    assert summary(proposals) == [(1, "paraphrase", "Xiamen", False)]


def test_a_quotation_may_open_its_sentence_or_follow_a_colon():
    proposals = statements(
        (
            '"We will never close the door," President Xi Jinping said in a speech on Saturday.',
            'Xi said: "Opening up is the only way forward for every country."',
            'Xi said China must "build a strong digital economy" within ten years.',
        ),
        "en",
        date(2022, 1, 17),
    )

    assert summary(proposals) == [
        (1, "quotation", "xi-jinping", True),
        (2, "quotation", "xi-jinping", True),
        (3, "partial_quotation", "xi-jinping", True),
    ]
    # The comma before the closing mark is the reporter's.
    assert proposals[0].excerpt == "We will never close the door"
    assert proposals[0].fields["date"] == "2022-01-15"


def test_a_paraphrase_is_never_a_quotation():
    proposals = statements(
        ("Xi called for stronger rules on platform companies and fair competition.",),
        "en",
    )

    assert summary(proposals) == [(1, "paraphrase", "xi-jinping", True)]
    assert proposals[0].excerpt == proposals[0].excerpt.rstrip(".") + "."  # the whole sentence


def test_a_clause_from_inside_a_sentence_leaves_the_sentence_stop_out():
    proposals = statements(("In a speech on Friday, Xi urged firms to invest in chips.",), "en")

    assert [p.excerpt for p in proposals] == ["Xi urged firms to invest in chips"]


def test_chinese_quotation_partial_quotation_and_paraphrase():
    proposals = statements(
        (
            "习近平强调：“要加快建设全国一体化大数据中心体系。”",
            "他指出，必须防止“平台垄断和资本无序扩张”，促进公平竞争。",
            "国务院指出，要加强数字基础设施建设。",
        ),
        "zh",
    )

    assert summary(proposals) == [
        (1, "quotation", "xi-jinping", True),
        (2, "partial_quotation", "xi-jinping", True),
        (3, "paraphrase", "state-council", True),
    ]
    assert proposals[0].excerpt == "要加快建设全国一体化大数据中心体系。"
    assert proposals[1].excerpt == "他指出，必须防止“平台垄断和资本无序扩张”"
    assert proposals[2].excerpt == "国务院指出，要加强数字基础设施建设。"


def test_scare_quotes_and_thanks_are_not_statements():
    proposals = statements(
        (
            "“十四五”时期，要坚持“放管服”改革，推进“一网通办”。",
            "我代表国务院，向各民主党派表示诚挚感谢！",
            "根据国务院的部署，数据要素市场加快建设。",
        ),
        "zh",
    )

    assert proposals == []


def test_a_quoted_title_with_no_one_saying_it_is_not_a_statement():
    proposals = statements(
        ('The "Digital Silk Road Action Plan" was first drafted in 2019 by a working group.',),
        "en",
    )

    assert proposals == []


def test_a_paragraph_of_reported_obligation_goes_on_with_the_speaker_before():
    proposals = statements(
        (
            "Xi a appelé à renforcer la sécurité des données.",
            "La Chine devrait aussi améliorer la gouvernance des plateformes.",
            "La Chine devrait enfin investir davantage.",
        ),
        "fr",
    )

    # The third paragraph follows one with a statement only through the second.
    assert summary(proposals) == [
        (1, "paraphrase", "xi-jinping", True),
        (2, "paraphrase", "xi-jinping", True),
        (3, "paraphrase", "xi-jinping", True),
    ]
    assert [p.rule for p in proposals] == [
        "statement.paraphrase",
        "statement.continued",
        "statement.continued",
    ]


def test_statement_date_falls_back_to_the_document_date_then_to_none():
    paragraphs = ("Xi a déclaré que la croissance restait solide cette année.",)

    dated = statements(paragraphs, "fr", date(2022, 3, 1))
    undated = statements(paragraphs, "fr")

    assert dated[0].fields["date"] == "2022-03-01"
    assert undated[0].fields["date"] is None


def test_a_language_the_rules_do_not_know_gives_nothing():
    assert statements(('"Wir müssen handeln," sagte Xi.',), "de") == []


def test_according_to_a_plan_or_a_document_names_no_speaker():
    cases = {
        "fr": ("Selon le plan, la part atteindra 10 % en 2025.", "Selon ce document, tout ira."),
        "en": ("According to the plan, the share will rise.", "According to this text, it will."),
        "zh": ("据该规划，到2025年数字经济占比达到10%。", "根据规划，算力规模将明显提升。"),
    }
    said = {
        "fr": "Xi a déclaré que la Chine devait agir.",
        "en": "Xi said China must act.",
        "zh": "习近平指出，要加快发展。",
    }

    for language, paragraphs in cases.items():
        proposals = statements((said[language], *paragraphs), language)

        assert summary(proposals) == [(1, "paraphrase", "xi-jinping", True)], language


def test_according_to_a_person_still_names_the_speaker():
    french = statements(("Selon Xi, la part atteindra 10 % en 2025.",), "fr")
    english = statements(("According to the State Council, the share will rise.",), "en")

    assert summary(french) == [(1, "paraphrase", "xi-jinping", True)]
    assert summary(english) == [(1, "paraphrase", "state-council", True)]


def test_an_alias_is_not_the_start_of_a_longer_name_with_an_apostrophe():
    matcher = ActorMatcher(LEXICON.actors)

    assert matcher.find("Officials in Xi'an and Xi’an") == []
    assert [m.speaker for m in matcher.find("Xi's essay, Xi’s speech")] == [XI, XI]
    proposals = statements(
        (
            "Xi said China must act.",
            "Officials in Xi'an said the airport would reopen on Friday.",
            "Officials in Xi’an said the trains would run again.",
        ),
        "en",
    )
    assert [p.fields["speaker"] for p in proposals] == ["xi-jinping", "Xi'an", "Xi’an"]


def test_a_chinese_sentence_ends_after_a_stop_and_a_closing_mark():
    proposals = statements(
        (
            '习近平强调："要坚持创新驱动发展战略。"李克强指出："要稳增长。"',
            "习近平强调：“要加快数字基础设施建设。”他强调，要加快5G网络建设。",
        ),
        "zh",
    )

    assert summary(proposals) == [
        (1, "quotation", "xi-jinping", True),
        (1, "quotation", "li-keqiang", True),
        (2, "quotation", "xi-jinping", True),
        (2, "paraphrase", "xi-jinping", True),
    ]
    assert [p.excerpt for p in proposals] == [
        "要坚持创新驱动发展战略。",
        "要稳增长。",
        "要加快数字基础设施建设。",
        "他强调，要加快5G网络建设。",
    ]


def test_an_attribution_that_closes_the_sentence_stays_with_its_quotation():
    proposals = statements(
        ("李强指出，要稳增长。", "“要扩大内需，提振消费。”他说。", "“要稳就业。”他说。"),
        "zh",
    )

    assert summary(proposals) == [
        (1, "paraphrase", "li-qiang", True),
        (2, "quotation", "li-qiang", True),
        (3, "quotation", "li-qiang", True),
    ]
    # Named by the pronoun beside its verb, not only as the last speaker of the document.
    assert [p.confidence for p in proposals[1:]] == [0.8, 0.8]


def test_a_short_quotation_with_a_speech_verb_is_a_quotation():
    french = statements(("« Et vite », a ajouté Li Qiang.", "Xi a dit : « Non. »"), "fr")
    english = statements(('"Quickly," Li Qiang added.',), "en")
    chinese = statements(("李强指出：“要稳增长。”",), "zh")

    assert summary(french) == [
        (1, "quotation", "li-qiang", True),
        (2, "quotation", "xi-jinping", True),
    ]
    assert [p.excerpt for p in french] == ["Et vite", "Non."]
    assert summary(english) == [(1, "quotation", "li-qiang", True)]
    assert english[0].excerpt == "Quickly"
    assert summary(chinese) == [(1, "quotation", "li-qiang", True)]
    assert chinese[0].excerpt == "要稳增长。"


def test_short_scare_quotes_with_no_verb_attached_stay_in_a_paraphrase():
    proposals = statements(('Xi said the "dual carbon" goals would be met.',), "en")

    assert summary(proposals) == [(1, "paraphrase", "xi-jinping", True)]
    assert proposals[0].excerpt == 'Xi said the "dual carbon" goals would be met.'


def test_an_unclosed_straight_quote_is_not_a_quotation():
    text = 'Xi said "we must open wider to the world. Li Qiang said growth would stay stable.'

    proposals = statements((text,), "en")

    assert quoted_spans(text) == []
    assert summary(proposals) == [
        (1, "paraphrase", "xi-jinping", True),
        (1, "paraphrase", "li-qiang", True),
    ]
    assert proposals[1].excerpt == "Li Qiang said growth would stay stable."
    # A guillemet left open still runs on: a quoted paragraph of a long speech.
    opened = "« Nous devons agir. Il le faut."
    assert [q.text(opened) for q in quoted_spans(opened)] == ["Nous devons agir. Il le faut."]


def test_a_statement_takes_the_bare_day_of_its_sentence():
    proposals = statements(
        ("新华社北京1月16日电 国务院总理李强15日表示，要稳增长。",), "zh", date(2022, 1, 17)
    )

    assert summary(proposals) == [(1, "paraphrase", "li-qiang", True)]
    assert proposals[0].fields["date"] == "2022-01-15"


def test_a_plan_takes_the_day_it_was_issued_on():
    proposals = statements(
        ("国务院1月12日印发的规划旨在提高数字经济比重。",), "zh", date(2022, 1, 17)
    )

    assert [(p.rule, p.fields["speaker"], p.fields["date"]) for p in proposals] == [
        ("statement.aim", "state-council", "2022-01-12")
    ]
