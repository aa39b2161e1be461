"""The seeds: what they hold matches FACTS.md, every excerpt is proven, loading is safe."""

import datetime
import hashlib
import shutil
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from policies.data_io.loads import seed_load
from policies.data_io.readers import SeedError
from policies.models import (
    Actor,
    Observation,
    Plan,
    PublicationStatus,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)

MODELS = [Source, Actor, Theme, Sector, Plan, Target, Observation, Statement]
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
        ]:
            source = Source.objects.get(slug=slug)
            assert source.tier == "primary"
            assert source.language == "zh"
            assert source.text == ""


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
        ("indicator", "unit", "baseline", "target"),
        [
            ("数字经济核心产业增加值占GDP比重", "%", "7.8", "10"),
            ("IPv6活跃用户数", "亿户", "4.6", "8"),
            ("千兆宽带用户数", "万户", "640", "6000"),
            ("软件和信息技术服务业规模", "万亿元", "8.16", "14"),
            ("工业互联网平台应用普及率", "%", "14.7", "45"),
            ("全国网上零售额", "万亿元", "11.76", "17"),
            ("电子商务交易规模", "万亿元", "37.21", "46"),
        ],
    )
    def test_confirmed_indicators(self, seeded, indicator, unit, baseline, target):
        row = Target.objects.get(plan__slug="14th-fyp-digital-economy", indicator=indicator)
        assert row.unit == unit
        assert (row.baseline_value, row.baseline_year) == (Decimal(baseline), 2020)
        assert (row.target_value, row.target_year) == (Decimal(target), 2025)
        # Binding or expected is unverified: the field stays unknown.
        assert row.kind == Target.Kind.UNKNOWN

    def test_unverified_indicator_is_left_out(self, seeded):
        assert Target.objects.count() == 7
        assert not Target.objects.filter(indicator__contains="在线政务服务").exists()

    def test_observations(self, seeded):
        rows = {
            o.year: o
            for o in Observation.objects.filter(target__slug="core-industries-share-of-gdp")
        }
        assert sorted(rows) == [2020, 2023, 2024]
        assert (rows[2020].value, rows[2020].verified) == (Decimal("7.8"), True)
        assert (rows[2023].value, rows[2023].verified) == (Decimal("9.9"), True)
        assert rows[2023].source.publisher.startswith("National Bureau of Statistics")
        # FACTS marks 2024 unverified: stored only as such, with no source claimed.
        assert (rows[2024].value, rows[2024].verified, rows[2024].source) == (
            Decimal("10.4"),
            False,
            None,
        )
        assert "Unverified" in rows[2024].note
        # CAICT's 39.8 % is another indicator and must not appear.
        assert not Observation.objects.filter(year__in=[2021, 2022]).exists()


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
        assert target.observations.filter(verified=True).count() == 2
        assert Plan.objects.get(slug="14th-fyp-digital-economy").statements.count() == 8

    def test_sector_tree(self, seeded):
        chips = Sector.objects.get(slug="integrated-circuits")
        assert (
            chips.path
            == "digital-economy/electronic-information-manufacturing/integrated-circuits/"
        )
        root = Sector.objects.get(slug="digital-economy")
        assert Sector.objects.descendants_of([root]).count() == Sector.objects.count()


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
        assert Observation.objects.filter(year=2024).count() == 2

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
                '  baseline_year: 2020\n  target_value: "10"',
                '  baseline_year: 2026\n  target_value: "10"',
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
