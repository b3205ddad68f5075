"""The REST API's routes: /api/v1/…, the OpenAPI schema and its interactive docs."""

urlpatterns: list = []
