from rest_framework.routers import DefaultRouter

from policies.api import views


class Router(DefaultRouter):
    # The root leads to the documentation and the schema as well as to every list.
    APIRootView = views.APIRoot


router = Router()
router.register("statements", views.StatementViewSet)
router.register("plans", views.PlanViewSet)
router.register("targets", views.TargetViewSet)
router.register("indicators", views.IndicatorViewSet)
router.register("observations", views.ObservationViewSet)
router.register("sources", views.SourceViewSet)
router.register("actors", views.ActorViewSet)
router.register("themes", views.ThemeViewSet)
router.register("sectors", views.SectorViewSet)

urlpatterns = router.urls
