"""The chat heartbeat (policy re-check, presence, catch-up) must not fire for every
socket at once: sockets opened together (a page of a team, a reconnect storm, the
benchmark) once all beat 15 s later in the same instant, and every message sent then
waited behind their database work (issue 29)."""

from __future__ import annotations

import itertools
import random

from messaging import consumers
from messaging.consumers import HEARTBEAT_JITTER, HEARTBEAT_SECONDS, heartbeat_delays


def _beat_times(rng: random.Random, beats: int) -> list[float]:
    """Seconds after the socket opened at which its first ``beats`` heartbeats fire."""
    return list(itertools.accumulate(itertools.islice(heartbeat_delays(rng), beats)))


def test_the_first_beats_of_sockets_opened_together_are_spread_over_the_period():
    rng = random.Random(29)
    firsts = [_beat_times(rng, 1)[0] for _ in range(200)]
    assert all(0 <= t < HEARTBEAT_SECONDS for t in firsts)
    # Every tenth of the period holds some of them, none holds a crowd.
    tenths = [0] * 10
    for t in firsts:
        tenths[int(t / HEARTBEAT_SECONDS * 10)] += 1
    assert min(tenths) > 0, tenths
    assert max(tenths) <= 200 // 10 * 2, tenths


def test_each_later_beat_comes_about_one_period_after_the_last_with_jitter():
    rng = random.Random(14)
    gaps = [later - earlier for _ in range(50) for earlier, later in itertools.pairwise(_beat_times(rng, 6))]
    low, high = HEARTBEAT_SECONDS * (1 - HEARTBEAT_JITTER), HEARTBEAT_SECONDS * (1 + HEARTBEAT_JITTER)
    assert all(low <= gap <= high for gap in gaps)
    # Jittered, not a fixed period: two sockets that happen to beat together drift apart.
    assert len({round(gap, 3) for gap in gaps}) > len(gaps) // 2


def test_sockets_stay_spread_after_many_periods():
    rng = random.Random(7)
    tenth_beats = [_beat_times(rng, 10)[-1] % HEARTBEAT_SECONDS for _ in range(200)]
    tenths = [0] * 10
    for t in tenth_beats:
        tenths[int(t / HEARTBEAT_SECONDS * 10)] += 1
    assert min(tenths) > 0 and max(tenths) <= 40, tenths


def test_the_schedule_follows_the_period_in_force_when_a_socket_starts_beating(monkeypatch):
    """Tests shorten ``HEARTBEAT_SECONDS`` (tests/messaging/test_consumer.py): the
    schedule reads it when a socket starts beating."""
    monkeypatch.setattr(consumers, "HEARTBEAT_SECONDS", 0.2)
    delays = list(itertools.islice(heartbeat_delays(random.Random(1)), 5))
    assert 0 <= delays[0] < 0.2
    assert all(0.2 * (1 - HEARTBEAT_JITTER) <= d <= 0.2 * (1 + HEARTBEAT_JITTER) for d in delays[1:])
