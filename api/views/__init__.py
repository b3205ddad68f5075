"""The API's views, one module per area. Each module has ``register(router)`` for its viewsets
and may have ``urlpatterns`` for plain views (both collected in ``api/urls.py``)."""
