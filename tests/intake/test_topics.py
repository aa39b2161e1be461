"""Themes and sectors suggested from the lexicon words in a proposal's paragraph."""

from datetime import date

import yaml
from django.conf import settings

from policies.intake.extract.quotes import find_statements
from policies.intake.extract.shapes import KINDS, Document, Kind, Lexicon, Named, Proposed
from policies.intake.extract.topics import fold, suggest
from policies.models.excerpts import paragraph_split

SEEDS = settings.BASE_DIR / "seeds"


def proposal(kind: Kind, paragraph: int = 1, **fields: object) -> Proposed:
    return Proposed(kind, paragraph, "x", 0, 0.5, "test", fields)


def tagged(
    paragraphs: list[str], language: str, lexicon: Lexicon, proposals: list[Proposed]
) -> list[Proposed]:
    return suggest(Document(tuple(paragraphs), language), lexicon, proposals)


def seed_lexicon(name: str) -> tuple[Named, ...]:
    """The seeds' themes or sectors, named in English and French as the records hold them."""
    records = yaml.safe_load((SEEDS / "records" / f"{name}.yaml").read_text())
    return tuple(Named(r["slug"], (r["name"], r["name_fr"])) for r in records)


def test_french_words_match_without_case_or_accents_as_whole_words():
    lexicon = Lexicon(
        themes=(Named("governance", ("Gouvernance",)),),
        sectors=(
            Named("displays", ("écran",)),
            Named("ai", ("IA",)),
            Named("finance-capital", ("Finance et capitaux",)),
        ),
    )
    paragraph = "La GOUVERNANCE des ecrans et de la finance  et capitaux ; la MIAOU n'en est pas."

    [result] = tagged([paragraph], "fr", lexicon, [proposal("statement")])

    assert result.fields["themes"] == ["governance"]
    # "écran" takes its plural; "IA" is not found inside "MIAOU".
    assert result.fields["sectors"] == ["displays", "finance-capital"]


def test_a_latin_word_is_not_found_inside_a_longer_one():
    lexicon = Lexicon(sectors=(Named("data", ("data",)),))

    inside, alone = tagged(
        ["The database grew.", "More data centres."],
        "en",
        lexicon,
        [proposal("statement", 1), proposal("statement", 2)],
    )

    assert (inside.fields["sectors"], alone.fields["sectors"]) == ([], ["data"])


def test_chinese_words_are_substrings():
    lexicon = Lexicon(
        themes=(Named("security", ("安全", "Security")),),
        sectors=(Named("6g", ("6G",)), Named("big-data-centres", ("大数据中心",))),
    )

    [result] = tagged(
        ["加快6G研发，建设全国一体化大数据中心体系，保障数据安全。"],
        "zh",
        lexicon,
        [proposal("target")],
    )

    assert result.fields["themes"] == ["security"]
    assert result.fields["sectors"] == ["6g", "big-data-centres"]


def test_only_statements_targets_and_observations_are_tagged():
    lexicon = Lexicon(themes=(Named("governance", ("governance",)),))
    proposals = [proposal(kind) for kind in KINDS]  # statement, target, observation, plan, date

    result = tagged(["Better governance."], "en", lexicon, proposals)

    assert [p.fields.get("themes") for p in result] == [
        ["governance"],
        ["governance"],
        ["governance"],
        None,
        None,
    ]
    assert result[3] is proposals[3]


def test_suggestions_are_new_proposals_keeping_their_own_fields():
    lexicon = Lexicon(sectors=(Named("e-commerce", ("e-commerce",)),))
    original = proposal("observation", paragraph=2, value=17)

    [result] = tagged(["Nothing here.", "E-commerce grew."], "en", lexicon, [original])

    assert result.fields == {"value": 17, "themes": [], "sectors": ["e-commerce"]}
    assert "sectors" not in original.fields
    assert (result.paragraph, result.excerpt, result.rule) == (2, "x", "test")


def test_a_paragraph_with_none_of_the_words_gets_empty_lists():
    lexicon = Lexicon(themes=(Named("security", ("sécurité",)),))

    [result] = tagged(["Rien à signaler."], "fr", lexicon, [proposal("statement")])

    assert (result.fields["themes"], result.fields["sectors"]) == ([], [])


def test_fold():
    assert fold("L’Économie  NUMÉRIQUE") == "l'economie numerique"


def test_the_seed_report_first_statement_touches_the_sectors_it_names():
    text = (SEEDS / "sources" / "xi-qiushi-digital-economy-2022-01.fr.txt").read_text()
    document = Document(tuple(paragraph_split(text)), "fr", date(2022, 1, 17))
    lexicon = Lexicon(
        actors=(Named("xi-jinping", ("Xi Jinping", "Xi")),),
        themes=seed_lexicon("themes"),
        sectors=seed_lexicon("sectors"),
    )

    first = suggest(document, lexicon, find_statements(document, lexicon))[0]

    assert first.fields["sectors"] == [
        "communication-equipment",
        "displays",
        "integrated-circuits",
        "smart-hardware",
    ]
