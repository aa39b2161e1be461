"""Editors see both languages: each French twin on the same row as its English field, on
every add and change form, and searched where the English is."""

import re

import pytest
from django.urls import reverse

from policies.localized import twin
from policies.models import (
    Actor,
    Indicator,
    Observation,
    Plan,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)

pytestmark = pytest.mark.django_db

MODELS = [Source, Actor, Theme, Sector, Indicator, Plan, Target, Observation, Statement]


def row_of(page: str, field: str) -> str:
    """The classes of the form row holding ``field`` (Django marks each with field-<name>)."""
    found = re.findall(rf'<div class="(form-row[^"]*\bfield-{field}\b[^"]*)"', page)
    assert len(found) == 1, f"{field}: {found}"
    return found[0]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_french_twin_shares_its_english_field_row(admin_client, seeded, model):
    name = model._meta.model_name
    record = model.objects.order_by("pk").first()
    pages = [
        admin_client.get(reverse(f"admin:policies_{name}_add")),
        admin_client.get(reverse(f"admin:policies_{name}_change", args=[record.pk])),
    ]
    assert model.TRANSLATED
    for response in pages:
        assert response.status_code == 200
        page = response.content.decode()
        for english in model.TRANSLATED.values():
            french = twin(english, "fr")
            assert f'name="{french}"' in page, french
            assert row_of(page, english) == row_of(page, french)


@pytest.mark.parametrize(
    ("model", "french"),
    [(Theme, "name_fr"), (Sector, "name_fr"), (Actor, "name_fr"), (Indicator, "name_fr")],
)
def test_names_are_searched_in_french_too(admin_client, seeded, model, french):
    record = model.objects.exclude(**{french: ""}).order_by("pk").first()
    url = reverse(f"admin:policies_{model._meta.model_name}_changelist")
    page = admin_client.get(url, {"q": getattr(record, french)}).content.decode()
    assert reverse(f"admin:policies_{model._meta.model_name}_change", args=[record.pk]) in page
