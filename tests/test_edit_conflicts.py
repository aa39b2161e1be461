"""Two editors change one record: the second save is refused, and nothing is lost."""

import pytest
from django.test import Client

from policies.models import Actor, Statement
from policies.services import records_import
from tests.test_admin import admin_url

pytestmark = pytest.mark.django_db


def opened(client: Client, actor: Actor) -> dict:
    """The change form's values, as the browser would send them back."""
    form = client.get(admin_url(Actor, "change", actor.pk)).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    return {name: "" if value is None else value for name, value in data.items()}


@pytest.fixture
def two_editors(seeded, editor, admin_user):
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(admin_user)
    return first, second


def test_the_second_of_two_overlapping_saves_is_refused(two_editors):
    first, second = two_editors
    actor = Actor.objects.get(slug="xi-jinping")
    url = admin_url(Actor, "change", actor.pk)
    mine, theirs = opened(first, actor), opened(second, actor)

    assert second.post(url, theirs | {"role": "Saved first"}).status_code == 302
    refused = first.post(url, mine | {"role": "Saved second"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "after you opened it. Nothing of yours was saved" in page
    assert "admin saved this record" in page  # who did: the other editor
    assert Actor.objects.get(pk=actor.pk).role == "Saved first"

    # Opened again, the form carries the new version and saves.
    again = opened(first, actor)
    assert first.post(url, again | {"role": "Saved second"}).status_code == 302
    assert Actor.objects.get(pk=actor.pk).role == "Saved second"


def test_an_import_in_between_counts_as_a_save(two_editors, client):
    first, _second = two_editors
    actor = Actor.objects.get(slug="xi-jinping")
    mine = opened(first, actor)
    exported = b"".join(client.get("/export/actors.csv").streaming_content)
    records_import(
        name="actors.csv", data=exported.replace(b"Xi Jinping,", b"Xi Jinping (imported),", 1)
    )
    refused = first.post(admin_url(Actor, "change", actor.pk), mine | {"role": "Mine"})
    assert refused.status_code == 200
    assert Actor.objects.get(pk=actor.pk).name == "Xi Jinping (imported)"


def test_adding_a_record_needs_no_version(seeded, editor_client):
    page = editor_client.get(admin_url(Statement, "add"))
    assert page.context["adminform"].form["seen_version"].value() is None
