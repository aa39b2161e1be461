"""Repeated failed logins lock the address, and the user name, out for a while."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "a-long-test-password-42"


@pytest.fixture
def editor_account(django_user_model):
    return django_user_model.objects.create_user("ana", password=PASSWORD, is_staff=True)


def log_in(client, username: str, password: str, address: str = "192.0.2.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_out_even_the_right_password(client, editor_account):
    for _ in range(4):
        assert log_in(client, "ana", "wrong").status_code == 200  # the form, with an error
    locked = log_in(client, "ana", "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed logins" in page
    assert "Try again in 15 minutes." in page
    assert log_in(client, "ana", PASSWORD).status_code == 429
    # The user name is locked from everywhere, and the address for every name.
    assert log_in(client, "ana", PASSWORD, address="198.51.100.7").status_code == 429
    assert log_in(client, "someone", "else").status_code == 429


def test_the_lock_lifts_after_the_cool_off(client, editor_account):
    for _ in range(5):
        log_in(client, "ana", "wrong")
    assert log_in(client, "ana", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, "ana", PASSWORD).status_code == 302  # into the admin


def test_a_success_clears_the_count(client, editor_account):
    for _ in range(4):
        log_in(client, "ana", "wrong")
    assert log_in(client, "ana", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, "ana", "wrong").status_code == 200


def test_a_forged_forwarded_address_does_not_escape_the_lock(client, editor_account):
    for n in range(5):
        client.post(
            LOGIN,
            {"username": f"user{n}", "password": "wrong"},
            REMOTE_ADDR="192.0.2.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    assert log_in(client, "ana", PASSWORD).status_code == 429
