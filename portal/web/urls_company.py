"""The companies' pages, at the root of the portal."""

from django.urls import path

from portal.web.views import company_dashboard

urlpatterns = [
    path("virksomhed/", company_dashboard.dashboard, name="company_dashboard"),
]
