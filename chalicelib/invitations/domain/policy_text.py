"""A reminder policy as a short text, for the copy every invitation carries (pure).

Each invitation keeps its campaign's policy so the sweep, the sender and the webhooks plan its
rounds without reading the campaign. As JSON that copy was 170-320 bytes, about a fifth of
the item, and it pushed many invitations past 1 KB: two write units for every write of the
item and of each index entry it has (both indexes project all attributes). The text form of
the default policy is 70 bytes:

    g48;q21:00-08:00;-24/email/due_tomorrow;0/email+sms/no_show;24/sms/final_call

``g<grace hours>``, ``q<start>-<end>`` (absent: no quiet hours), then one
``<offset hours>/<channels joined by +>/<template>`` per round. Hours are written as
Python's shortest float text that reads back exactly. Only policies that passed
``parse_policy`` are written, so channels and templates are known words without separators.
"""

from __future__ import annotations

from datetime import time, timedelta
from functools import lru_cache

from chalicelib.invitations.domain.reminders import QuietHours, ReminderPolicy, Round

_HOUR = timedelta(hours=1)


def _hours(value: timedelta) -> str:
    text = repr(value / _HOUR)
    return text.removesuffix(".0")


def policy_to_text(policy: ReminderPolicy) -> str:
    parts = [f"g{_hours(policy.grace)}"]
    if policy.quiet is not None:
        parts.append(f"q{policy.quiet.start:%H:%M}-{policy.quiet.end:%H:%M}")
    parts += [f"{_hours(r.offset)}/{'+'.join(r.channels)}/{r.template}" for r in policy.rounds]
    return ";".join(parts)


@lru_cache(maxsize=256)  # read on every webhook, sweep and send; a campaign has one
def policy_from_text(text: str) -> ReminderPolicy:
    grace = timedelta(hours=48)
    quiet: QuietHours | None = None
    rounds: list[Round] = []
    for part in text.split(";"):
        if part.startswith("g"):
            grace = timedelta(hours=float(part[1:]))
        elif part.startswith("q"):
            start, end = part[1:].split("-")
            quiet = QuietHours(_time(start), _time(end))
        else:
            offset, channels, template = part.split("/")
            rounds.append(Round(timedelta(hours=float(offset)), tuple(channels.split("+")),
                                template))
    return ReminderPolicy(tuple(rounds), grace, quiet)


def _time(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))
