"""Who may do what in the endorsement process. One not-found for "missing" and
"forbidden": an application id tells nobody else anything.

- provider (a user with a directory listing): their own logs and applications;
- curator: every application, assignment, renewal decisions, reinstatement;
- reviewer (member of the ``reviewer`` group): the applications assigned to them.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from directory.models import Endorsement, EndorsementStatus, Provider
from directory.roles import provider_of
from endorsement.models import Application, ApplicationStatus, Document, ReviewerAssignment
from people.roles import Actor, is_curator, is_reviewer
from referral_hub.errors import ApplicationError, NotFound
from referral_hub.ids import id_for_lookup


def require_provider(actor: Actor) -> Provider:
    provider: Provider | None = provider_of(actor)
    if provider is None:
        raise ApplicationError(
            "not_a_provider", "Only providers with a directory listing keep a portfolio.", 403
        )
    return provider


def require_curator(actor: Actor) -> None:
    if not is_curator(actor):
        raise ApplicationError("forbidden", "Only curators may do this.", status=403)


def visible_applications(actor: Actor) -> QuerySet[Application]:
    """Applications ``actor`` may see: all for curators, else their own and assigned ones."""
    qs = Application.objects.all()
    if is_curator(actor):
        return qs
    if not actor.is_authenticated:
        return qs.none()
    condition = Q(provider__user_id=actor.pk)
    if is_reviewer(actor):
        assigned = ReviewerAssignment.objects.filter(application=OuterRef("pk"), reviewer_id=actor.pk)
        condition |= Q(Exists(assigned))
    return qs.filter(condition)


def access_application(actor: Actor, application_id: int) -> Application:
    application = (
        visible_applications(actor)
        .select_related("provider", "rule_set", "endorsement")
        .filter(pk=id_for_lookup(application_id))
        .first()
    )
    if application is None:
        raise NotFound("Application")
    return application


def is_owner(actor: Actor, application: Application) -> bool:
    return actor.is_authenticated and application.provider.user_id == actor.pk


def may_see_exam_code(actor: Actor, application: Application) -> bool:
    """Blind scoring: reviewers must not link an exam code to a name, so only the
    applicant and curators see an application's exam code."""
    return is_owner(actor, application) or is_curator(actor)


def access_own_application(actor: Actor, application_id: int) -> Application:
    """For the applicant's own actions; others who may see it get 403, the rest 404."""
    application = access_application(actor, application_id)
    if not is_owner(actor, application):
        raise ApplicationError("forbidden", "Only the applicant may do this.", status=403)
    return application


def visible_documents(actor: Actor) -> QuerySet[Document]:
    """Documents ``actor`` may read: all for curators; their own; and, for a reviewer,
    those of applicants with an application assigned to them that was not withdrawn
    (a withdrawn application ends the reviewer's reading, also of later uploads)."""
    qs = Document.objects.all()
    if is_curator(actor):
        return qs
    if not actor.is_authenticated:
        return qs.none()
    condition = Q(provider__user_id=actor.pk)
    if is_reviewer(actor):
        assigned = ReviewerAssignment.objects.filter(
            application__provider_id=OuterRef("provider_id"), reviewer_id=actor.pk
        ).exclude(application__status=ApplicationStatus.WITHDRAWN)
        condition |= Q(Exists(assigned))
    return qs.filter(condition)


def access_document(actor: Actor, document_id: int) -> Document:
    document = (
        visible_documents(actor).select_related("provider").filter(pk=id_for_lookup(document_id)).first()
    )
    if document is None:
        raise NotFound("Document")
    return document


def access_endorsement_letter(actor: Actor, endorsement_id: int) -> Endorsement:
    """The holder of a (non-pending, numbered) endorsement, or a curator."""
    qs = Endorsement.objects.exclude(status=EndorsementStatus.PENDING).exclude(credential_number="")
    if not is_curator(actor):
        qs = qs.filter(provider__user_id=actor.pk) if actor.is_authenticated else qs.none()
    endorsement: Endorsement | None = (
        qs.select_related("provider").filter(pk=id_for_lookup(endorsement_id)).first()
    )
    if endorsement is None:
        raise NotFound("Endorsement")
    return endorsement
