"""The portal's pages, mounted at ``/``: the shared pages here, each area in its own module.

``/`` (``home``) sends each user to their area's start page: ``company_dashboard``
(``/virksomhed/``) for company members, ``/konsulent/`` (the root of the consultants' include) for
consultants and admins, the login page for anyone anonymous.
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from portal.forms.email import OutboxPasswordResetForm
from portal.ratelimit import limit_posts
from portal.views import auth, calendar, email_preferences, home, municipal_login, two_factor

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", home.home, name="home"),
    path("favicon.ico", home.favicon, name="favicon"),
    path("tilgaengelighed/", home.accessibility, name="accessibility"),
    path("login/", limit_posts("login")(auth.LoginView.as_view()), name="login"),
    path("login/kommune/<slug:slug>/", municipal_login.start, name="municipal_login"),
    path(
        "login/kommune/<slug:slug>/svar/",
        municipal_login.callback,
        name="municipal_login_callback",
    ),
    path("login/bekraeft/", two_factor.verify, name="two_factor_verify"),
    path("login/totrin/", two_factor.setup, name="two_factor_setup"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/reset/",
        limit_posts("password_reset")(
            auth_views.PasswordResetView.as_view(
                template_name="portal/auth/password_reset_form.html",
                form_class=OutboxPasswordResetForm,
                success_url=reverse_lazy("password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="portal/auth/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="portal/auth/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="portal/auth/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    # Calendar feeds, for company members and consultants alike.
    path("indstillinger/e-mail/", email_preferences.email_preferences, name="email_preferences"),
    path("kalender/", calendar.calendar_settings, name="calendar"),
    path("kalender/nyt-link/", calendar.calendar_regenerate, name="calendar_regenerate"),
    path("kalender/sluk/", calendar.calendar_revoke, name="calendar_revoke"),
    path("kalender/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("", include("portal.urls_company")),
    path("konsulent/", include("portal.urls_consultant")),
    path("live/", include("portal.urls_live")),
]
