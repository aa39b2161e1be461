"""The admin wing: ModelAdmins (``records``), the import flow (``imports``) and the
edit-conflict checks (``conflicts``). Django's autodiscovery imports this package, which
registers every ModelAdmin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from policies.admin import records  # noqa: F401 (registers the ModelAdmins)

admin.site.site_header = _("Policy Tracker administration")
admin.site.site_title = _("Policy Tracker")
admin.site.index_title = _("Records")
