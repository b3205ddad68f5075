from rest_framework.routers import SimpleRouter

urlpatterns: list = []


def register(router: SimpleRouter) -> None:
    """Add this area's viewsets to the API router."""
