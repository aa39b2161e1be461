"""Adding a source from a document in the admin: every refusal names its problem and makes
nothing; a paste, once its title and language are confirmed, is a draft source holding the
assistant's proposals. (The review page: test_review.py.)"""

import re
from typing import Any, cast

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from policies.intake.documents import MAX_BYTES
from policies.models import Proposal, Source
from tests.factories import UserFactory
from tests.intake.test_documents import raw_pdf

INTAKE = reverse("admin:policies_source_intake")
SOURCE_FIELDS = {"publisher": "Agence test", "kind": "news_report", "tier": "secondary"}

# Written for these tests, in the shape of a news report.
TEXT = (
    "Lundi, Xi a déclaré que la Chine « doit bâtir une économie numérique solide ».\n\n"
    "L'objectif est de porter la part du numérique à 10 % du PIB d'ici 2025, contre 7,8 % "
    "en 2020.\n\n"
    "Un passage piégé <script>alert('x')</script> au milieu du texte."
)
HOSTILE = "<script>alert('x')</script>"


def review_url(source: Source) -> str:
    return reverse("admin:policies_source_review", args=[source.pk])


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_sources_list_offers_the_intake(seeded, editor_client):
    page = editor_client.get(reverse("admin:policies_source_changelist")).content.decode()
    assert f'<a href="{INTAKE}">Add a source from a document</a>' in page


def upload(client: Client, name: str, data: bytes, **fields: Any) -> Any:
    return client.post(
        INTAKE, {"file": SimpleUploadedFile(name, data), "text": "", **SOURCE_FIELDS, **fields}
    )


def refused(response: Any) -> str:
    """The one error of the intake form, shown again."""
    assert response.status_code == 200
    assert response.templates[0].name == "admin/policies/source/intake.html"
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    return errors[0]


SCAN = raw_pdf(
    [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
)


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("big.txt", b"a" * (MAX_BYTES + 1), "The file is 20.0 MB; the limit is 20 MB."),
        ("report.pdf", TEXT.encode(), "The file is named .pdf but holds plain text."),
        ("report.exe", b"MZ", "Files named “.exe” are not read"),
        ("scan.pdf", SCAN, "The PDF has no text layer"),
        ("bericht.txt", "Die Regierung hat heute einen neuen Plan vorgestellt, der die "
         "digitale Wirtschaft des Landes stärken soll.".encode(), "seems to be in German"),
    ],
    ids=["too-big", "type-mismatch", "unknown-type", "no-text-layer", "unhandled-language"],
)  # fmt: skip
def test_a_refused_file_names_its_problem_and_makes_nothing(
    seeded, editor_client, name, data, problem
):
    sources = Source.objects.count()
    assert problem in refused(upload(editor_client, name, data))
    assert Source.objects.count() == sources
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("text", "problem"),
    [("", "The pasted text is empty"), ("  \n\n \t", "The pasted text is empty")],
)
def test_an_empty_paste_is_refused(seeded, editor_client, text, problem):
    sources = Source.objects.count()
    response = editor_client.post(INTAKE, {"text": text, **SOURCE_FIELDS})
    assert problem in refused(response)
    assert Source.objects.count() == sources


def test_a_file_and_a_paste_together_are_refused(seeded, editor_client):
    response = upload(editor_client, "a.txt", TEXT.encode(), text=TEXT)
    assert "either a file or a pasted text" in refused(response)


def test_a_paste_is_confirmed_into_a_draft_source_with_its_proposals(seeded, editor_client):
    sources = Source.objects.count()
    response = editor_client.post(INTAKE, {"text": TEXT, "title": "", **SOURCE_FIELDS})
    assert response.templates[0].name == "admin/policies/source/confirm.html"
    assert Source.objects.count() == sources  # nothing yet
    page = response.content.decode()
    assert re.search(r"<dt>Detected language</dt><dd>French</dd>", page)
    assert re.search(r"<dt>Paragraphs</dt><dd>3</dd>", page)
    assert "Lundi, Xi a déclaré" in page
    assert "&lt;script&gt;alert" in page
    assert HOSTILE not in page
    form = response.context["form"]
    assert form.initial["language"] == "fr"
    confirm = editor_client.post(
        INTAKE,
        {"token": form.initial["token"], "title": "Rapport confirmé", "language": "fr"},
    )
    source = Source.objects.get(title="Rapport confirmé")
    assert confirm.status_code == 302
    assert confirm.url == review_url(source)
    assert (source.status, source.language, source.publisher) == ("draft", "fr", "Agence test")
    assert source.paragraphs[0].startswith("Lundi, Xi")
    proposed = list(source.proposals.all())
    assert proposed, "the assistant proposes something from a quotation and a target"
    assert {p.state for p in proposed} == {Proposal.State.PENDING}
    # The token is spent: confirming again makes nothing.
    again = editor_client.post(
        INTAKE,
        {"token": form.initial["token"], "title": "Rapport confirmé", "language": "fr"},
        follow=True,
    )
    assert "That document has expired" in messages_of(again)[-1]
    assert Source.objects.filter(title="Rapport confirmé").count() == 1


SHORT_FR = "Xi a dit: «Non.»"  # too short for langdetect, which calls it Catalan


def test_the_language_the_editor_chooses_is_read_undetected(seeded, editor_client):
    detected = editor_client.post(INTAKE, {"text": SHORT_FR, "language": "", **SOURCE_FIELDS})
    assert "seems to be in Catalan" in refused(detected)
    pasted = editor_client.post(INTAKE, {"text": SHORT_FR, "language": "fr", **SOURCE_FIELDS})
    assert pasted.context["form"].initial["language"] == "fr"
    uploaded = upload(editor_client, "short.txt", SHORT_FR.encode(), language="fr")
    assert uploaded.context["form"].initial["language"] == "fr"


def test_the_title_and_date_a_paste_states_are_offered(seeded, editor_client):
    text = f"Le numérique en Chine\n\nParis, le 17 janvier 2022\n\n{TEXT}"
    response = editor_client.post(INTAKE, {"text": text, **SOURCE_FIELDS})
    initial = response.context["form"].initial
    assert (initial["title"], str(initial["published"])) == ("Le numérique en Chine", "2022-01-17")


def test_the_confirmation_asks_for_a_title_the_document_does_not_state(seeded, editor_client):
    response = editor_client.post(INTAKE, {"text": TEXT, **SOURCE_FIELDS})
    token = response.context["form"].initial["token"]
    missing = editor_client.post(INTAKE, {"token": token, "title": "", "language": "fr"})
    assert missing.context["form"].errors["title"] == ["This field is required."]
    assert not Source.objects.filter(publisher="Agence test").exists()
    # The document waits still: given its title, it is taken in.
    editor_client.post(INTAKE, {"token": token, "title": "Titre donné", "language": "en"})
    assert Source.objects.get(publisher="Agence test").language == "en"


def test_the_intake_needs_the_add_permission(seeded, client):
    reader = cast(User, UserFactory(username="reader"))
    reader.user_permissions.add(Permission.objects.get(codename="view_source"))
    client.force_login(reader)
    assert client.get(INTAKE).status_code == 403
    assert client.post(INTAKE, {"text": TEXT, **SOURCE_FIELDS}).status_code == 403
