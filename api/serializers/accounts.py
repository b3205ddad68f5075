"""The current user and the token login."""

from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    otp = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="The second factor: the six digits of the user's authenticator app, or one of "
        "their recovery codes. Required for consultants and admins, and for anyone who has set "
        "up two-step login.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")


class MunicipalityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class CompanyScopeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_company_admin = serializers.BooleanField(
        help_text="May add and remove the company's members."
    )


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.CharField()
    role = serializers.ChoiceField(
        choices=["admin", "consultant", "company", "none"],
        help_text="What the user may do: see the permission matrix in docs/domain.md.",
    )
    municipality = MunicipalityRefSerializer(
        allow_null=True, help_text="A consultant's municipality (the scope of what they see)."
    )
    company = CompanyScopeSerializer(
        allow_null=True, help_text="A company member's company (the scope of what they see)."
    )
