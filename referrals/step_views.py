"""The family's next steps on the web: the referral page's "Add a next step" form
(recipient, referrer) and the family's "Mark as done" on its referrals page. Thin: the
same input and services as the API (``referrals.steps``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from referral_hub.errors import ApplicationError, NotFound
from referral_hub.inputs import plain
from referrals import steps, views


@login_required
@require_POST
def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a step from the referral's page; a refused field re-renders the page with
    what was typed and the message beside it."""
    form = steps.StepAddForm(request.POST)
    try:
        if not form.is_valid():
            return views.referral_page_refused(request, pk, ("step", form))
        step = steps.step_add(actor=request.user, referral_id=pk, **form.cleaned_data)
    except NotFound:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, plain(exc))
    else:
        messages.success(
            request, _("Next step added for the family: %(text)s") % {"text": step.text_in(get_language())}
        )
    return redirect("referral-page", pk=pk)


@login_required
@require_POST
def step_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """The family marks a step done (or not done) from its referrals page."""
    form = steps.StepMarkForm(request.POST)
    form.is_valid()
    try:
        step = steps.step_mark(actor=request.user, step_id=pk, done=form.is_done())
    except NotFound:
        raise Http404 from None
    except ApplicationError as exc:
        return render(request, "referrals/forbidden.html", {"message": plain(exc)}, status=exc.status)
    text = step.text_in(get_language())
    if step.is_done:
        messages.success(request, _("Marked as done: %(text)s") % {"text": text})
    else:
        messages.success(request, _("Marked as not done: %(text)s") % {"text": text})
    return redirect(f"/portal/referrals/#step-{step.pk}")
