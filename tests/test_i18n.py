"""The interface in English and French: a complete catalogue, compiled, and in use."""

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
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
def test_pages_follow_the_chosen_language(seeded, client):
    response = client.get(reverse("policies:dashboard"), HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Avancement des objectifs" in page
    assert "atteint" in page  # the newest plans' targets' statuses, in the chart's table

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("policies:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en">' in page
    assert "Target progress" in page


@pytest.mark.django_db
def test_bad_filter_message_in_french(seeded, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("policies:dashboard"), {"date_after": "2022-13-45"}).content.decode()
    assert "Saisissez une date valide." in page


def test_status_counts_agree_with_their_number_in_french():
    from policies.progress import Status, status_count

    with translation.override("fr"):
        assert status_count(Status.ACHIEVED, 1) == "1 atteint"
        assert status_count(Status.ACHIEVED, 3) == "3 atteints"
        assert status_count(Status.MISSED, 2) == "2 manqués"
    with translation.override("en"):
        assert status_count(Status.AWAITING_RESULT, 4) == "4 awaiting result"
