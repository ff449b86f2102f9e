"""Extension points for apps above consent (e.g. ``intake``) without import cycles.

``portal_panels``: callables ``(user) -> (template_name, context) | None`` rendered as
extra sections of the family portal ("My family"), in registration order. Registered
in the other app's ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from people.roles import Actor

PortalPanel = Callable[[Actor], tuple[str, dict[str, Any]] | None]
portal_panels: list[PortalPanel] = []
