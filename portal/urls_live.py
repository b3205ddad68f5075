"""Live pages and fragments, under ``/live/`` (owned by the live engineer)."""

urlpatterns: list = []
