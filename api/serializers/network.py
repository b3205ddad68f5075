"""Municipalities, sectors, companies, network memberships and company members."""

from rest_framework import serializers

from api.serializers.read import ReadSerializer


class MunicipalitySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)
    timezone = serializers.CharField(read_only=True)


class SectorSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True, help_text="In the caller's language.")
    name_da = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)


class SectorRefSerializer(ReadSerializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class CompanySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    cvr = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)
    postcode = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    sector = SectorRefSerializer(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class CompanyUpdateSerializer(serializers.Serializer):
    """The fields a company's profile may change (CVR by admins only: the service decides)."""

    name = serializers.CharField(max_length=200, required=False)
    cvr = serializers.CharField(max_length=20, required=False)
    address = serializers.CharField(max_length=200, required=False)
    postcode = serializers.CharField(max_length=4, required=False)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    sector = serializers.CharField(max_length=40, required=False, help_text="A sector code.")


class CompanyRegisterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    cvr = serializers.CharField(max_length=20, help_text="8 digits (spaces are ignored).")
    address = serializers.CharField(max_length=200)
    postcode = serializers.CharField(max_length=4)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    sector = serializers.CharField(max_length=40, help_text="A sector code.")
    municipality = serializers.IntegerField(
        help_text="The municipality whose network the company asks to join."
    )
    username = serializers.CharField(max_length=150, help_text="The first member's login.")
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, write_only=True, style={"input_type": "password"}
    )


class MembershipRequestSerializer(serializers.Serializer):
    municipality = serializers.IntegerField()


class MembershipRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Shown to the company.")


class CompanyRefSerializer(ReadSerializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class MembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    company = CompanyRefSerializer(read_only=True)
    municipality = MunicipalitySerializer(read_only=True)
    status = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    requested_at = serializers.DateTimeField(read_only=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)


class CompanyMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    user_id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)
    is_company_admin = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
