"""The text provider's webhook: not a person's endpoint. Without the provider's secret
(no session or token counts) every role is refused alike; tests/texts pins the answers
with the secret."""

from tests.routes import Route, everyone

ROUTES = [
    Route(
        "api-sms-inbound",
        everyone(403),
        method="post",
        data=lambda w: {"from": "+13135550123", "body": "STOP"},
    ),
]
