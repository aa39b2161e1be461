import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()

from tracker.startup import refuse_unsafe_production  # noqa: E402 (needs settings loaded)

refuse_unsafe_production()
