"""Municipal sign-in: a municipality's own identity provider (OpenID Connect: Entra ID and the
like) for its consultants, and the link from a provider's subject to one consultant's login."""

from django.conf import settings
from django.db import models


class MunicipalSignIn(models.Model):
    """One municipality's OpenID Connect provider, entered by an admin."""

    municipality = models.OneToOneField(
        "portal.Municipality", on_delete=models.CASCADE, related_name="sign_in"
    )
    issuer = models.URLField(
        help_text="The provider's issuer URL; its /.well-known/openid-configuration is read."
    )
    client_id = models.CharField(max_length=255)
    client_secret = models.CharField(max_length=255)
    enabled = models.BooleanField(default=True)

    class Meta:
        verbose_name = "municipal sign-in"
        verbose_name_plural = "municipal sign-ins"

    def __str__(self) -> str:
        return f"sign-in of municipality #{self.municipality_id}"


class MunicipalIdentity(models.Model):
    """A provider's subject (``sub``) linked to the consultant's user it signs in as, made on
    the first sign-in matched by e-mail."""

    sign_in = models.ForeignKey(MunicipalSignIn, on_delete=models.CASCADE, related_name="ids")
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "municipal identity"
        verbose_name_plural = "municipal identities"
        constraints = [
            models.UniqueConstraint(fields=["sign_in", "subject"], name="one_user_per_subject")
        ]

    def __str__(self) -> str:
        return f"identity of user #{self.user_id}"
