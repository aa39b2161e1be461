import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_asgi_application()

from tracker.startup import refuse_unsafe_production  # noqa: E402 (needs settings loaded)

refuse_unsafe_production()
