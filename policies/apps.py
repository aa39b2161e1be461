from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policy tracker")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        import tracker.startup  # noqa: F401 (registers the deploy check)
        from policies import planner, rollups, search
        from policies.caching import data_changed

        # Any write to a tracker record empties the cached dashboard aggregates.
        for model in self.get_models():
            post_save.connect(data_changed, sender=model, dispatch_uid=f"cache-{model.__name__}")
            post_delete.connect(
                data_changed, sender=model, dispatch_uid=f"cache-del-{model.__name__}"
            )
            for field in model._meta.many_to_many:
                m2m_changed.connect(
                    data_changed,
                    sender=field.remote_field.through,
                    dispatch_uid=f"cache-m2m-{model.__name__}-{field.name}",
                )
        # The dashboard's counts are kept current by the same writes (policies/rollups/).
        rollups.connect()
        # So are the statements' search terms, where a write outside them changes them.
        search.connect()
        # SQLite plans its joins well only with statistics (policies/planner.py).
        post_migrate.connect(planner.after_migrate, sender=self, dispatch_uid="planner")
