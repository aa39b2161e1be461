"""Two editors change one record: the second save is refused, and nothing is lost."""

import pytest
from django.test import Client

from policies.data_io.loads import records_import
from policies.models import Actor, Statement
from tests.admin.test_records import admin_url

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


def posted(response) -> dict:
    """Every field of a change page, its inlines included, as the browser sends it back."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {
            management.add_prefix(name): management[name].value() for name in management.fields
        }
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is False or value is None:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_a_changed_inline_row_edited_meanwhile_is_refused(two_editors):
    from policies.models import Plan, Target

    first, second = two_editors
    plan = Plan.objects.get(slug="14th-fyp-digital-economy")
    target = plan.targets.order_by("pk").first()
    url = admin_url(Plan, "change", plan.pk)
    mine = posted(first.get(url))
    row = next(
        k.removesuffix("-id") for k, v in mine.items() if k.endswith("-id") and v == target.pk
    )

    # The other editor changes the target on its own page.
    target_url = admin_url(Target, "change", target.pk)
    theirs = posted(second.get(target_url)) | {"kind": "binding"}
    assert second.post(target_url, theirs).status_code == 302

    # Changing that row from the plan page is refused; the other edit stays.
    refused = first.post(url, mine | {f"{row}-qualifier": "about"})
    assert refused.status_code == 200
    assert "after you opened it" in refused.content.decode()
    target.refresh_from_db()
    assert (target.kind, target.qualifier) == ("binding", theirs["qualifier"])

    # Even left alone, that row would have been written back with the values it was opened
    # with, undoing the other edit (Django saves an inline row whose values differ from the
    # record's): refused too.
    stale = first.post(url, mine | {"summary": "A new summary"})
    assert stale.status_code == 200
    assert "after you opened it" in stale.content.decode()

    # Opened again, the page saves, and the other edit stays.
    fresh = posted(first.get(url)) | {"summary": "A new summary"}
    assert first.post(url, fresh).status_code == 302
    target.refresh_from_db()
    assert target.kind == "binding"
    assert Plan.objects.get(pk=plan.pk).summary == "A new summary"
