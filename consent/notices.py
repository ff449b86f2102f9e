"""How consent's in-app notifications read in the notice centre (registered in
``ConsentConfig.ready``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notices.kinds import NoticeKind, payload_url, register


def _expiring_title(payload: dict[str, Any]) -> str:
    ends = formats.date_format(datetime.date.fromisoformat(str(payload["expires_on"])), "DATE_FORMAT")
    return _("A consent you gave ends on %(date)s. Renew it to keep sharing.") % {"date": ends}


def _expiring_url(payload: dict[str, Any]) -> str | None:
    return payload_url({"url": payload.get("renew")})


def _refused_title(payload: dict[str, Any]) -> str:
    attempts = int(payload["attempts"])
    return ngettext(
        "Someone without permission tried to see your child's information today and was refused: "
        "nothing was shown. See who in the access log.",
        "Someone without permission tried to see your child's information %(count)d times today and "
        "was refused each time: nothing was shown. See who in the access log.",
        attempts,
    ) % {"count": attempts}


def register_notice_kinds() -> None:
    register("consent.expiring", NoticeKind(category="reminder", title=_expiring_title, url=_expiring_url))
    register("consent.refused_attempts", NoticeKind(category="consent", title=_refused_title))
