"""A real SMTP server on localhost (aiosmtpd; tests/mailserver.py), initially down."""

from __future__ import annotations

import pytest

from tests.mailserver import SmtpServer, free_port


@pytest.fixture
def smtp(settings):
    """An SMTP server on a free port, initially DOWN; Django mails through it."""
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.down()
