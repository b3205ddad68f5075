"""The consultants' pages, under ``/konsulent/`` (owned by the consult engineer)."""

urlpatterns: list = []
