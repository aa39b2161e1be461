"""The API gives both languages in one call: each French twin beside its English field, the
English fields as they were, and the API itself unprefixed and in English."""

import pytest

pytestmark = pytest.mark.django_db

# Per endpoint: (English field, its French twin) of every field readers see in French.
TWINS = {
    "themes": [("name", "name_fr"), ("description", "description_fr")],
    "sectors": [("name", "name_fr"), ("description", "description_fr")],
    "actors": [("name", "name_fr"), ("role", "role_fr"), ("description", "description_fr")],
    "plans": [("title_en", "title_fr"), ("summary", "summary_fr")],
    "statements": [("headline", "headline_fr")],
    "sources": [("notes", "notes_fr")],
    "indicators": [
        ("name_en", "name_fr"),
        ("definition", "definition_fr"),
        ("notes", "notes_fr"),
    ],
    "observations": [("note", "note_fr")],
    "targets": [("indicator_name", "indicator_name_fr")],
}


@pytest.mark.parametrize("endpoint", sorted(TWINS))
def test_each_french_twin_sits_beside_its_english_field(seeded, client, endpoint):
    response = client.get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    records = response.json()["results"]
    assert records
    fields = list(records[0])
    for english, french in TWINS[endpoint]:
        assert fields.index(french) == fields.index(english) + 1, (english, french)
    # The seeds are written in French too: the twins are filled, and differ somewhere.
    for english, french in TWINS[endpoint]:
        filled = [r for r in records if r[english]]
        assert all(r[french] for r in filled), (endpoint, french)


def test_french_twins_hold_the_french(seeded, client):
    themes = client.get("/api/v1/themes/").json()["results"]
    by_slug = {t["slug"]: t for t in themes}
    assert by_slug["key-technologies"]["name"] == "Key technologies"
    assert by_slug["key-technologies"]["name_fr"] == "Technologies clés"
    # The French address of the API is no address at all: the API is not translated.
    assert client.get("/fr/api/v1/themes/").status_code == 404
