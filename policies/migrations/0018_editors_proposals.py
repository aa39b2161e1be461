"""The editors group may view and change proposals (0017), as it may indicators (0012): the
review page is theirs, and the proposals' list is the labelled data they read."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_MODELS = ["proposal"]
EDITOR_ACTIONS = ["change", "view"]


def _codenames():
    return [f"{action}_{model}" for model in EDITOR_MODELS for action in EDITOR_ACTIONS]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations run; make them now (as 0002
    # does) so the group can be given them in this same migrate.
    app_config = apps.get_app_config("policies")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="editors").first()
    if group is None:  # removed by an administrator: nothing to extend
        return
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="policies", codename__in=_codenames())
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="editors").first()
    if group is None:
        return
    group.permissions.remove(
        *Permission.objects.filter(content_type__app_label="policies", codename__in=_codenames())
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("policies", "0017_intake"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
