"""The interface in English and French: a complete catalogue, compiled, and in use."""

import ast
import gettext
import html
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "policies" / "locale" / "fr" / "LC_MESSAGES"


def po_entries(path: Path) -> list[dict]:
    """A small .po reader: msgid, msgid_plural, msgstr / msgstr[n] and flags per entry."""
    entries, entry, key = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#,"):
            entry["flags"] = {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _space, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


def test_french_catalogue_is_complete_and_not_fuzzy():
    entries = [e for e in po_entries(LOCALE / "django.po") if e.get("msgid")]
    assert len(entries) > 250
    untranslated = [
        e["msgid"] for e in entries if not all(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", set())]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_source():
    """django.mo is committed; it must be compiled from the django.po beside it."""
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po_entries(LOCALE / "django.po"):
        if not entry.get("msgid"):
            continue
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            forms = (entry["msgid"], entry["msgid_plural"], 1)
            found = compiled.npgettext(context, *forms) if context else compiled.ngettext(*forms)
            assert found == entry["msgstr[0]"], entry["msgid"]
        else:
            msgid = entry["msgid"]
            found = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
            assert found == entry["msgstr"], entry["msgid"]


def test_placeholders_survive_translation():
    import re

    placeholder = re.compile(r"%\([a-z_]+\)[sd]")
    for entry in po_entries(LOCALE / "django.po"):
        if "python-format" not in entry.get("flags", set()):
            continue
        singular = sorted(placeholder.findall(entry["msgid"]))
        # A plural form may name what only the plural does ("from %(first)s to %(last)s").
        plural = sorted(placeholder.findall(entry.get("msgid_plural", entry["msgid"])))
        for key, value in entry.items():
            if key.startswith("msgstr"):
                expected = singular if key in ("msgstr", "msgstr[0]") else plural
                assert sorted(placeholder.findall(value)) == expected, entry["msgid"]


def test_model_and_status_words_in_french():
    with translation.override("fr"):
        from policies.models import Statement
        from policies.progress import Status

        assert str(Statement._meta.verbose_name) == "déclaration"
        assert Status.ON_TRACK.label == "en bonne voie"


@pytest.mark.django_db
def test_the_language_lives_in_the_url(seeded, client):
    # A shared link opens in the language it was shared in, whatever the reader's browser
    # asks for or chose before.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get("/", headers={"accept-language": "fr"}).content.decode()
    assert '<html lang="en">' in page
    assert "Target progress" in page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/fr/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="fr">' in page
    assert "Avancement des objectifs" in page
    assert "atteint" in page  # the newest plans' targets' statuses, in the chart's table
    assert 'href="/fr/statements/"' in page  # links stay in French


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/statements/",
        "/statements/xi-big-but-not-strong/",
        "/plans/14th-fyp-digital-economy/",
        "/targets/",
        "/indicators/",
        "/indicators/core-digital-share/",
        "/sectors/",
        "/sectors/6g/",
        "/themes/",
        "/themes/security/",
        "/actors/",
        "/actors/xi-jinping/",
        "/sources/",
        "/methodology/",
        "/feeds/statements.atom",
        "/export/statements.csv",
    ],
)
def test_every_public_url_answers_unprefixed_in_english_and_under_fr_in_french(
    seeded, client, path
):
    english = client.get(path)
    french = client.get("/fr" + path)
    assert english.status_code == french.status_code == 200
    assert english["Content-Language"] == "en"
    assert french["Content-Language"] == "fr"


@pytest.mark.django_db
def test_every_page_declares_its_twin_and_the_picker_keeps_the_filters(seeded, client):
    query = "?sector=6g&theme=security&date_after=2020-01-01"
    for prefix, other in (("", "/fr"), ("/fr", "")):
        page = client.get(f"{prefix}/statements/{query}").content.decode()
        twin = html.escape(f"{other}/statements/{query}")
        own = html.escape(f"{prefix}/statements/{query}")
        for code, path in (("en", "/statements/"), ("fr", "/fr/statements/")):
            address = html.escape(f"http://testserver{path}{query}")
            assert f'hreflang="{code}" href="{address}"' in page
        assert 'hreflang="x-default"' in page
        # The picker: the other language's twin as a link, the current one marked.
        assert f'href="{twin}" hreflang="{"fr" if other else "en"}"' in page
        assert f'href="{own}" aria-current="true"' in page


@pytest.mark.django_db
def test_bad_filter_message_in_french(seeded, client):
    page = client.get("/fr/", {"date_after": "2022-13-45"}).content.decode()
    assert "Saisissez une date valide." in page


def test_status_counts_agree_with_their_number_in_french():
    from policies.progress import Status, status_count

    with translation.override("fr"):
        assert status_count(Status.ACHIEVED, 1) == "1 atteint"
        assert status_count(Status.ACHIEVED, 3) == "3 atteints"
        assert status_count(Status.MISSED, 2) == "2 manqués"
    with translation.override("en"):
        assert status_count(Status.AWAITING_RESULT, 4) == "4 awaiting result"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["//evil.example/", "//evil.example/statements/", "/nowhere/"])
def test_an_unknown_address_offers_each_language_home_and_never_another_host(seeded, client, path):
    # The path as the server receives it (the test client would read "//host" as a host).
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404
    page = response.content.decode()
    assert "evil.example" not in page
    # No twin to declare: the picker leads home in the other language, not back here.
    assert "hreflang=" not in page.split("</head>")[0]
    assert 'href="/fr/" hreflang="fr"' in page
    french = client.get("/fr/nowhere/")
    assert french.status_code == 404
    assert 'href="/" hreflang="en"' in french.content.decode()
