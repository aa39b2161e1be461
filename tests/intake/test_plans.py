"""Plans: titles and document numbers, matched to the plans the tracker knows."""

from datetime import date

from django.conf import settings

from policies.intake.extract.plans import find_plans
from policies.intake.extract.shapes import Document, Lexicon, PlanNames, Proposed
from policies.models.excerpts import paragraph_split

DIGITAL_ECONOMY = PlanNames(
    "14th-fyp-digital-economy",
    (
        "“十四五”数字经济发展规划",
        "14th Five-Year Plan for Digital Economy Development",
        "Plan de développement de l'économie numérique pour la période du 14e plan quinquennal",
    ),
    "国发〔2021〕29号",
)
LEXICON = Lexicon(plans=(DIGITAL_ECONOMY,))

SEEDS = settings.BASE_DIR / "seeds"


def plans(text: str, language: str, lexicon: Lexicon = LEXICON) -> list[Proposed]:
    return find_plans(Document(tuple(paragraph_split(text)), language), lexicon)


def fields(proposals):
    return [
        (p.fields["title"], p.fields["document_number"], p.fields["plan"], p.fields["known"])
        for p in proposals
    ]


def test_a_title_in_chinese_marks_with_its_number_is_the_known_plan():
    proposals = plans("国务院印发《“十四五”数字经济发展规划》（国发〔2021〕29号）。", "zh")

    assert fields(proposals) == [
        ("“十四五”数字经济发展规划", "国发〔2021〕29号", "14th-fyp-digital-economy", True)
    ]
    assert proposals[0].excerpt == "“十四五”数字经济发展规划》（国发〔2021〕29号"
    assert proposals[0].confidence == 0.95


def test_a_number_matches_whatever_brackets_it_is_written_with():
    for written in ("国发[2021]29号", "国发(2021)29号", "国发［2021］29号", "国发〔2021〕29号"):
        proposals = plans(f"根据{written}，各地要抓好落实。", "zh")

        assert fields(proposals) == [("", written, "14th-fyp-digital-economy", True)]
        assert proposals[0].excerpt == written  # "根据" is not the issuer's abbreviation


def test_a_title_matches_whatever_quotation_marks_it_is_written_with():
    proposals = plans('各地区要认真落实"十四五"数字经济发展规划的部署。', "zh")

    assert fields(proposals) == [
        ('"十四五"数字经济发展规划', "", "14th-fyp-digital-economy", True)
    ]
    assert proposals[0].rule == "plan.five_year_plan"


def test_an_unknown_plan_is_proposed_as_a_new_one():
    proposals = plans(
        "工业和信息化部印发《新型数据中心发展三年行动计划》（工信部通信〔2021〕76号）。", "zh"
    )

    assert fields(proposals) == [
        ("新型数据中心发展三年行动计划", "工信部通信〔2021〕76号", None, False)
    ]


def test_a_marked_title_that_is_not_a_policy_document_is_left_out():
    proposals = plans("双方签署了《中欧投资协定》，并出版了《数字中国》一书。", "zh")

    assert proposals == []


def test_english_and_french_plan_titles():
    english = plans(
        "The cabinet issued the 14th Five-Year Plan for Digital Economy Development on "
        'Wednesday and a "Digital Silk Road Action Plan" in March.',
        "en",
    )
    french = plans(
        "Le « Plan d'action pour la Chine numérique » prolonge le 14e plan quinquennal.",
        "fr",
    )

    assert fields(english) == [
        (
            "14th Five-Year Plan for Digital Economy Development",
            "",
            "14th-fyp-digital-economy",
            True,
        ),
        ("Digital Silk Road Action Plan", "", None, False),
    ]
    assert fields(french) == [
        ("Plan d'action pour la Chine numérique", "", None, False),
        ("14e plan quinquennal", "", None, False),
    ]


def test_a_quoted_sentence_is_not_a_plan_title():
    proposals = plans('"Nous avons un plan pour cela, et nous le tiendrons", a-t-il dit.', "fr")

    assert proposals == []


def test_a_plan_is_proposed_once_at_its_first_mention():
    proposals = plans(
        "《“十四五”数字经济发展规划》提出目标。\n\n国发〔2021〕29号再次强调，“十四五”数字经济发展规划要落实。",
        "zh",
    )

    assert [(p.paragraph, p.fields["plan"]) for p in proposals] == [
        (1, "14th-fyp-digital-economy")
    ]


def test_the_seed_report_names_no_plan_title_so_none_is_invented():
    text = (SEEDS / "sources" / "xi-qiushi-digital-economy-2022-01.fr.txt").read_text()
    document = Document(tuple(paragraph_split(text)), "fr", date(2022, 1, 17))

    assert find_plans(document, LEXICON) == []
    assert find_plans(document, Lexicon()) == []


def test_the_seed_report_names_a_plan_when_a_known_title_occurs_in_it():
    text = (SEEDS / "sources" / "xi-qiushi-digital-economy-2022-01.fr.txt").read_text()
    document = Document(tuple(paragraph_split(text)), "fr", date(2022, 1, 17))
    lexicon = Lexicon(
        plans=(PlanNames("made-up", ("Développement de l’économie numérique",), ""),)
    )

    proposals = find_plans(document, lexicon)

    assert [(p.paragraph, p.fields["plan"], p.rule) for p in proposals] == [
        (7, "made-up", "plan.known_title")
    ]
    paragraph = document.paragraphs[6]
    assert paragraph[proposals[0].start :].startswith(proposals[0].excerpt)
