"""Demo referrals for family 1 (Mateo) in several states, and Mateo's case with a care
team of the five team providers. Idempotent: each referral has a fixed Idempotency-Key,
so a second run replays instead of creating, and transitions are only applied from the
states they start from. Runs after consent (the services check the consents)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.utils import timezone

from cases import services as case_services
from cases.models import TeamRole
from people.demo import Writer
from referrals import services, steps
from referrals.models import NextStep, PartnerLink, PartnerLinkStep, Referral, ReferralStatus
from referrals.partners import LINK_LIFETIME, make_token, token_hash
from referrals.screening import validate_screenings

S = ReferralStatus


def _send(world: dict[str, Any], key: str, sender: str, recipient: str, **fields: Any) -> Referral:
    # The fingerprint names the demo referral, not its body (the screening date moves daily).
    body = {"demo": key}
    # Demo screenings are scored like any sent from the form.
    fields["screenings"] = validate_screenings(fields.get("screenings", []))
    return services.referral_send(
        actor=world["users"][sender],
        child_id=world["children"]["mateo"].pk,
        to_provider_id={**world["providers"], **world.get("partners", {})}[recipient].pk,
        idempotency_key=f"demo-{key}",
        fingerprint=services.request_fingerprint(body),
        **fields,
    ).referral


def seed(world: dict[str, Any], stdout: Writer) -> None:
    with services.emails_suppressed():
        _seed(world, stdout)


def _seed(world: dict[str, Any], stdout: Writer) -> None:
    users = world["users"]
    referrals = world.setdefault("referrals", {})
    administered = timezone.now().date() - datetime.timedelta(days=3)

    scheduled = _send(
        world,
        "asqse-imh",
        "pediatrician",
        "imh_clinician",
        reason="ASQ:SE-2 at the 18-month visit is above the cutoff; parent reports sleep and "
        "separation difficulties. Requesting infant mental health assessment.",
        urgency="soon",
        concern_type="social_emotional",
        screenings=[
            {
                "instrument": "asq_se_2",
                "administered_on": administered.isoformat(),
                "interval_months": 18,
                "total": 70,
            }
        ],
    )
    imh = users["imh_clinician"]
    if scheduled.status in (S.SENT, S.RECEIVED):
        services.referral_accept(
            actor=imh, referral_id=scheduled.pk, note="We can see the family this month."
        )
        scheduled.refresh_from_db()
    if scheduled.status == S.ACCEPTED:
        services.referral_schedule(
            actor=imh,
            referral_id=scheduled.pk,
            appointment_at=(timezone.now() + datetime.timedelta(days=10)).replace(microsecond=0),
        )
    referrals["scheduled"] = scheduled
    _seed_steps(world, scheduled)

    referrals["sent"] = _send(
        world,
        "speech-slp",
        "educator",
        "slp",
        reason="Few words at 20 months in the classroom; family asked for a speech evaluation.",
        concern_type="speech_language",
    )

    completed = _send(
        world,
        "family-imh",
        "social_worker",
        "imh_clinician",
        reason="Family stress after a housing move; caregiver asked for dyadic support.",
        concern_type="family_support",
    )
    if completed.status in (S.SENT, S.RECEIVED):
        services.referral_accept(actor=imh, referral_id=completed.pk)
        completed.refresh_from_db()
    if completed.status == S.ACCEPTED:
        services.referral_complete(
            actor=imh,
            referral_id=completed.pk,
            outcome="connected",
            note="Family enrolled in child-parent psychotherapy.",
            # Needs met (issue 27): the clinician's answer; the family's question stays
            # open on their referrals page.
            needs_met="partly",
            barriers=["waitlist", "transportation"],
        )
    referrals["completed"] = completed

    declined = _send(
        world,
        "coordination-sw",
        "slp",
        "social_worker",
        reason="Family may need help with benefits paperwork.",
        concern_type="family_support",
    )
    if declined.status in (S.SENT, S.RECEIVED):
        services.referral_decline(
            actor=users["social_worker"],
            referral_id=declined.pk,
            decline_reason="other",
            note="Already on my caseload; no separate referral needed.",
        )
    referrals["declined"] = declined

    partner = world.get("partners", {}).get("early_on")
    if partner is not None:
        referrals["to_partner"] = _send(
            world,
            "early-on",
            "pediatrician",
            "early_on",
            reason="Few words and little pointing at 20 months; family asked for an Early On evaluation.",
            concern_type="developmental",
        )
        world["partner_link_token"] = _demo_partner_link(referrals["to_partner"])

    case = case_services.case_get_or_create(child=world["children"]["mateo"])
    roles = {
        "pediatrician": TeamRole.REFERRER,
        "educator": TeamRole.REFERRER,
        "social_worker": TeamRole.LEAD,
        "slp": TeamRole.REFERRER,
        "imh_clinician": TeamRole.RECIPIENT,
    }
    for username, role in roles.items():
        case_services.care_team_member_add(case=case, provider=world["providers"][username], role=role)
    world.setdefault("cases", {})["mateo"] = case
    stdout.write(
        f"referrals: {len(referrals)} referrals for Mateo, case #{case.pk} with {len(roles)} members"
    )
    if "partner_link_token" in world:
        stdout.write(
            "referrals: Early On Washtenaw (no account) answers its referral from "
            f"/r/{world['partner_link_token']}/"
        )


# What the IMH clinician asks Mateo's family to do before the first visit (issue 27):
# one step already done by the family, two to do (docs/referrals.md, "Family next steps").
DEMO_STEPS = (
    (
        "make-contact",
        "Call the clinic to confirm the first visit: (734) 555-0142.",
        "Llame a la clínica para confirmar la primera cita: (734) 555-0142.",
        "",
    ),
    (
        "general-information",
        "Bring your child's insurance card and vaccine record to the first visit.",
        "Traiga la tarjeta del seguro y la cartilla de vacunas de su hijo a la primera cita.",
        "",
    ),
    (
        "complete-questionnaire",
        "Fill in the family intake questionnaire before the visit.",
        "Llene el cuestionario de admisión familiar antes de la cita.",
        "https://forms.example.org/referral-hub/intake",
    ),
)


def _seed_steps(world: dict[str, Any], referral: Referral) -> None:
    imh = world["users"]["imh_clinician"]
    made = world.setdefault("steps", {})
    for kind, text_en, text_es, url in DEMO_STEPS:
        step = NextStep.objects.filter(referral=referral, text_en=text_en).first()
        if step is None:
            step = steps.step_add(
                actor=imh,
                referral_id=referral.pk,
                kind=kind,
                text_en=text_en,
                text_es=text_es,
                url=url,
                due_on=(timezone.now() + datetime.timedelta(days=7)).date(),
            )
        made[kind] = step
    call = made["make-contact"]
    if call.done_at is None:
        steps.step_mark(actor=world["users"]["guardian"], step_id=call.pk, done=True)


def _demo_partner_link(referral: Referral) -> str:
    """The partner's first link for the demo referral to a listing without an account:
    its token derived from the site's key (not stored: only its hash), so a demo user
    and the tests can open ``/r/{token}/``; demo e-mails are not sent."""
    link = PartnerLink.objects.filter(referral=referral, step=PartnerLinkStep.RESPOND).first()
    if link is None:
        link = PartnerLink.objects.create(
            referral=referral,
            step=PartnerLinkStep.RESPOND,
            sent_to=referral.to_provider.email,
            expires_at=timezone.now() + LINK_LIFETIME,
        )
    nonce = hmac.new(settings.SECRET_KEY.encode(), b"demo partner link", hashlib.sha256).hexdigest()[:32]
    token = make_token(link.pk, nonce)
    if link.used_at is None:
        PartnerLink.objects.filter(pk=link.pk).update(token_hash=token_hash(token))
    return token
