"""How the chat's in-app notifications read in the notice centre (registered in
``MessagingConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from notices.kinds import NoticeKind, register


def _mention_title(payload: dict[str, Any]) -> str:
    return _("%(name)s mentioned you in the care team chat of case #%(case)d.") % {
        "name": payload.get("by") or _("A team member"),
        "case": int(payload["case_id"]),
    }


def _mention_url(payload: dict[str, Any]) -> str:
    return f"/cases/{int(payload['case_id'])}/chat/"


def register_notice_kinds() -> None:
    register("mention", NoticeKind(category="message", title=_mention_title, url=_mention_url))
