"""The admin wing: ModelAdmins (``records``, and ``indicators`` for the numbers), the import
flow (``imports``), the intake flow and its review page (``intake``), the edit-conflict
checks (``conflicts``) and the editors' queue (``queue``). Django's autodiscovery imports this
package, which registers every ModelAdmin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from policies.admin import indicators, intake, records  # noqa: F401 (registers the ModelAdmins)

admin.site.site_header = _("Policy Tracker administration")
admin.site.site_title = _("Policy Tracker")
admin.site.index_title = _("Records")
