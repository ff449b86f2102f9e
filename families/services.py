"""Every write to a family's record: guardians registering themselves, a provider's
first-contact invitation and its acceptance, and guardians adding children."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, NoReturn

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import audit_record, audit_refusals
from families.authority import parents_hold_authority
from families.mail import mail_family
from families.models import (
    HOUSEHOLD_RELATIONSHIPS,
    Child,
    Family,
    Guardian,
    Invitation,
    Relationship,
    Restriction,
    RestrictionKind,
)
from families.roles import guardian_of
from people.new_accounts import create_unconfirmed_account
from people.preferences import language_of, update_preferences
from people.roles import Actor, role_object
from referral_hub.errors import ApplicationError
from referral_hub.sitelinks import absolute_url

CONFIRM_SALT = "families.registration.confirm"
CONFIRM_MAX_AGE = 3 * 24 * 3600
INVITATION_TTL = timedelta(days=7)


def _check_password(password: str, password2: str, user: User | None = None) -> None:
    if password != password2:
        raise ApplicationError(
            "password_mismatch", gettext("The two passwords differ."), extra={"field": "password2"}
        )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("weak_password", " ".join(exc.messages), extra={"field": "password"}) from None


def _normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def _email_in_use(email: str) -> bool:
    return (
        User.objects.filter(username__iexact=email).exists()
        or User.objects.filter(email__iexact=email).exists()
    )


@transaction.atomic
def guardian_register(
    *,
    email: str,
    password: str,
    password2: str,
    first_name: str,
    last_name: str,
    relationship: str = Relationship.PARENT,
) -> User | None:
    """A guardian signs up: an inactive user (username = email), their household and
    Guardian row; a confirmation link is e-mailed and activates the account.

    An address already registered gets a reminder e-mail instead and the caller shows
    the same "check your e-mail" page, so the form does not reveal who has an account.
    Returns the new user, or None for an address already in use."""
    email = _normalize_email(email)
    if not email or "@" not in email:
        raise ApplicationError(
            "invalid_email", gettext("Enter a valid e-mail address."), extra={"field": "email"}
        )
    if relationship not in dict(HOUSEHOLD_RELATIONSHIPS):
        raise ApplicationError(
            "invalid_relationship", gettext("Choose a relationship."), extra={"field": "relationship"}
        )
    _check_password(password, password2, User(username=email, email=email, first_name=first_name))
    if _email_in_use(email):
        # The same work as a new account (one password hash) and the same answer, so
        # neither the page nor its timing says whether the address has an account.
        make_password(password)
        _mail_already_registered(email)
        return None
    user = create_unconfirmed_account(
        email=email, password=password, first_name=first_name, last_name=last_name
    )
    family = Family.objects.create(name=f"{last_name.strip() or email} family")
    Guardian.objects.create(user=user, family=family, relationship=relationship)
    parents_hold_authority(family.pk)
    language = language_of(None, translation.get_language())
    update_preferences(user, preferred_language=language)
    mail_family(
        key=f"account:confirm:{user.pk}",
        to_address=email,
        subject=_("Confirm your Referral Hub account"),
        body=_(
            "Welcome to Referral Hub. Confirm your e-mail address to sign in:\n\n%(link)s\n\n"
            "The link works for 3 days."
        ),
        kind="account.confirm",
        recipient_id=user.pk,
        language=language,
        one_time_link=(CONFIRM_LINK, user.pk),  # made when the mail is sent: confirm_link
    )
    return user


def _mail_already_registered(email: str) -> None:
    existing = User.objects.filter(email__iexact=email).first()
    mail_family(
        key=f"account:exists:{email}:{uuid.uuid4().hex}",
        to_address=email,
        subject=_("Your Referral Hub account"),
        body=_(
            "Someone (hopefully you) used this address to sign up for Referral Hub. You already "
            "have an account: sign in, or reset your password with a provider's help. If this "
            "was not you, you can ignore this message."
        ),
        kind="account.exists",
        language=language_of(existing, translation.get_language()),
    )


@transaction.atomic
def guardian_confirm(*, token: str) -> User:
    """The e-mail link activates a new account once. It never re-activates an account
    an administrator deactivated (a link already used answers like an invalid one)."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        raise ApplicationError(
            "invalid_token", gettext("This confirmation link is invalid or has expired.")
        ) from None
    guardian = (
        Guardian.objects.select_for_update().select_related("user").filter(user_id=data.get("u")).first()
    )
    if guardian is None or guardian.email_confirmed_at is not None:
        raise ApplicationError("invalid_token", gettext("This confirmation link is invalid or has expired."))
    guardian.email_confirmed_at = timezone.now()
    guardian.save(update_fields=["email_confirmed_at"])
    user = guardian.user
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# One-time links in e-mail are minted when the mail is sent (outbox.links), so the
# outbox table never holds one; these make them (registered in FamiliesConfig.ready).
CONFIRM_LINK = "account.confirm"
INVITATION_LINK = "invitation"
INVITATION_MAIL_SALT = "families.invitation.mail"


