"""Signals other apps subscribe to (consent depends on no app above it, so it announces
instead of calling).

``consent_revoked(sender=Consent, consent=Consent, actor=User)`` is sent INSIDE the
revocation transaction: receivers (e.g. referrals removing care-team memberships and
object permissions) take effect atomically with the revocation, and queue their own
socket events with ``send_event_on_commit``.
"""

from django.dispatch import Signal

consent_revoked = Signal()

# ``consent_expired(sender=Consent, consent=Consent)``: sent when ``expire_consents``
# records that a consent's expiry day has passed (access already ended at expiry: the
# gate compares dates at query time; this is for cleanup such as care-team rows).
consent_expired = Signal()
