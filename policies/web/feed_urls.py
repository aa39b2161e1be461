from django.urls import path

from policies.web import feeds

app_name = "feeds"

urlpatterns = [
    path("statements.atom", feeds.statements_feed, name="statements"),
    path("targets.atom", feeds.targets_feed, name="targets"),
]
