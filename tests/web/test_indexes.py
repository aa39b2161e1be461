"""The browse indexes (sources, actors, themes, sectors): their counts, against the seeds and
against what each record's own page counts; drafts left out; the sector tree's order and
nesting; every row's link; names in the reader's language, with the English fallback marked.
Their query budgets are in tests/web/budgets.py, with every other page's."""

import re
from html.parser import HTMLParser

import pytest
from django.http import QueryDict
from django.urls import reverse

from policies import filters, selectors
from policies.models import Actor, Observation, Plan, Sector, Source, Statement, Target, Theme
from policies.web.indexes import language_name
from tests.factories import (
    ActorFactory,
    IndicatorFactory,
    ObservationFactory,
    PlanFactory,
    SectorFactory,
    SourceFactory,
    StatementFactory,
    TargetFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

REPORT = "fr-report-xi-qiushi-digital-economy-2022-01"
INDEXES = ["source_list", "actor_list", "theme_list", "sector_list"]


def every_count() -> dict[str, tuple[int, ...]]:
    """Every index's counts, row by row, as the selectors give them."""
    counts: dict[str, tuple[int, ...]] = {}
    for source in selectors.indexes.source_index():
        counts[f"source {source.source.slug}"] = (
            source.statements,
            source.plans,
            source.targets,
            source.figures,
        )
    for actor in selectors.indexes.actor_index():
        counts[f"actor {actor.actor.slug}"] = (actor.statements, actor.plans)
    for theme in selectors.indexes.theme_index():
        counts[f"theme {theme.theme.slug}"] = (theme.statements, theme.plans, theme.targets)
    for node in flatten(selectors.indexes.sector_tree()):
        counts[f"sector {node.sector.slug}"] = (node.statements, node.plans, node.targets)
    return counts


def flatten(nodes):
    for node in nodes:
        yield node
        yield from flatten(node.children)


def scoped_counts(param: str, slug: str) -> tuple[int, int, int]:
    """What the record's own page (the dashboard scoped to it) counts."""
    selection = filters.select(QueryDict(f"{param}={slug}"), surface="dashboard")
    assert selection.valid
    return (selection.statements.count(), selection.plans.count(), selection.targets.count())


def test_source_counts_are_the_published_records_citing_each(seeded):
    rows = {row.source.slug: row for row in selectors.indexes.source_index()}
    assert set(rows) == set(Source.objects.values_list("slug", flat=True))
    for slug, row in rows.items():
        source = Source.objects.get(slug=slug)
        assert (row.statements, row.plans, row.targets, row.figures) == (
            Statement.objects.published().filter(source=source).count(),
            Plan.objects.published().filter(source=source).count(),
            Target.objects.of_published_plans().filter(source=source).count(),
            Observation.objects.filter(source=source).count(),
        ), slug
    # The seeds' French report is cited by every seeded statement, and is no plan's text.
    report = rows[REPORT]
    assert (report.statements, report.plans) == (8, 0)
    # Every figure with a source counts under it (some seeded figures name none).
    assert (
        sum(row.figures for row in rows.values())
        == Observation.objects.exclude(source=None).count()
    )


def test_sources_are_primary_first_then_by_publisher(seeded):
    rows = [row.source for row in selectors.indexes.source_index()]
    keys = [(source.tier, source.publisher, source.title) for source in rows]
    assert keys == sorted(keys)
    assert rows[0].tier == Source.Tier.PRIMARY
    assert rows[-1].tier == Source.Tier.SECONDARY


def test_actor_theme_and_sector_counts_match_their_own_pages(seeded):
    """An index's count is what the record's page shows: the same filter, the same records
    (a sector's subtree included, a theme's targets, an actor's issued plans)."""
    for row in selectors.indexes.actor_index():
        statements, plans, _targets = scoped_counts("actor", row.actor.slug)
        assert (row.statements, row.plans) == (statements, plans), row.actor.slug
    for row in selectors.indexes.theme_index():
        assert (row.statements, row.plans, row.targets) == scoped_counts(
            "theme", row.theme.slug
        ), row.theme.slug
    nodes = list(flatten(selectors.indexes.sector_tree()))
    assert len(nodes) == Sector.objects.count()
    for node in nodes:
        assert (node.statements, node.plans, node.targets) == scoped_counts(
            "sector", node.sector.slug
        ), node.sector.slug


def test_a_sector_counts_its_subtree_each_record_once(seeded):
    nodes = {node.sector.slug: node for node in flatten(selectors.indexes.sector_tree())}
    root = nodes["digital-economy"]
    direct = Statement.objects.published().filter(sectors=root.sector).count()
    # Eight statements below the root, six of them tagged with the root itself.
    assert (direct, root.statements) == (6, 8)
    # One statement names both 6G and big data centres: once in their parent's count.
    infrastructure = nodes["digital-infrastructure"]
    assert (nodes["6g"].statements, nodes["big-data-centres"].statements) == (1, 1)
    assert infrastructure.statements == 1


def test_drafts_change_no_count(seeded):
    before = every_count()
    report = Source.objects.get(slug=REPORT)
    xi = Actor.objects.get(slug="xi-jinping")
    theme = Theme.objects.get(slug="security")
    sector = Sector.objects.get(slug="6g")
    draft = StatementFactory(
        status="draft",
        actor=xi,
        source=report,
        paragraph=3,
        excerpt="grande mais pas forte",
        themes=[theme],
    )
    draft.sectors.set([sector])
    draft_plan = PlanFactory(status="draft", issuer=xi, source=report)
    draft_plan.themes.set([theme])
    draft_plan.sectors.set([sector])
    TargetFactory(plan=draft_plan, theme=theme, sector=sector, source=report)
    assert every_count() == before

    # And the same records, published, count: the test can fail.
    draft.status = "published"
    draft.save()
    after = every_count()
    assert after[f"source {REPORT}"][0] == before[f"source {REPORT}"][0] + 1
    assert after["actor xi-jinping"][0] == before["actor xi-jinping"][0] + 1
    assert after["theme security"][0] == before["theme security"][0] + 1
    for slug in ("6g", "digital-infrastructure", "digital-economy"):
        assert after[f"sector {slug}"][0] == before[f"sector {slug}"][0] + 1, slug


def test_a_source_counts_its_figures_and_targets(seeded):
    source = SourceFactory(tier="primary", kind="statistical_release", language="zh-Hans")
    indicator = IndicatorFactory()
    ObservationFactory(source=source, indicator=indicator, period="2021")
    ObservationFactory(source=source, indicator=indicator, period="2022", verified=False)
    TargetFactory(source=source, indicator=indicator)
    TargetFactory(source=source, indicator=indicator, plan=PlanFactory(status="draft"))
    row = next(row for row in selectors.indexes.source_index() if row.source == source)
    assert (row.statements, row.plans, row.targets, row.figures) == (0, 0, 1, 2)


class TreeReader(HTMLParser):
    """Each sector link on the page, with how many lists it sits in."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.in_tree = False
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "ul" and ("sector-tree" in classes or self.in_tree):
            self.in_tree = True
            self.depth += 1
        href = dict(attrs).get("href") or ""
        if tag == "a" and self.in_tree and href.startswith("/sectors/"):
            self.links.append((href, self.depth))

    def handle_endtag(self, tag):
        if tag == "ul" and self.in_tree:
            self.depth -= 1
            self.in_tree = self.depth > 0


def test_the_sector_tree_nests_children_under_their_parents_in_path_order(seeded, client):
    response = client.get(reverse("policies:sector_list"))
    assert response.status_code == 200
    reader = TreeReader()
    reader.feed(response.content.decode())
    sectors = list(Sector.objects.order_by("path"))
    assert reader.links == [(sector.get_absolute_url(), sector.depth + 1) for sector in sectors]
    tree = response.context["tree"]
    assert [node.sector.slug for node in tree] == ["digital-economy"]
    for node in flatten(tree):
        assert [child.sector.parent_id for child in node.children] == [node.sector.pk] * len(
            node.children
        )
    page = response.content.decode()
    assert "each count covers the sector and all its sub-sectors" in page
    assert "16 sectors" in page


def test_the_tree_holds_a_sector_moved_under_another(seeded):
    displays = Sector.objects.get(slug="displays")
    displays.parent = Sector.objects.get(slug="6g")
    displays.save()
    nodes = {node.sector.slug: node for node in flatten(selectors.indexes.sector_tree())}
    assert [child.sector.slug for child in nodes["6g"].children] == ["displays"]
    assert "displays" not in [
        child.sector.slug for child in nodes["electronic-information-manufacturing"].children
    ]
    # 6G's own statement and the displays' one are different statements.
    assert nodes["6g"].statements == 2


@pytest.mark.parametrize("index", INDEXES)
def test_every_row_links_to_a_page_that_opens(seeded, client, index):
    page = client.get(reverse(f"policies:{index}")).content.decode()
    records = {
        "source_list": Source.objects.all(),
        "actor_list": Actor.objects.all(),
        "theme_list": Theme.objects.all(),
        "sector_list": Sector.objects.all(),
    }[index]
    main = page.split('<main id="main"', 1)[1]
    for record in records:
        url = record.get_absolute_url()
        assert f'href="{url}"' in main, url
        assert client.get(url).status_code == 200, url


def test_the_sources_index_shows_tier_kind_language_and_counts(seeded, client):
    page = client.get(reverse("policies:source_list")).content.decode()
    report = Source.objects.get(slug=REPORT)
    assert page.index('id="tier-primary"') < page.index('id="tier-secondary"')
    row = re.search(rf'<tr>\s*<th scope="row"><a href="/sources/{report.pk}/".*?</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    assert cells == ["News report", "French", "8", "0", "0", "0"]
    assert f'<th scope="rowgroup" colspan="7">{report.publisher}</th>' in page
    chinese = Source.objects.filter(language__startswith="zh").count()
    french = Source.objects.filter(language="fr").count()
    assert chinese + french == Source.objects.count()
    summary = (
        f"{chinese + french} sources · by language: "
        f'<a href="/sources/?language=zh">Chinese</a> ({chinese}), '
        f'<a href="/sources/?language=fr">French</a> ({french})</p>'
    )
    assert summary in page


def language_summary(page: str) -> str:
    return page.split('<p class="result-count"', 1)[1].split("</p>", 1)[0]


def source_rows(page: str) -> list[str]:
    """The links of the sources listed (not of the summary or the navigation)."""
    return re.findall(r'<th scope="row"><a href="(/(?:fr/)?sources/\d+/)"', page)


@pytest.mark.parametrize("prefix", ["", "/fr"])
def test_each_language_of_the_summary_narrows_the_list_to_it(seeded, client, prefix):
    french = Source.objects.filter(language="fr")
    chinese = Source.objects.filter(language__startswith="zh")
    for code, sources, others in [("fr", french, chinese), ("zh", chinese, french)]:
        response = client.get(f"{prefix}/sources/", {"language": code})
        assert response.status_code == 200
        page = response.content.decode()
        listed = source_rows(page)
        assert sorted(listed) == sorted(f"{prefix}/sources/{s.pk}/" for s in sources)
        assert not set(listed) & {f"{prefix}/sources/{s.pk}/" for s in others}
        # The summary still counts every language; the chosen one is no link, the others
        # are, and a link leads back to them all.
        summary = language_summary(page)
        assert '<strong aria-current="true">' in summary
        assert f'href="{prefix}/sources/?language={code}"' not in summary
        other = "zh" if code == "fr" else "fr"
        assert f'href="{prefix}/sources/?language={other}"' in summary
        assert f'<a href="{prefix}/sources/">' in summary
    # Case aside, as BCP 47 matches tags; an empty value is no filter.
    assert source_rows(client.get(f"{prefix}/sources/?language=FR").content.decode()) == [
        f"{prefix}/sources/{s.pk}/" for s in french
    ]
    everything = source_rows(client.get(f"{prefix}/sources/").content.decode())
    assert source_rows(client.get(f"{prefix}/sources/?language=").content.decode()) == everything
    both = client.get(f"{prefix}/sources/?language=fr&language=zh").content.decode()
    assert sorted(source_rows(both)) == sorted(everything)


@pytest.mark.parametrize("value", ["de", "zh-Hans", "<b>x</b>", "x" * 300])
def test_a_language_no_source_is_in_is_explained_not_listed(seeded, client, value):
    response = client.get(reverse("policies:source_list"), {"language": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Some filters could not be applied, so nothing is shown:" in page
    assert "Language: No source is in the language “" in page
    assert "<b>x</b>" not in page
    assert source_rows(page) == []
    assert "No sources are recorded yet." not in page
    # The languages there are stay offered, as links.
    assert 'href="/sources/?language=zh"' in language_summary(page)
    french = client.get("/fr/sources/", {"language": value})
    assert french.status_code == 400
    assert source_rows(french.content.decode()) == []


def test_a_language_matches_its_tags_as_bcp_47_filters_them(seeded, client):
    simplified = SourceFactory(language="zh-Hans")
    chinese = {f"/sources/{s.pk}/" for s in Source.objects.filter(language__startswith="zh")}
    assert set(source_rows(client.get("/sources/?language=zh").content.decode())) == chinese
    for tag in ["zh-Hans", "zh-hans"]:
        rows = source_rows(client.get(f"/sources/?language={tag}").content.decode())
        assert rows == [f"/sources/{simplified.pk}/"]
    # One language in the summary, however its sources are tagged.
    summary = language_summary(client.get("/sources/").content.decode())
    assert f'<a href="/sources/?language=zh">Chinese</a> ({len(chinese)})' in summary
    assert client.get("/sources/?language=zh-Hant").status_code == 400


def test_narrowing_by_language_stays_one_query(seeded, client, django_assert_num_queries):
    for query in ["language=zh", "language=de"]:
        with django_assert_num_queries(1):
            client.get(f"/sources/?{query}")


def test_the_themes_index_shows_each_colour(seeded, client):
    page = client.get(reverse("policies:theme_list")).content.decode()
    for theme in Theme.objects.all():
        assert f'<span class="swatch" data-theme="{theme.slug}" aria-hidden="true">' in page
    # The colours themselves come from the themes' stylesheet.
    css = client.get(reverse("policies:theme_styles")).content.decode()
    assert '[data-theme="security"] { --tag: #d62728; }' in css


def test_the_french_indexes_show_french_names(seeded, client):
    theme = Theme.objects.get(slug="security")
    theme.name_fr = "Sécurité économique et nationale"
    theme.description_fr = "Alerte précoce, prévention et contrôle."
    theme.save()
    sector = Sector.objects.get(slug="6g")
    sector.name_fr = "La 6G"
    sector.save()
    actor = Actor.objects.get(slug="state-council")
    actor.name_fr = "Conseil des affaires de l'État"
    actor.save()

    page = client.get("/fr/themes/").content.decode()
    assert '<html lang="fr">' in page
    assert '<a href="/fr/themes/security/">Sécurité économique et nationale</a>' in page
    assert "Alerte précoce, prévention et contrôle." in page
    assert f">{Theme.objects.get(slug='security').name}<" not in page
    assert "La 6G</a>" in client.get("/fr/sectors/").content.decode()
    page = client.get("/fr/actors/").content.decode().replace("&#x27;", "'")
    assert "Conseil des affaires de l'État</a>" in page
    # The English pages keep the English names.
    page = client.get("/themes/").content.decode()
    assert "Sécurité" not in page
    assert f">{theme.name}</a>" in page


def test_a_record_without_french_reads_in_english_marked(seeded, client):
    theme = Theme.objects.get(slug="governance")
    theme.name_fr = ""
    theme.description_fr = ""
    theme.save()
    sector = Sector.objects.get(slug="broadband")
    sector.name_fr = ""
    sector.save()
    page = client.get("/fr/themes/").content.decode()
    marked = re.compile(r'<span lang="en">{}</span>\s*<abbr class="fallback"[^>]*>EN</abbr>')
    assert re.search(marked.pattern.format(re.escape(theme.name)), page)
    assert re.search(marked.pattern.format(re.escape(theme.description)), page)
    page = client.get("/fr/sectors/").content.decode()
    assert re.search(marked.pattern.format(re.escape(sector.name)), page)
    # Never marked in English, where English is no fallback.
    assert 'class="fallback"' not in client.get("/themes/").content.decode()


def test_french_lists_are_in_french_alphabetical_order(seeded, client):
    for slug, name_fr in [("xi-jinping", "Apparemment premier"), ("cac", "Zut, dernier")]:
        actor = Actor.objects.get(slug=slug)
        actor.name_fr = name_fr
        actor.save()
    french = [row.actor.slug for row in client.get("/fr/actors/").context["rows"]]
    assert (french[0], french[-1]) == ("xi-jinping", "cac")
    english = [row.actor.slug for row in client.get("/actors/").context["rows"]]
    assert english == sorted(english, key=lambda slug: Actor.objects.get(slug=slug).name)


def test_empty_indexes_say_so(empty_db, client):
    for index, message in [
        ("source_list", "No sources are recorded yet."),
        ("actor_list", "No actors are recorded yet."),
        ("theme_list", "No themes are recorded yet."),
        ("sector_list", "No sectors are recorded yet."),
    ]:
        response = client.get(reverse(f"policies:{index}"))
        assert response.status_code == 200
        assert message in response.content.decode()


def test_indexes_only_answer_get(seeded, client):
    for index in INDEXES:
        assert client.post(reverse(f"policies:{index}")).status_code == 405


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("zh", "Chinese"),
        ("zh-Hans", "Chinese"),
        ("fr", "French"),
        ("en-GB", "English"),
        ("de", "de"),
    ],
)
def test_a_source_language_is_named_or_kept_as_its_tag(code, name):
    assert language_name(code) == name


def test_the_indicators_index_is_in_the_navigation_with_its_counts(seeded, client):
    page = client.get(reverse("policies:dashboard")).content.decode()
    nav = page.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    for index in ["indicator_list", *INDEXES]:
        assert f'href="{reverse(f"policies:{index}")}"' in nav, index
    page = client.get(reverse("policies:indicator_list")).content.decode()
    assert "The targets counted are those of published plans." in page


def test_each_index_is_one_query_however_many_records(seeded, client, django_assert_num_queries):
    six_g = Sector.objects.get(slug="6g")
    for _ in range(4):
        source = SourceFactory()
        sector = SectorFactory(parent=six_g)
        SectorFactory(parent=sector)
        statement = StatementFactory(source=source, actor=ActorFactory(), themes=[ThemeFactory()])
        statement.sectors.set([sector])
        ObservationFactory(source=source)
    for index in INDEXES:
        with django_assert_num_queries(1):
            assert client.get(reverse(f"policies:{index}")).status_code == 200


def test_a_title_is_marked_in_the_language_it_is_written_in(seeded, client):
    page = client.get(reverse("policies:source_list")).content.decode()
    # A Chinese title, and a descriptive title written in English for the tracker.
    plan_text = Source.objects.get(title="“十四五”数字经济发展规划")
    described = Source.objects.filter(language="zh", title_descriptive=True).first()
    assert described.title == described.title_en
    assert f'<a href="{plan_text.get_absolute_url()}" lang="zh">' in page
    assert f'<a href="{described.get_absolute_url()}" lang="en">' in page
