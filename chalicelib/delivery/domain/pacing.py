"""Send pacing per channel, and retry backoff (pure: time and sleep are passed in).

SES and SNS each have a send quota in messages a second. The sender's event source mapping
caps how many sender instances run at once (infra derives it from the rate); each instance
then paces itself at its share, `rate / instances`, with a token bucket per channel, so a
burst of 10 000 queued messages goes out at the quota instead of being throttled.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    rate: float  # tokens a second
    burst: float  # tokens it can hold
    tokens: float
    stamp: float


@dataclass
class Pacer:
    """`wait(channel)` returns once a message on `channel` may go; it sleeps if needed.

    `rates` are messages a second for the whole fleet; `instances` share them. A channel
    without a rate (or a rate <= 0) is not paced.
    """

    rates: Mapping[str, float]
    monotonic: Callable[[], float]
    sleep: Callable[[float], None]
    instances: int = 1
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def wait(self, channel: str) -> float:
        """Take one token; returns the seconds slept."""
        rate = float(self.rates.get(channel) or 0) / max(1, self.instances)
        if rate <= 0:
            return 0.0
        now = self.monotonic()
        bucket = self._buckets.get(channel)
        if bucket is None:
            burst = max(1.0, rate)  # at most one second's worth at once
            bucket = self._buckets[channel] = _Bucket(rate, burst, burst, now)
        bucket.tokens = min(bucket.burst, bucket.tokens + (now - bucket.stamp) * bucket.rate)
        bucket.stamp = now
        slept = 0.0
        if bucket.tokens < 1.0:
            slept = (1.0 - bucket.tokens) / bucket.rate
            self.sleep(slept)
            bucket.tokens = 1.0
            bucket.stamp = now + slept
        bucket.tokens -= 1.0
        return slept


def retry_delay(attempt: int, *, base_s: float = 10.0, cap_s: float = 900.0,
                jitter: Callable[[float, float], float] = random.uniform) -> int:
    """Seconds before retry `attempt` (1 = the first retry): exponential with "full jitter"
    (AWS Architecture Blog), at least 1 s, at most `cap_s` (SQS allows up to 12 hours)."""
    ceiling = min(cap_s, base_s * (2 ** max(0, attempt - 1)))
    return max(1, round(jitter(ceiling / 2, ceiling)))
