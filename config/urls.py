"""HTTP routes: the admin, the REST API, the Telegram webhook, the portal's pages, health."""

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from portal.ratelimit import limit_posts


def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and docker-compose health checks."""
    return JsonResponse({"status": "ok"})


urlpatterns = [
    # The local mailbox of the embedded default (404 unless it is the e-mail backend).
    path("postkasse/", include("standin.mailbox")),
    # The admin's login counts against the same budget as the portal's and the API's.
    path("admin/login/", limit_posts("login")(admin.site.login)),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("api/", include("api.urls")),
    path("telegram/", include("bot.urls")),
    path("", include("portal.urls")),
]

# Django's error pages, closing the database connection they open (see the module).
handler400 = "portal.views.error_pages.bad_request"
handler403 = "portal.views.error_pages.permission_denied"
handler404 = "portal.views.error_pages.page_not_found"
handler500 = "config.capacity.server_error"  # a busy database is a 503, not a 500
