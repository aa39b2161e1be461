"""The seeds: what they hold matches FACTS.md, every excerpt is proven, loading is safe."""

import datetime
import hashlib
import shutil
from decimal import Decimal
from io import StringIO
from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.core.validators import URLValidator

from policies.data_io.loads import seed_load
from policies.data_io.readers import SeedError
from policies.localized import twin
from policies.models import (
    Actor,
    Indicator,
    Observation,
    Plan,
    PublicationStatus,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)

MODELS = [Source, Actor, Theme, Sector, Indicator, Plan, Target, Observation, Statement]
REPORT = "fr-report-xi-qiushi-digital-economy-2022-01"


def database_snapshot() -> dict[str, int]:
    """Row counts of every model and its history, so 'nothing was written' can be checked."""
    counts = {}
    for model in MODELS:
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} history"] = model.history.count()
    return counts


@pytest.fixture
def seeds_copy(tmp_path, seeds_dir):
    """A scratch copy of the seeds to break."""
    target = tmp_path / "seeds"
    shutil.copytree(seeds_dir, target)
    return target


def rewrite(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class TestSourceDocument:
    def test_seed_copy_of_the_report_is_unaltered(self, seeds_dir):
        # The copy of ../shared/sources/xi-qiushi-digital-economy-2022-01.fr.txt, byte for byte.
        data = (seeds_dir / "sources" / "xi-qiushi-digital-economy-2022-01.fr.txt").read_bytes()
        assert hashlib.sha256(data).hexdigest() == (
            "151e972c9b7528b5bcb24e917ce63fa9d0336176cc49ce92c21f30043615be08"
        )

    def test_report_is_held_as_a_secondary_french_source(self, seeded):
        report = Source.objects.get(slug=REPORT)
        assert (report.tier, report.language, report.kind) == ("secondary", "fr", "news_report")
        assert len(report.paragraphs) == 8
        assert report.paragraphs[2].startswith('"Nous devons voir que')

    def test_primary_documents_are_metadata_only(self, seeded):
        for slug in [
            "qiushi-2022-02-xi-digital-economy",
            "state-council-2021-29-digital-economy-plan",
            "state-council-government-work-report-2023",
        ]:
            source = Source.objects.get(slug=slug)
            assert source.tier == "primary"
            assert source.language == "zh"
            assert source.text == ""
        # The French report is the one text the seeds hold.
        assert list(Source.objects.exclude(text="").values_list("slug", flat=True)) == [REPORT]

    @pytest.mark.parametrize(
        ("year", "premier"), [(2021, "Li Keqiang"), (2023, "Li Keqiang"), (2024, "Li Qiang")]
    )
    def test_work_reports_link_their_wikisource_page(self, seeded, year, premier):
        report = Source.objects.get(slug=f"state-council-government-work-report-{year}")
        page = f"{year}年中华人民共和国国务院政府工作报告"
        assert report.url == "https://zh.wikisource.org/wiki/" + quote(page)
        URLValidator()(report.url)  # percent-encoded, so the URL field takes it
        assert (report.kind, report.published_on) == (
            "official_document",
            datetime.date(year, 3, 5),
        )
        assert premier in report.notes

    def test_figures_read_on_mirrors_have_no_url(self, seeded):
        # FACTS.md: cite publisher, document and date, never a mirror's address.
        for source in Source.objects.filter(kind="statistical_release"):
            assert source.url == "", source.slug


class TestFacts:
    """Numbers and dates against seeds/FACTS.md."""

    def test_essay(self, seeded):
        essay = Source.objects.get(slug="qiushi-2022-02-xi-digital-economy")
        assert essay.title == "不断做强做优做大我国数字经济"
        assert (
            essay.title_en
            == "Building Up the Strength, Quality, and Size of China's Digital Economy"
        )
        assert essay.published_on == datetime.date(2022, 1, 15)

    def test_plan(self, seeded):
        plan = Plan.objects.get(slug="14th-fyp-digital-economy")
        assert plan.title == "“十四五”数字经济发展规划"
        assert plan.title_en == "14th Five-Year Plan for Digital Economy Development"
        assert plan.issuer.slug == "state-council"
        assert plan.document_number == "国发〔2021〕29号"
        assert plan.signed_on == datetime.date(2021, 12, 12)
        assert plan.published_on == datetime.date(2022, 1, 12)
        assert plan.published_on.strftime("%A") == "Wednesday"  # the report's "mercredi"
        assert (plan.start_year, plan.end_year) == (2021, 2025)
        assert plan.status == PublicationStatus.PUBLISHED

    @pytest.mark.parametrize(
        ("indicator", "name", "unit", "baseline", "target"),
        [
            ("core-digital-share", "数字经济核心产业增加值占GDP比重", "percent", "7.8", "10"),
            ("ipv6-active-users", "IPv6活跃用户数", "yi-users", "4.6", "8"),
            ("gigabit-users", "千兆宽带用户数", "wan-households", "640", "6000"),
            ("software-revenue", "软件和信息技术服务业规模", "wan-yi-yuan", "8.16", "14"),
            (
                "industrial-internet-penetration",
                "工业互联网平台应用普及率",
                "percent",
                "14.7",
                "45",
            ),
            ("online-retail-sales", "全国网上零售额", "wan-yi-yuan", "11.76", "17"),
            ("ecommerce-volume", "电子商务交易规模", "wan-yi-yuan", "37.21", "46"),
        ],
    )
    def test_confirmed_indicators(self, seeded, indicator, name, unit, baseline, target):
        row = Target.objects.get(plan__slug="14th-fyp-digital-economy", indicator__slug=indicator)
        assert row.indicator.name == name
        assert row.unit == row.indicator.unit == unit
        assert (row.baseline_value, row.baseline_year) == (Decimal(baseline), 2020)
        assert (row.value, row.target_value, row.target_year) == (
            Decimal(target),
            Decimal(target),
            2025,
        )
        assert (row.qualifier, row.sense) == ("exact", "higher")
        # Binding or expected is unverified: the field stays unknown.
        assert row.kind == Target.Kind.UNKNOWN

    def test_unverified_indicator_is_left_out(self, seeded):
        assert Target.objects.filter(plan__slug="14th-fyp-digital-economy").count() == 7
        assert not Indicator.objects.filter(name__contains="在线政务服务").exists()
        assert not Indicator.objects.filter(name_en__icontains="government services").exists()

    def test_a_figure_keeps_the_unit_it_was_published_in(self, seeded):
        # MIIT's side counts gigabit users in 亿户, the plans in 万户: converted, not retyped.
        briefing = Observation.objects.get(source__slug="scio-briefing-2025-01-21")
        assert (briefing.value, briefing.unit, briefing.qualifier) == (
            Decimal(2),
            "yi-households",
            "at_least",
        )
        assert briefing.indicator.unit == "wan-households"
        assert briefing.indicator_value == Decimal(20000)

    def test_no_target_claims_to_be_binding_or_expected(self, seeded):
        # FACTS.md: whether a target is binding (约束性) or expected (预期性) is unverified.
        assert set(Target.objects.values_list("kind", flat=True)) == {Target.Kind.UNKNOWN}

    def test_observations(self, seeded):
        rows = Observation.objects.filter(indicator__slug="core-digital-share")
        assert sorted({o.year for o in rows}) == [2020, 2023, 2024]
        by_year = {o.year: o for o in rows.filter(verified=True, year__lt=2024)}
        assert (by_year[2020].value, by_year[2020].source.slug) == (
            Decimal("7.8"),
            "state-council-2021-29-digital-economy-plan",
        )
        assert by_year[2023].value == Decimal("9.9")
        assert by_year[2023].source.publisher.startswith("National Bureau of Statistics")
        # 2024: "about 10" from the 2025 work report (paragraph 11) and from Xinhua.
        about = rows.filter(year=2024, verified=True)
        assert {(o.value, o.qualifier) for o in about} == {(Decimal(10), "about")}
        assert about.get(source__slug="state-council-government-work-report-2025").locator == (
            "paragraph 11"
        )
        # FACTS marks 10.4 unverified: stored only as such, with no source claimed.
        unverified = rows.get(verified=False)
        assert (unverified.year, unverified.value, unverified.source) == (
            2024,
            Decimal("10.4"),
            None,
        )
        assert "Unverified" in unverified.note
        # CAICT's 39.8 % is another indicator and must not appear.
        assert not rows.filter(year__in=[2021, 2022]).exists()
        assert not Observation.objects.filter(value=Decimal("39.8")).exists()


class TestStatements:
    def test_at_least_six_by_xi_with_both_dates(self, seeded):
        by_xi = Statement.objects.filter(actor__slug="xi-jinping")
        assert by_xi.count() >= 6
        for statement in by_xi:
            assert statement.delivered_on == datetime.date(2021, 10, 18)
            assert statement.published_on == datetime.date(2022, 1, 15)
            assert statement.published_on.strftime("%A") == "Saturday"  # the report's "samedi"
            assert statement.origin.slug == "qiushi-2022-02-xi-digital-economy"
            assert statement.themes.exists()
            assert statement.text_en

    def test_every_excerpt_occurs_verbatim_in_its_cited_paragraph(self, seeded):
        # Checked here by plain substring, independently of the loader's own verification.
        statements = Statement.objects.select_related("source")
        assert statements.count() == 8
        for statement in statements:
            paragraph = statement.source.paragraphs[statement.paragraph - 1]
            assert statement.excerpt in paragraph, statement.slug

    def test_a_changed_source_text_is_checked_against_unchanged_statements(
        self, seeded, seeds_copy
    ):
        before = database_snapshot()
        rewrite(
            seeds_copy / "sources" / "xi-qiushi-digital-economy-2022-01.fr.txt",
            "grande mais pas forte",
            "grande mais faible",
        )
        with pytest.raises(SeedError) as error:
            seed_load(directory=seeds_copy)
        message = str(error.value)
        assert "sources.yaml, record 1 (fr-report-xi-qiushi-digital-economy-2022-01): text:" in (
            message
        )
        assert "no longer holds excerpts that records cite" in message
        assert "big but not strong" in message  # names the statement that would break
        assert database_snapshot() == before

    def test_report_sectors_are_tagged(self, seeded):
        key_fields = Statement.objects.get(slug="xi-focus-on-key-fields")
        assert set(key_fields.sectors.values_list("slug", flat=True)) == {
            "integrated-circuits",
            "displays",
            "communication-equipment",
            "smart-hardware",
        }
        plan_statement = Statement.objects.get(slug="state-council-raise-digital-share-of-gdp")
        assert {"6g", "big-data-centres"} <= set(
            plan_statement.sectors.values_list("slug", flat=True)
        )

    def test_lineage_from_statement_to_observation(self, seeded):
        statement = Statement.objects.get(slug="state-council-raise-digital-share-of-gdp")
        target = statement.targets.get()
        assert target.plan in statement.plans.all()
        # 7.8 (2020), 9.9 (2023) and "about 10" (2024) from two sources.
        assert target.indicator.observations.filter(verified=True).count() == 4
        assert Plan.objects.get(slug="14th-fyp-digital-economy").statements.count() == 8

    def test_sector_tree(self, seeded):
        chips = Sector.objects.get(slug="integrated-circuits")
        assert (
            chips.path
            == "digital-economy/electronic-information-manufacturing/integrated-circuits/"
        )
        root = Sector.objects.get(slug="digital-economy")
        assert Sector.objects.descendants_of([root]).count() == Sector.objects.count()


# Names that read the same in French; any other French twin equal to its English is English
# left untranslated.
SAME_IN_FRENCH = {"Xi Jinping", "6G"}


def without_french() -> tuple[list[str], list[str], set[str]]:
    """Translated fields whose French is missing, or is the English copied, and the names
    of SAME_IN_FRENCH that occur."""
    missing, copied, same = [], [], set()
    model: Any  # the models share no type that declares both a manager and TRANSLATED
    for model in MODELS:
        for record in model.objects.all():
            for english_field in model.TRANSLATED.values():
                english = getattr(record, english_field)
                french = getattr(record, twin(english_field, "fr"))
                where = f"{model.__name__} {getattr(record, 'slug', record.pk)} {english_field}"
                if english and not french:
                    missing.append(where)
                elif english and french == english:
                    if english in SAME_IN_FRENCH:
                        same.add(english)
                    else:
                        copied.append(where)
    return missing, copied, same


class TestFrench:
    def test_every_english_text_in_the_seeds_has_its_french_twin(self, seeded):
        missing, copied, same = without_french()
        assert missing == []
        assert copied == []
        assert same == SAME_IN_FRENCH  # the allow-list holds no name the seeds lost

    def test_a_record_without_french_is_found(self, seeded):
        Theme.objects.create(slug="space", name="Space", colour="#000000")
        Sector.objects.filter(slug="displays").update(description_fr="Screens and display panels.")
        missing, copied, _ = without_french()
        assert missing == ["Theme space name"]
        assert copied == ["Sector displays description"]


class TestLoading:
    def test_second_run_changes_nothing_and_says_so(self, empty_db):
        call_command("load_seeds", stdout=StringIO())
        before = database_snapshot()
        out = StringIO()
        call_command("load_seeds", stdout=out)
        assert database_snapshot() == before
        assert "Nothing to change" in out.getvalue()

    def test_first_run_reports_what_it_created(self, empty_db):
        out = StringIO()
        call_command("load_seeds", "-v", "2", stdout=out)
        assert "statements: 8 created" in out.getvalue()
        assert "Seeds loaded." in out.getvalue()

    def test_check_verifies_without_writing(self, empty_db):
        out = StringIO()
        call_command("load_seeds", "--check", stdout=out)
        assert all(count == 0 for count in database_snapshot().values())
        assert "Seeds are valid; loading them would change the database." in out.getvalue()

    def test_check_on_a_loaded_database_with_a_changed_seed(self, seeded, seeds_copy):
        rewrite(seeds_copy / "records" / "actors.yaml", "name: Xi Jinping", "name: XI Jinping")
        before = database_snapshot()
        out = StringIO()
        call_command("load_seeds", "--check", "--path", str(seeds_copy), stdout=out)
        assert "would change the database" in out.getvalue()
        assert database_snapshot() == before
        assert Actor.objects.get(slug="xi-jinping").name == "Xi Jinping"

    def test_an_observation_is_a_figure_from_one_source(self, seeded, seeds_copy):
        # Sources may disagree about a year, so the same year from another source is another
        # observation; the loader never rewrites one source's figure as another's.
        rewrite(
            seeds_copy / "records" / "observations.yaml",
            '  value: "10.4"\n  source: null',
            '  value: "10.4"\n  source: nbs-economic-census-5-digital-core-industries-2023',
        )
        report = seed_load(directory=seeds_copy)
        assert report.counts["observations"]["created"] == 1
        core_2024 = Observation.objects.filter(indicator__slug="core-digital-share", year=2024)
        assert core_2024.count() == 4  # the new one beside the three seeded, none rewritten
        assert core_2024.filter(source=None, value=Decimal("10.4")).exists()

    def test_history_records_the_seed_loader(self, seeded):
        record = Statement.objects.first().history.latest()
        assert record.history_change_reason == "load_seeds"

    def test_a_changed_seed_updates_its_record(self, seeded, seeds_copy):
        rewrite(seeds_copy / "records" / "actors.yaml", "name: Xi Jinping", "name: XI Jinping")
        report = seed_load(directory=seeds_copy)
        assert report.counts["actors"]["updated"] == 1
        assert Actor.objects.get(slug="xi-jinping").name == "XI Jinping"

    def test_an_edit_made_in_the_admin_is_kept(self, seeded, seeds_dir):
        actor = Actor.objects.get(slug="xi-jinping")
        actor.role = "Corrected by an editor"
        actor.save()
        out, err = StringIO(), StringIO()
        call_command("load_seeds", stdout=out, stderr=err)
        actor.refresh_from_db()
        assert actor.role == "Corrected by an editor"
        assert "Kept actor xi-jinping as edited in the admin" in err.getvalue()
        assert "already matches" not in out.getvalue()
        assert "1 record(s) differ from their seeds because an editor changed them" in (
            out.getvalue()
        )

    def test_a_broken_seed_for_an_edited_record_is_still_refused(self, seeded, seeds_copy):
        actor = Actor.objects.get(slug="xi-jinping")
        actor.role = "Corrected by an editor"
        actor.save()
        rewrite(
            seeds_copy / "records" / "actors.yaml",
            "jurisdiction: CN\n  role:",
            "jurisdiction: China\n  role:",
        )
        with pytest.raises(SeedError, match="jurisdiction: Enter an ISO 3166 code"):
            seed_load(directory=seeds_copy)


class TestBrokenSeeds:
    """A broken record stops everything, names the file, the record and the reason."""

    @pytest.mark.parametrize(
        ("file", "old", "new", "message"),
        [
            (
                "statements.yaml",
                "est grande mais pas forte",
                "est grande mais faible",
                "record 3 (xi-big-but-not-strong): excerpt: The excerpt does not occur verbatim "
                "in paragraph 3",
            ),
            (
                "statements.yaml",
                "  paragraph: 3\n",
                "  paragraph: 4\n",
                "record 3 (xi-big-but-not-strong): paragraph: The excerpt is in paragraph 3",
            ),
            (
                "statements.yaml",
                "sectors: [integrated-circuits,",
                "sectors: [quantum-chips,",
                "record 1 (xi-focus-on-key-fields): sectors: unknown sector 'quantum-chips'",
            ),
            (
                "plans.yaml",
                "signed_on: 2021-12-12",
                "signed_on: 2021-13-45",
                "record 1 (14th-fyp-digital-economy): signed_on:",
            ),
            (
                "targets.yaml",
                '  baseline_year: 2020\n  value: "10"',
                '  baseline_year: 2026\n  value: "10"',
                "record 1 (core-industries-share-of-gdp): The target year must come after the "
                "baseline year.",
            ),
            (
                "targets.yaml",
                'baseline_value: "7.8"',
                'baseline_value: "seven"',
                "baseline_value: “seven” value must be a decimal number.",
            ),
            (
                "actors.yaml",
                "  jurisdiction: CN\n  role:",
                "  jurisdiction: CN\n  rank: 1\n  role:",
                "record 1 (xi-jinping): unknown column(s) rank",
            ),
            (
                "themes.yaml",
                "- slug: governance\n",
                "- slug: security\n",
                "record 7 (security): the same record as record 4 again",
            ),
            (
                "sectors.yaml",
                "- slug: displays\n",
                "- slug: displays\n  - broken",
                "not valid YAML",
            ),
            (
                "observations.yaml",
                "  source: nbs-economic-census-5-digital-core-industries-2023\n",
                "  source: null\n",
                "record 2: A verified observation needs the source it was checked against.",
            ),
            # The bad input: a unit that does not convert to the indicator's, a
            # month period without a month, a qualifier against the sense, an unknown
            # indicator. Each names what is wrong and where.
            (
                "observations.yaml",
                '  period: "2020"\n  value: "7.8"\n',
                '  period: "2020"\n  value: "7.8"\n  unit: wan-households\n',
                "record 1: unit: 万户 (10,000 households) does not convert to % (per cent), "
                "the unit of the indicator “Value added of core digital-economy industries, "
                "share of GDP”",
            ),
            (
                "observations.yaml",
                'period: "2023-06"',
                'period: "2023-13"',
                "record 9: period: Write the period as a year (2024) or a year and its month",
            ),
            (
                "targets.yaml",
                "  qualifier: at_least\n  sense: higher\n",
                "  qualifier: at_least\n  sense: lower\n",
                "record 8 (gdp-growth): The qualifier contradicts the sense",
            ),
            (
                "targets.yaml",
                "  indicator: core-digital-share\n",
                "  indicator: core-digital-shares\n",
                "record 1 (core-industries-share-of-gdp): indicator: unknown indicator "
                "'core-digital-shares'",
            ),
        ],
    )
    def test_broken_record_writes_nothing(self, empty_db, seeds_copy, file, old, new, message):
        rewrite(seeds_copy / "records" / file, old, new)
        with pytest.raises(CommandError) as error:
            call_command("load_seeds", "--path", str(seeds_copy), stdout=StringIO())
        assert "Seeds not loaded, nothing was written." in str(error.value)
        assert str(seeds_copy / "records" / file) in str(error.value)
        assert message in str(error.value)
        assert all(count == 0 for count in database_snapshot().values())

    def test_broken_record_leaves_an_existing_database_as_it_was(self, seeded, seeds_copy):
        before = database_snapshot()
        rewrite(seeds_copy / "records" / "actors.yaml", "name: Xi Jinping", "name: Xi")
        rewrite(seeds_copy / "records" / "statements.yaml", "paragraph: 8", "paragraph: 9")
        with pytest.raises(SeedError, match="there is no paragraph 9"):
            seed_load(directory=seeds_copy)
        assert database_snapshot() == before
        assert Actor.objects.get(slug="xi-jinping").name == "Xi Jinping"

    def test_missing_file_and_bad_encoding(self, empty_db, seeds_copy):
        (seeds_copy / "records" / "themes.yaml").write_bytes("- slug: é\n".encode("latin-1"))
        with pytest.raises(SeedError, match=r"themes\.yaml: not UTF-8 text"):
            seed_load(directory=seeds_copy)
        (seeds_copy / "records" / "themes.yaml").unlink()
        with pytest.raises(SeedError, match=r"themes\.yaml: the seed file is missing"):
            seed_load(directory=seeds_copy)
        assert all(count == 0 for count in database_snapshot().values())

    def test_text_file_must_stay_inside_the_seeds(self, db, seeds_copy):
        rewrite(
            seeds_copy / "records" / "sources.yaml",
            "text_file: sources/xi-qiushi-digital-economy-2022-01.fr.txt",
            "text_file: ../../etc/passwd",
        )
        with pytest.raises(SeedError, match="outside the seeds directory"):
            seed_load(directory=seeds_copy)