def confirm_link(user_id: int) -> str:
    """A fresh account-confirmation link (signed, 3 days; works once)."""
    token = signing.dumps({"u": user_id}, salt=CONFIRM_SALT)
    return absolute_url(reverse("families-confirm", kwargs={"token": token}))


def invitation_mail_link(invitation_id: int) -> str:
    """The invitation link e-mailed to the guardian: signed with the invitation's id
    (the provider's shown-once link is the random token whose hash the row keeps). Both
    end together: the invitation is open until used or expired."""
    token = signing.dumps({"i": invitation_id}, salt=INVITATION_MAIL_SALT)
    return absolute_url(reverse("families-invitation", kwargs={"token": token}))


def _twins(family_id: int, first_name: str, last_name: str, date_of_birth: date) -> QuerySet[Child]:
    return Child.objects.annotate(f=Lower("first_name"), l=Lower("last_name")).filter(
        family_id=family_id,
        f=first_name.strip().lower(),
        l=last_name.strip().lower(),
        date_of_birth=date_of_birth,
    )


def _child_exists(family_id: int, first_name: str, last_name: str, date_of_birth: date) -> bool:
    return _twins(family_id, first_name, last_name, date_of_birth).exists()


def _refuse_barred_twin(
    guardian: Guardian, first_name: str, last_name: str, date_of_birth: date | None
) -> None:
    """A court order's ``no_information`` keeps a child from this guardian: adding the
    same child again must not tell them it is there (the duplicate message would name
    it and its birth date). The refusal says only that it cannot be added here."""
    if date_of_birth is None:
        return
    twins = _twins(guardian.family_id, first_name, last_name, date_of_birth)
    barred = Restriction.objects.in_force().filter(
        person=guardian, kind=RestrictionKind.NO_INFORMATION, child__in=twins
    )
    if barred.exists():
        raise ApplicationError(
            "child_not_added",
            gettext("This child can't be added to your family here. A care coordinator can help."),
            status=409,
        )


def _validate_child(first_name: str, last_name: str, date_of_birth: date | None) -> None:
    if not first_name.strip() or not last_name.strip():
        raise ApplicationError("name_required", gettext("Enter the child's first and last name."))
    if date_of_birth is None:
        raise ApplicationError("date_of_birth_required", gettext("Enter the child's date of birth."))
    if date_of_birth > timezone.now().date():
        raise ApplicationError("invalid_date_of_birth", gettext("The date of birth is in the future."))


def _new_child(
    *, family: Family, first_name: str, last_name: str, date_of_birth: date, **extra: str
) -> Child:
    first_name, last_name = first_name.strip(), last_name.strip()
    _validate_child(first_name, last_name, date_of_birth)
    duplicate = ApplicationError(
        "duplicate_child",
        gettext("%(name)s, born %(date)s, is already in this family.")
        % {"name": f"{first_name} {last_name}", "date": date_of_birth.isoformat()},
        status=409,
    )
    if _child_exists(family.pk, first_name, last_name, date_of_birth):
        raise duplicate
    try:
        with transaction.atomic():
            child = Child.objects.create(
                family=family,
                first_name=first_name,
                last_name=last_name,
                date_of_birth=date_of_birth,
                **extra,
            )
    except IntegrityError:  # a concurrent twin won the unique constraint
        raise duplicate from None
    parents_hold_authority(family.pk)
    return child


def _no_child_yet(kwargs: Mapping[str, Any]) -> tuple[int | None, object]:
    return None, ""


@audit_refusals(Action.CREATE, object_type="child", subject=_no_child_yet)
def child_input_refuse(*, actor: Actor, error: ApplicationError) -> NoReturn:
    """The child form (``families.forms.ChildForm``) refused what an API client sent:
    logged like every other refused attempt to add a child."""
    raise error


@audit_refusals(Action.CREATE, object_type="child", subject=_no_child_yet)
@transaction.atomic
def child_create(
    *,
    actor: Actor,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    preferred_language: str = "en",
    pronouns: str = "",
) -> Child:
    """A guardian adds a child to their own family (values from
    ``families.forms.ChildForm``). 403 ``guardian_only`` for others, 409
    ``duplicate_child`` for the same name and birth date in the family; a refusal is
    logged as a denied attempt."""
    guardian = guardian_of(actor)
    if guardian is None:
        raise ApplicationError(
            "guardian_only", gettext("Only a guardian may add a child to their family."), status=403
        )
    _refuse_barred_twin(guardian, first_name, last_name, date_of_birth)
    child = _new_child(
        family=guardian.family,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,  # type: ignore[arg-type]  # _validate_child refused None above
        preferred_language=preferred_language or "en",
        pronouns=pronouns,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        child=child,
        data_category="demographics",
        object_type="child",
        object_id=child.pk,
    )
    return child


