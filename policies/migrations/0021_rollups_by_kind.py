# The rollups gain a scope per statement kind (``k<kind>``): the dashboard filtered by one
# kind reads them instead of counting live (policies/rollups/keys.py).

from django.db import migrations


def count_by_kind(apps, schema_editor):
    # A recount writes every scope, the new ones included; writes keep them current after.
    from policies import rollups

    rollups.rebuild(apps)


def drop_kind_scopes(apps, schema_editor):
    # The code before this migration neither reads nor keeps them.
    apps.get_model("policies", "StatementRollup").objects.filter(scope__startswith="k").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0020_statement_indexes_include_id"),
    ]

    operations = [
        migrations.RunPython(count_by_kind, drop_kind_scopes),
    ]
