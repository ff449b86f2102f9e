"""The family's own API: a provider's first contact with a household."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from families import services
from families.models import HOUSEHOLD_RELATIONSHIPS, Relationship
from referral_hub.sitelinks import absolute_url


class InvitationApi(APIView):
    class InvitationInput(serializers.Serializer[Any]):
        family_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        guardian_email = serializers.EmailField()
        relationship = serializers.ChoiceField(HOUSEHOLD_RELATIONSHIPS, default=Relationship.PARENT)
        child_first_name = serializers.CharField(max_length=100)
        child_last_name = serializers.CharField(max_length=100)
        child_date_of_birth = serializers.DateField()
        preferred_language = serializers.CharField(max_length=8, required=False, default="en")

    class InvitationOutput(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        email = serializers.EmailField()
        expires_at = serializers.DateTimeField()
        invitation_url = serializers.CharField(help_text="Shown once; also e-mailed to the guardian.")

    @extend_schema(
        request=InvitationInput,
        responses={201: InvitationOutput},
        summary="Record a first contact and invite the guardian (provider)",
    )
    def post(self, request: Request) -> Response:
        data = self.InvitationInput(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, token = services.invitation_create(actor=request.user, **data.validated_data)
        url = absolute_url(reverse("families-invitation", kwargs={"token": token}))
        body = {
            "id": invitation.pk,
            "email": invitation.email,
            "expires_at": invitation.expires_at,
            "invitation_url": url,
        }
        return Response(self.InvitationOutput(body).data, status=status.HTTP_201_CREATED)