@transaction.atomic
def invitation_create(
    *,
    actor: Actor,
    family_name: str,
    guardian_email: str,
    child_first_name: str,
    child_last_name: str,
    child_date_of_birth: date | None,
    relationship: str = Relationship.PARENT,
    preferred_language: str = "en",
) -> tuple[Invitation, str]:
    """A provider records a first contact: a new household and its child, and an
    invitation e-mailed to the guardian. Returns the invitation and the raw token (shown
    once to the provider, e.g. to read out or print; only its hash is stored). The
    provider gets no access to the child from this: that needs the guardian's consent."""
    provider = role_object(actor, "provider")
    if provider is None:
        raise ApplicationError("provider_only", gettext("Only a provider may invite a family."), status=403)
    email = _normalize_email(guardian_email)
    if not email or "@" not in email:
        raise ApplicationError(
            "invalid_email",
            gettext("Enter the guardian's e-mail address."),
            extra={"field": "guardian_email"},
        )
    if relationship not in dict(HOUSEHOLD_RELATIONSHIPS):
        raise ApplicationError(
            "invalid_relationship", gettext("Choose a relationship."), extra={"field": "relationship"}
        )
    _validate_child(child_first_name, child_last_name, child_date_of_birth)
    family = Family.objects.create(name=(family_name or f"{child_last_name} family").strip()[:200])
    child = _new_child(
        family=family,
        first_name=child_first_name,
        last_name=child_last_name,
        date_of_birth=child_date_of_birth,  # type: ignore[arg-type]  # _validate_child refused None above
        preferred_language=(preferred_language or "en")[:8],
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        family=family,
        child=child,
        email=email,
        relationship=relationship,
        invited_by_id=provider.pk,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + INVITATION_TTL,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        child=child,
        data_category="demographics",
        object_type="invitation",
        object_id=invitation.pk,
        detail="first contact recorded; guardian invited",
    )
    mail_family(
        key=f"invitation:{invitation.pk}",
        to_address=email,
        subject=_("You are invited to Referral Hub"),
        body=_(
            "%(inviter)s invited you to Referral Hub, where you decide who may see "
            "information about your child. Set your password here:\n\n%(link)s\n\n"
            "The link works once, for 7 days."
        ),
        kind="invitation",
        language=language_of(None, child.preferred_language),
        one_time_link=(INVITATION_LINK, invitation.pk),  # made when the mail is sent: invitation_mail_link
        inviter=invitation.invited_by.name,
    )
    return invitation, token


def invitation_lookup(token: str) -> Invitation:
    """The open invitation for a token, or 404 ``invalid_invitation`` (used, expired or
    unknown: the same answer)."""
    open_invitations = Invitation.objects.select_related("family", "child", "invited_by").filter(
        used_at__isnull=True, expires_at__gt=timezone.now()
    )
    if ":" in (token or ""):  # the e-mailed link (invitation_mail_link); random tokens hold no ':'
        try:
            data = signing.loads(token, salt=INVITATION_MAIL_SALT, max_age=INVITATION_TTL)
        except signing.BadSignature:
            data = {}
        invitation_id = data.get("i") if isinstance(data, dict) else None
        invitation = (
            open_invitations.filter(pk=invitation_id).first() if isinstance(invitation_id, int) else None
        )
    else:
        invitation = open_invitations.filter(token_hash=_token_hash(token or "")).first()
    if invitation is None:
        raise ApplicationError(
            "invalid_invitation", gettext("This invitation link is invalid, used or expired."), status=404
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, password: str, password2: str, first_name: str, last_name: str
) -> User | None:
    """The invited guardian sets a password: an active user (the e-mail link proved the
    address) joins the family as a guardian. The token works once. For an address that
    already has an account: None (the caller answers as for a dead link) and an e-mail."""
    invitation = invitation_lookup(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None:
        raise ApplicationError(
            "invalid_invitation", gettext("This invitation link is invalid, used or expired."), status=404
        )
    email = invitation.email
    _check_password(password, password2, User(username=email, email=email, first_name=first_name))
    if _email_in_use(email):
        # Whoever holds the link (the provider saw it too) learns nothing: the answer is
        # the one for any dead link; the address's owner is told by e-mail.
        make_password(password)  # the same work as a new account
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        _mail_already_registered(email)
        return None
    user = User.objects.create_user(
        username=email,
        email=email,
        password=password,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    update_preferences(user, preferred_language=language_of(None, translation.get_language()))
    Guardian.objects.create(
        user=user,
        family=invitation.family,
        relationship=invitation.relationship,
        email_confirmed_at=timezone.now(),
    )
    parents_hold_authority(invitation.family_id)
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    return user
