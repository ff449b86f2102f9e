from __future__ import annotations

import datetime
import json
import pathlib

import pytest
import time_machine

from tests.factories.referrals import referral_world

SECRET = "webhook-secret-for-tests"
NUMBER = "+13135550142"
# 10:00 in New York (the guardian's zone): daytime, texts go at once.
MORNING = datetime.datetime(2027, 1, 12, 15, 0, tzinfo=datetime.UTC)


class TextFile:
    """What the file backend wrote: one JSON object per text."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path

    def lines(self) -> list[dict[str, str]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]

    def to(self, number: str) -> list[dict[str, str]]:
        return [line for line in self.lines() if line["to"] == number]


@pytest.fixture
def texts(settings, tmp_path):
    settings.SMS_BACKEND = "referral_hub.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "texts.jsonl")
    settings.SMS_QUIET_HOURS = "21:00-08:00"
    settings.SMS_INBOUND_SECRET = SECRET
    return TextFile(tmp_path / "texts.jsonl")


@pytest.fixture
def clock():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db):
    return referral_world()


def deliver() -> None:
    from outbox.services import outbox_deliver_due

    outbox_deliver_due()


def reply(client, body: str, number: str = NUMBER, secret: str = SECRET):
    return client.post(
        "/api/v1/sms/inbound/",
        data={"from": number, "body": body},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"} if secret else {},
    )
