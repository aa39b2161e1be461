"""A crowd cannot starve the API: anonymous requests past the rate answer 429 with
Retry-After and a JSON message; editors signed in to the admin are not counted."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def allowed_per_window() -> int:
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"].split("/")[0])


def test_anonymous_requests_past_the_rate_are_refused_with_retry_after(seeded, client):
    allowed = allowed_per_window()
    for _ in range(allowed):
        assert client.get("/api/v1/themes/").status_code == 200
    refused = client.get("/api/v1/statements/")  # counted per address, not per endpoint
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"]
    # Another address has a count of its own.
    assert client.get("/api/v1/themes/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_forwarded_for_header_cannot_buy_a_fresh_count(seeded, client):
    # No proxy is trusted (DJANGO_PROXY_COUNT=0): the connection's address is counted.
    for n in range(allowed_per_window()):
        client.get("/api/v1/themes/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n % 250}")
    assert client.get("/api/v1/themes/", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429


def test_signed_in_editors_are_not_throttled(seeded, editor_client):
    for _ in range(allowed_per_window() + 5):
        assert editor_client.get("/api/v1/themes/").status_code == 200
