"""The editors group: may add and change every tracker record, and never delete one.

Deletion stays with administrators (superusers) so that a slip by an editor cannot remove
a record that pages, exports and citations point to.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = ["source", "actor", "theme", "sector", "plan", "target", "observation", "statement"]
EDITOR_ACTIONS = ["add", "change", "view"]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations run; make them now so the
    # group can be given them in this same migrate.
    app_config = apps.get_app_config("policies")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="editors")
    codenames = [f"{action}_{model}" for model in EDITOR_MODELS for action in EDITOR_ACTIONS]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="policies", codename__in=codenames)
    )


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("policies", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
