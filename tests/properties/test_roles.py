"""Every admin and import URL, walked as an anonymous visitor, a reader (an account that
is not staff), an editor and an administrator."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from policies.models import Proposal, Source

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "editor", "administrator"]


def urls_of(model, record) -> dict[str, str]:
    """Each admin view of a model, by name (the import page where there is one)."""
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = {
        "changelist": reverse(f"{info}_changelist"),
        "add": reverse(f"{info}_add"),
        "change": reverse(f"{info}_change", args=[record.pk]),
        "history": reverse(f"{info}_history", args=[record.pk]),
        "delete": reverse(f"{info}_delete", args=[record.pk]),
    }
    if hasattr(admin.site._registry[model], "import_view"):
        urls["import"] = reverse(f"{info}_import")
    return urls


# What each role gets: 200, 403, or sent to the login page.
EXPECTED = {
    "anonymous": dict.fromkeys(
        ["changelist", "add", "change", "history", "delete", "import"], "login"
    ),
    "reader": dict.fromkeys(
        ["changelist", "add", "change", "history", "delete", "import"], "login"
    ),
    "editor": {
        "changelist": 200,
        "add": 200,
        "change": 200,
        "history": 200,
        "delete": 403,
        "import": 200,
    },
    "administrator": dict.fromkeys(
        ["changelist", "add", "change", "history", "delete", "import"], 200
    ),
}


def log_in(client, role: str, editor, admin_user) -> None:
    if role == "reader":
        reader = get_user_model().objects.create_user("reader", password="a-long-test-pw-42")
        client.force_login(reader)
    elif role == "editor":
        client.force_login(editor)
    elif role == "administrator":
        client.force_login(admin_user)


@pytest.mark.parametrize("role", ROLES)
def test_every_tracker_admin_url(seeded, client, editor, admin_user, role):
    log_in(client, role, editor, admin_user)
    # The proposals' list (read-only) and the intake pages have a test of their own, below.
    models = [
        m for m in admin.site._registry if m._meta.app_label == "policies" and m is not Proposal
    ]
    assert len(models) == 9
    walked = 0
    for model in models:
        record = model.objects.first()
        for view, url in urls_of(model, record).items():
            response = client.get(url)
            expected = EXPECTED[role][view]
            if expected == "login":
                assert response.status_code == 302, (role, url)
                assert response["Location"].startswith(reverse("admin:login")), (role, url)
            else:
                assert response.status_code == expected, (role, url)
            walked += 1
        # A delete that is not allowed deletes nothing, even when posted.
        if EXPECTED[role]["delete"] != 200:
            client.post(urls_of(model, record)["delete"], {"post": "yes"})
            assert model.objects.filter(pk=record.pk).exists(), (role, model)
    assert walked == 9 * 6


@pytest.mark.parametrize("role", ROLES)
def test_the_intake_pages_and_the_proposals_list(seeded, client, editor, admin_user, role):
    log_in(client, role, editor, admin_user)
    source = Source.objects.first()
    urls = {
        reverse("admin:policies_source_intake"): 200,
        reverse("admin:policies_source_review", args=[source.pk]): 200,
        reverse("admin:policies_proposal_changelist"): 200,
        # Proposals are made by the assistant only, and kept: nobody adds or deletes one.
        reverse("admin:policies_proposal_add"): 403,
    }
    for url, expected in urls.items():
        response = client.get(url)
        if role in ("anonymous", "reader"):
            assert response.status_code == 302, (role, url)
            assert response["Location"].startswith(reverse("admin:login")), (role, url)
        else:
            assert response.status_code == expected, (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_accounts_are_for_administrators_only(seeded, client, editor, admin_user, role):
    log_in(client, role, editor, admin_user)
    for url in [
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_user_change", args=[admin_user.pk]),
        reverse("admin:auth_group_changelist"),
    ]:
        status = client.get(url).status_code
        expected = {"anonymous": 302, "reader": 302, "editor": 403, "administrator": 200}[role]
        assert status == expected, (role, url)
