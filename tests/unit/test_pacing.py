"""Per-channel send pacing and retry backoff."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.delivery.domain.pacing import Pacer, retry_delay


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += seconds


def test_a_burst_goes_out_at_the_channels_rate() -> None:
    time = FakeTime()
    pacer = Pacer({"email": 14, "sms": 5}, time.monotonic, time.sleep)
    for _ in range(14 * 10):
        pacer.wait("email")
    # 140 messages at 14/s: the first second's burst (14) is free, then 1/14 s each
    assert abs((time.now - 100.0) - (140 - 14) / 14) < 1e-6


def test_channels_are_paced_separately_and_unpaced_channels_never_wait() -> None:
    time = FakeTime()
    pacer = Pacer({"email": 1, "sms": 1}, time.monotonic, time.sleep)
    assert pacer.wait("email") == 0.0
    assert pacer.wait("sms") == 0.0  # its own bucket
    assert pacer.wait("email") > 0.0
    assert pacer.wait("push") == 0.0  # no rate configured


def test_instances_share_the_rate() -> None:
    time = FakeTime()
    pacer = Pacer({"email": 10}, time.monotonic, time.sleep, instances=5)
    for _ in range(21):
        pacer.wait("email")
    # 2/s each: after the first second's burst of 2, 19 messages need 9.5 s
    assert abs((time.now - 100.0) - 19 / 2) < 1e-6


def test_idle_time_refills_only_up_to_one_second_of_burst() -> None:
    time = FakeTime()
    pacer = Pacer({"sms": 4}, time.monotonic, time.sleep)
    time.now += 3600  # idle for an hour
    for _ in range(4):
        assert pacer.wait("sms") == 0.0
    assert pacer.wait("sms") > 0.0


@given(st.integers(min_value=1, max_value=60))
def test_retry_delays_grow_and_stay_within_bounds(attempt: int) -> None:
    low = retry_delay(attempt, jitter=lambda a, b: a)
    high = retry_delay(attempt, jitter=lambda a, b: b)
    assert 1 <= low <= high <= 900
    assert retry_delay(attempt + 1, jitter=lambda a, b: b) >= high
