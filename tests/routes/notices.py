"""The notice centre: everyone signed in has their own; a notice id of someone else's
is the same 404 as a missing one."""

from outbox.models import OutboxMessage
from tests.routes import Route, everyone


def _signed_in(status: int, anonymous: int) -> dict[str, int]:
    return {**everyone(status), "anonymous": anonymous}


def _pediatricians_notice(world):
    user = world["users"]["pediatrician"]
    notice = OutboxMessage.objects.filter(channel="in_app", recipient=user).order_by("id").first()
    return {"pk": notice.pk}


ROUTES = [
    Route("api-notice-list", _signed_in(200, 403)),
    Route("api-notice-list", _signed_in(200, 403), query="unread=true", label="GET-api-notice-list-unread"),
    Route("api-notice-read", _signed_in(200, 403), method="post", data=lambda w: {"all": True}),
    Route("notices", _signed_in(200, 302)),
    Route("notices-read", _signed_in(302, 302), method="post", data=lambda w: {}),
    Route(
        "notice-open",
        {**everyone(404), "anonymous": 302, "team_provider": 302},
        kwargs=_pediatricians_notice,
    ),
]
