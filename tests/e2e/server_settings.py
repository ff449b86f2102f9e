"""Settings of the servers the tests start and of the demo templates they copy: the
app's own (``referral_hub.settings``, read from the environment as in a deployment),
with passwords hashed at a test's cost.

PBKDF2 at Django's 1,000,000 iterations costs about 0.6 s of CPU for each sign-in and
each password-signed form on a shared 2-core machine, and the browser tests do about 70
of them a pass. The hash keeps the algorithm's name (``pbkdf2_sha256``) and carries its
iteration count, so a server on the app's own settings (the production-configured
servers of ``tests/security``) still verifies these passwords, and upgrades each one on
its first sign-in as it would an old hash."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher

from referral_hub.settings import *  # noqa: F403


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1_000


PASSWORD_HASHERS = ["tests.e2e.server_settings.QuickPBKDF2PasswordHasher"]
