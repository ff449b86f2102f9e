"""ASGI entry point: HTTP goes to Django, WebSockets to the Channels router behind the
Origin check (scheme, host and port) and session/token authentication."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_hub.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from referral_hub.daphne_forms import install as daphne_hands_form_bodies_to_django  # noqa: E402
from referral_hub.origin import OriginValidator  # noqa: E402
from referral_hub.routing import websocket_urlpatterns  # noqa: E402
from referral_hub.ws_auth import TokenAuthMiddleware  # noqa: E402

# Twisted must not refuse form bodies before Django sees them (referral_hub/daphne_forms.py).
daphne_hands_form_bodies_to_django()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Origin must match in scheme, host and port (referral_hub/origin.py).
        "websocket": OriginValidator(
            AuthMiddlewareStack(TokenAuthMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)
