"""Imports from the admin: a preview first, then a confirmation that writes, for editors only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from policies.data_io import loads
from policies.models import Actor, Statement
from tests.admin.test_records import MODEL_IDS, MODELS, admin_url
from tests.data_io.test_imports import statements_csv


class TestImport:
    def upload(self, client, model, name: str, data: bytes):
        return client.post(admin_url(model, "import"), {"file": SimpleUploadedFile(name, data)})

    def actors_csv(self, client) -> bytes:
        data = b"".join(client.get("/export/actors.csv").streaming_content)
        return data.replace(b"Xi Jinping,", b"Xi Jinping (checked),", 1)

    def test_editor_previews_then_confirms(self, seeded, editor_client, editor):
        response = self.upload(editor_client, Actor, "actors.csv", self.actors_csv(editor_client))
        assert response.status_code == 200
        others = Actor.objects.count() - 1
        assert response.context["report"].lines() == [f"actors: 1 updated, {others} unchanged"]
        assert Actor.objects.get(slug="xi-jinping").name == "Xi Jinping"  # nothing written yet
        page = response.content.decode()
        assert "xi-jinping" in page
        assert "Confirm import" in page
        confirm = editor_client.post(
            admin_url(Actor, "import"), {"token": response.context["token"]}
        )
        assert confirm.status_code == 302
        actor = Actor.objects.get(slug="xi-jinping")
        assert actor.name == "Xi Jinping (checked)"
        assert actor.history.latest().history_user == editor

    def test_a_record_saved_between_preview_and_confirmation_refuses_the_import(
        self, seeded, editor_client, admin_user
    ):
        response = self.upload(editor_client, Actor, "actors.csv", self.actors_csv(editor_client))
        # Another editor saves one of the file's records (not the one it changes) meanwhile.
        other = Actor.objects.exclude(slug="xi-jinping").order_by("slug").first()
        other._change_reason = "an editor's save"
        other.role = "Saved after the preview"
        other.save()
        confirm = editor_client.post(
            admin_url(Actor, "import"), {"token": response.context["token"]}
        )
        assert confirm.status_code == 200
        page = confirm.content.decode()
        assert f"actor {other.slug}:" in page
        assert "after the preview. Nothing was imported" in page
        assert Actor.objects.get(slug="xi-jinping").name == "Xi Jinping"  # nothing imported
        assert Actor.objects.get(pk=other.pk).role == "Saved after the preview"  # kept

    def test_new_statements_written_in_batches_name_their_editor(
        self, seeded, editor_client, editor
    ):
        response = self.upload(editor_client, Statement, "statements.csv", statements_csv())
        assert response.context["report"].lines() == ["statements: 2 created"]
        editor_client.post(admin_url(Statement, "import"), {"token": response.context["token"]})
        for slug in ("first-good", "new-one"):
            (record,) = Statement.objects.get(slug=slug).history.all()
            assert record.history_user == editor

    def test_the_preview_lists_the_first_rows_and_counts_the_rest(
        self, seeded, editor_client, monkeypatch
    ):
        # The report keeps only the rows the preview shows, however long the file.
        data = self.actors_csv(editor_client)
        every_row = loads.records_import(name="actors.csv", data=data, dry_run=True).rows
        monkeypatch.setattr(loads, "REPORTED_ROWS", 3)
        response = self.upload(editor_client, Actor, "actors.csv", data)
        report = response.context["report"]
        assert report.row_count == len(every_row) == Actor.objects.count() > 4
        assert report.rows == every_row[:3]
        more = report.row_count - 3
        assert f"and {more} more rows" in response.content.decode()

    def test_bad_file_shows_every_error_and_writes_nothing(self, seeded, editor_client):
        data = self.actors_csv(editor_client).replace(b",CN,", b",China,")
        chinese = Actor.objects.filter(jurisdiction="CN").count()
        response = self.upload(editor_client, Actor, "actors.csv", data)
        errors = response.context["errors"]
        assert len(errors) == chinese > 1  # every row's error, not only the first
        assert errors[0].startswith(
            "actors.csv, row 2, column jurisdiction: Enter an ISO 3166 code"
        )
        assert "token" not in response.context
        assert Actor.objects.filter(jurisdiction="CN").count() == chinese

    def test_expired_preview_is_explained(self, seeded, editor_client):
        response = editor_client.post(
            admin_url(Actor, "import"), {"token": "made-up"}, follow=True
        )
        assert "That preview has expired" in response.content.decode()

    def test_a_token_is_no_use_to_another_user(self, seeded, client, editor_client, admin_user):
        response = self.upload(editor_client, Actor, "actors.csv", self.actors_csv(editor_client))
        client.force_login(admin_user)
        client.post(admin_url(Actor, "import"), {"token": response.context["token"]})
        assert Actor.objects.get(slug="xi-jinping").name == "Xi Jinping"

    @pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
    def test_import_page_for_editors_only(self, seeded, client, editor, django_user_model, model):
        url = admin_url(model, "import")
        assert client.get(url).status_code == 302  # anonymous: to the login page
        reader = django_user_model.objects.create_user(
            "staff-reader", password="a-long-test-password-42", is_staff=True
        )
        client.force_login(reader)
        assert client.get(url).status_code == 403
        client.force_login(editor)
        assert client.get(url).status_code == 200
        assert 'href="' + url + '"' in client.get(admin_url(model, "changelist")).content.decode()
