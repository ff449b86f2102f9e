"""Signals other apps subscribe to (consent depends on no app above it, so it announces
instead of calling).

``consent_revoked(sender=Consent, consent=Consent, actor=User)`` is sent INSIDE the
revocation transaction: receivers (e.g. referrals removing care-team memberships and
object permissions) take effect atomically with the revocation, and queue their own
socket events with ``send_event_on_commit``.
"""

from django.dispatch import Signal

consent_revoked = Signal()
