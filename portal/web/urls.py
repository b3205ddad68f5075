"""The portal's pages."""

urlpatterns: list = []
