"""Municipal sign-in (``domain/models/signin.py``): a municipality's OpenID Connect provider,
entered by a superuser, and the links from a provider's subjects to consultants."""

from django import forms
from django.contrib import admin

from domain.models import MunicipalIdentity, MunicipalSignIn

from .base import BaseAdmin


class MunicipalSignInForm(forms.ModelForm):
    issuer = forms.URLField(
        assume_scheme="https",
        help_text="The provider's issuer URL; its /.well-known/openid-configuration is read.",
    )
    # The secret is never shown again; left empty, the stored one is kept.
    client_secret = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Leave empty to keep the stored secret.",
    )

    class Meta:
        model = MunicipalSignIn
        fields = ("municipality", "issuer", "client_id", "client_secret", "enabled")

    def clean_client_secret(self) -> str:
        secret = self.cleaned_data.get("client_secret") or ""
        if not secret and self.instance.pk:
            return self.instance.client_secret
        if not secret:
            raise forms.ValidationError("The provider's client secret is required.")
        return secret


@admin.register(MunicipalSignIn)
class MunicipalSignInAdmin(BaseAdmin):
    """Which municipalities let their consultants log in with their own provider. A sign-in
    never creates an account: the consultant must exist, with the same e-mail address."""

    created_by_services = False
    form = MunicipalSignInForm
    list_display = ("municipality", "issuer", "client_id", "enabled")
    list_select_related = ("municipality",)
    list_filter = ("enabled",)
    search_fields = ("municipality__name", "issuer", "client_id")


@admin.register(MunicipalIdentity)
class MunicipalIdentityAdmin(BaseAdmin):
    """Who signed in through a provider. Read-only; deleting a link makes the next sign-in
    match by e-mail again."""

    fields = ("sign_in", "subject", "user", "created_at")
    list_display = ("user", "sign_in", "created_at")
    list_select_related = ("user", "sign_in__municipality")
    search_fields = ("user__username", "user__email", "subject")
    view_only = True

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
