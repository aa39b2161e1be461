"""A record's words in the reader's language (policies.localized), and how a page shows them
(policies/templatetags/localized.py): French where there is French, else the English, marked.

Unsaved model instances: the resolver reads attributes only, never the database.
"""

import pytest
from django.template import Context, Template
from django.utils import translation

from policies.localized import Text, localized, marked, reader_language, twin
from policies.models import Actor, Indicator, Observation, Plan, Sector, Statement, Theme

# On a French page the marker explains itself in French.
FALLBACK_HTML = (
    '<span lang="en">{}</span><abbr class="fallback" '
    'title="Pas encore traduit en français\u00a0; affiché en anglais">EN</abbr>'
)


def render(source: str, **context) -> str:
    return Template("{% load localized %}" + source).render(Context(context))


def test_the_twin_of_an_english_field_is_named_for_the_language():
    assert twin("name", "fr") == "name_fr"
    assert twin("title_en", "fr") == "title_fr"  # the English rendering's twin, not title_en_fr
    assert twin("name_en", "fr") == "name_fr"


@pytest.mark.parametrize(
    ("given", "active", "expected"),
    [(None, "fr", "fr"), (None, "en", "en"), ("fr-ca", "en", "fr"), ("en-gb", "fr", "en")],
)
def test_the_reader_language_is_the_active_one_unless_given(given, active, expected):
    with translation.override(active):
        assert reader_language(given) == expected


def test_english_readers_read_the_english_whatever_french_there_is():
    theme = Theme(name="Key technologies", name_fr="Technologies clés")
    with translation.override("en"):
        name = localized(theme, "name")
    assert (name, name.language, name.fallback) == ("Key technologies", "en", False)


def test_french_readers_read_the_french():
    theme = Theme(name="Key technologies", name_fr="Technologies clés")
    with translation.override("fr"):
        name = theme.local.name
    assert isinstance(name, Text)
    assert (name, name.language, name.fallback) == ("Technologies clés", "fr", False)
    assert marked(name) == "Technologies clés"


def test_without_french_the_english_stands_in_marked():
    actor = Actor(name="Xi Jinping", description="General Secretary")
    with translation.override("fr"):
        name = actor.local.name
    assert (name, name.language, name.fallback) == ("Xi Jinping", "en", True)
    assert marked(name) == "Xi Jinping (EN)"


def test_a_language_given_outright_wins_over_the_active_one():
    sector = Sector(name="Digital economy", name_fr="Économie numérique")
    with translation.override("en"):
        assert localized(sector, "name", "fr") == "Économie numérique"
    with translation.override("fr"):
        assert localized(sector, "name", "en") == "Digital economy"


@pytest.mark.parametrize(
    ("record", "field"),
    [
        # Each model's readers' field and the column that holds it: the indicator's name is
        # its English name (``name`` is the Chinese), a plan's title its English title.
        (Indicator(name="数字经济", name_en="Digital economy", name_fr="Économie"), "name"),
        (Indicator(definition="Share of GDP", definition_fr="Part du PIB"), "definition"),
        (Plan(title="十四五", title_en="14th FYP", title_fr="14e plan quinquennal"), "title"),
        (Plan(summary="A plan", summary_fr="Un plan"), "summary"),
        (Statement(headline="Xi speaks", headline_fr="Xi parle"), "headline"),
        (Observation(note="Year-end", note_fr="En fin d'année"), "note"),
        (Theme(description="About chips", description_fr="Les puces"), "description"),
        (Actor(role="Premier", role_fr="Premier ministre"), "role"),
    ],
)
def test_every_translated_field_reads_its_french_twin(record, field):
    english_field = record.TRANSLATED[field]
    with translation.override("fr"):
        assert localized(record, field) == getattr(record, twin(english_field, "fr"))
    with translation.override("en"):
        assert localized(record, field) == getattr(record, english_field)


def test_nothing_in_either_language_is_empty_and_not_marked():
    # An optional field left empty in both languages: nothing to show, and nothing to mark.
    theme = Theme(name="Governance", name_fr="Gouvernance", description="", description_fr="")
    with translation.override("fr"):
        description = theme.local.description
    assert (description, description.fallback) == ("", False)
    assert marked(description) == ""
    assert render("{{ text|marked_html }}", text=description) == ""


def test_only_translated_fields_are_offered():
    with pytest.raises(AttributeError, match="no translated 'slug'"):
        Theme(slug="x").local.slug  # noqa: B018


def test_marked_html_escapes_and_marks_the_english_fallback():
    actor = Actor(name="<b>Li</b> & co")
    with translation.override("fr"):
        html = render("{{ actor.local.name|marked_html }}", actor=actor)
    assert html == FALLBACK_HTML.format("&lt;b&gt;Li&lt;/b&gt; &amp; co")


def test_marked_html_leaves_words_in_the_reader_language_unwrapped():
    theme = Theme(name="Security", name_fr="Sécurité & <défense>")
    source = "{{ t.local.name|marked_html }}"
    with translation.override("fr"):
        assert render(source, t=theme) == "Sécurité &amp; &lt;défense&gt;"
    with translation.override("en"):
        assert render(source, t=theme) == "Security"


def test_marked_gives_plain_text_for_titles_and_attributes():
    with translation.override("fr"):
        assert render("{{ a.local.name|marked }}", a=Actor(name="A & B")) == "A &amp; B (EN)"
        assert render("{{ missing|marked }}") == ""
        assert render("{{ missing|marked_html }}") == ""


def test_a_source_is_named_in_its_own_words_when_the_reader_reads_its_language():
    from policies.models import Source

    report = Source(
        title="Dépêche sur l'essai", title_en="News report on the essay", language="fr"
    )
    plan = Source(
        title="十四五数字经济发展规划", title_en="14th FYP digital economy", language="zh"
    )
    with translation.override("fr"):
        assert (report.reader_title, report.reader_title.fallback) == (
            "Dépêche sur l'essai",
            False,
        )
        # No French title for a Chinese document: the English rendering, marked as such.
        assert (plan.reader_title, plan.reader_title.fallback) == (
            "14th FYP digital economy",
            True,
        )
    with translation.override("en"):
        assert (report.reader_title, report.reader_title.fallback) == (
            "News report on the essay",
            False,
        )
        assert (plan.reader_title, plan.reader_title.fallback) == (
            "14th FYP digital economy",
            False,
        )
    untitled = Source(title="第一财经报道", title_en="", language="zh")
    with translation.override("fr"):
        assert (untitled.reader_title, untitled.reader_title.language) == ("第一财经报道", "zh")


def test_words_survive_copying_and_pickling_with_their_language_and_marker():
    import copy
    import pickle

    from policies.localized import Text

    text = Text("Security", language="en", fallback=True)
    # The pickle is our own, made on the line before.
    unpickled = pickle.loads(pickle.dumps(text))  # noqa: S301
    for copied in (copy.copy(text), copy.deepcopy(text), unpickled):
        assert (copied, copied.language, copied.fallback) == ("Security", "en", True)
