"""Writes of evidence-based model credentials (issue 28): the provider behind a listing
(or a curator) adds, changes or removes them; a curator verifies or rejects them, with
the same role check as endorsement verification (``policies.require_curator``).

Only ``verified`` credentials are ever public. A change by the provider is a new claim:
the credential returns to ``pending`` until a curator looks again. Refusals are
``ApplicationError``s naming the field (400 ``invalid``), 403/404 from the policies, 409
``credential_expired`` for verifying what has already expired."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from directory import policies
from directory.model_catalogue import evidence_model, model_codes, model_name
from directory.models import (
    CredentialVerification,
    ModelCredential,
    ModelStatus,
    directory_today,
)
from outbox.services import outbox_email
from people.preferences import language_of
from people.roles import Actor, signed_in
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.sitelinks import absolute_url

MAX_NOTE = 2000


def _bad(field: str, message: str) -> ApplicationError:
    return ApplicationError("invalid", message, extra={"field": field})


def _text(value: Any, field: str, limit: int) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise _bad(field, _("Use at most %(limit)d characters.") % {"limit": limit})
    return text


@dataclass(frozen=True)
class ModelCredentialInput:
    code: str
    status: str
    issuer: str
    credential_number: str
    expires_on: datetime.date | None


def _expiry(raw: Any, status: str) -> datetime.date | None:
    if raw in (None, ""):
        if status != ModelStatus.IN_TRAINING:
            raise _bad("expires_on", _("Give the date this credential expires (or is due for renewal)."))
        return None
    try:
        value = raw if isinstance(raw, datetime.date) else datetime.date.fromisoformat(str(raw))
    except ValueError:
        raise _bad("expires_on", _("Type the expiry date as YYYY-MM-DD.")) from None
    if value < directory_today():
        raise _bad("expires_on", _("This date has passed: add the credential once it is renewed."))
    return value


def check_model_credential(data: dict[str, Any]) -> ModelCredentialInput:
    """One form for the page and the API; the first refusal names its field."""
    code = str(data.get("code") or "").strip().lower()
    model = evidence_model(code)
    if model is None:
        raise _bad(
            "code",
            _("Choose a model from the list (one of: %(codes)s).") % {"codes": ", ".join(model_codes())},
        )
    status = str(data.get("status") or "").strip()
    if status not in ModelStatus.values:
        raise _bad("status", _("Choose in training, rostered or certified."))
    return ModelCredentialInput(
        code=code,
        status=status,
        issuer=_text(data.get("issuer"), "issuer", 255) or model.issuer,
        credential_number=_text(data.get("credential_number"), "credential_number", 64),
        expires_on=_expiry(data.get("expires_on"), status),
    )


@transaction.atomic
def model_credential_save(
    *, actor: Actor, provider_id: int, data: dict[str, Any]
) -> tuple[ModelCredential, bool]:
    """Add the listing's credential in a model, or change it (one per model): returns
    it and whether it is new. A new or changed credential waits for a curator."""
    policies.access_listing_for_edit(actor, provider_id)
    values = asdict(check_model_credential(data))
    credential = (
        ModelCredential.objects.select_for_update()
        .filter(provider_id=provider_id, code=values["code"])
        .first()
    )
    created = credential is None
    if credential is None:
        credential = ModelCredential(provider_id=provider_id, **values)
    elif all(getattr(credential, k) == v for k, v in values.items()):
        return credential, False
    for key, value in values.items():
        setattr(credential, key, value)
    credential.verification = CredentialVerification.PENDING
    credential.reviewed_by = None
    credential.reviewed_at = None
    credential.review_note = ""
    try:
        with transaction.atomic():
            credential.save()
    except IntegrityError:
        # Another request added this model to the listing a moment ago (one per model).
        raise ApplicationError(
            "credential_exists",
            _("This model was just added to the listing; reload and change it there."),
            status=409,
        ) from None
    return credential, created


@transaction.atomic
def model_credential_remove(*, actor: Actor, provider_id: int, code: str) -> ModelCredential:
    policies.access_listing_for_edit(actor, provider_id)
    credential = ModelCredential.objects.filter(provider_id=provider_id, code=code).first()
    if credential is None:
        raise NotFound("Model credential")
    credential.delete()
    return credential


def _for_review(actor: Actor, credential_id: int) -> ModelCredential:
    policies.access_model_credential_for_curation(actor, credential_id)
    return ModelCredential.objects.select_for_update().select_related("provider").get(pk=credential_id)


def _decide(credential: ModelCredential, actor: Actor, verification: str, note: str) -> ModelCredential:
    credential.verification = verification
    credential.reviewed_by = signed_in(actor)
    credential.reviewed_at = timezone.now()
    credential.review_note = note
    credential.save(update_fields=["verification", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
    _tell_provider(credential)
    return credential


def _tell_provider(credential: ModelCredential) -> None:
    """The provider behind the listing hears the decision by e-mail (outbox, same
    transaction), in their language: verified (it shows now) or not (the curator's
    reason, and where to change it). Once per decision: the key carries its time."""
    user = credential.provider.user
    if user is None or not user.email:
        return
    language = language_of(user)
    with translation.override(language):
        name = model_name(credential.code)
        page = absolute_url(f"/providers/{credential.provider_id}/models/")
        if credential.verification == CredentialVerification.VERIFIED:
            subject = _("Your %(model)s credential was verified") % {"model": name}
            body = _(
                "The network verified your %(model)s credential. It now shows on your listing, "
                "and families searching for %(model)s find you.\n\nYour credentials: %(link)s\n"
            ) % {"model": name, "link": page}
        else:
            subject = _("Your %(model)s credential could not be verified") % {"model": name}
            body = _(
                "The network could not verify your %(model)s credential: %(note)s\n\n"
                "Correct it on your credentials page and it will be looked at again: %(link)s\n"
            ) % {"model": name, "note": credential.review_note, "link": page}
    assert credential.reviewed_at is not None
    outbox_email(
        key=f"model-credential:{credential.pk}:{credential.verification}:{credential.reviewed_at:%Y%m%dT%H%M%S%f}",
        to_address=user.email,
        subject=str(subject),
        body=str(body),
        kind="listing.credential",
        recipient_id=user.pk,
        language=language,
    )


@transaction.atomic
def model_credential_verify(*, actor: Actor, credential_id: int, note: Any = "") -> ModelCredential:
    """A curator checked the credential with its issuer: it becomes public. Locked, so
    two curators acting at once are recorded in order. An expired one is 409."""
    credential = _for_review(actor, credential_id)
    if credential.expires_on is not None and credential.expires_on < directory_today():
        raise ApplicationError(
            "credential_expired",
            _("This credential has expired; the provider adds the renewed one instead."),
            status=409,
        )
    return _decide(credential, actor, CredentialVerification.VERIFIED, _text(note, "note", MAX_NOTE))


@transaction.atomic
def model_credential_reject(*, actor: Actor, credential_id: int, note: Any) -> ModelCredential:
    """A curator could not verify it: never public; the reason (required) is shown to
    the provider."""
    credential = _for_review(actor, credential_id)
    reason = _text(note, "note", MAX_NOTE)
    if not reason:
        raise _bad("note", _("Give the reason: the provider sees it beside the credential."))
    return _decide(credential, actor, CredentialVerification.REJECTED, reason)
