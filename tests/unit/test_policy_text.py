"""The reminder policy's text form on invitations: exact round trip, and short."""

from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.invitations.domain.policy_text import policy_from_text, policy_to_text
from chalicelib.invitations.domain.reminders import (
    CHANNELS,
    DEFAULT_POLICY,
    TEMPLATES,
    ReminderPolicy,
    default_for,
    parse_policy,
)


def test_the_default_policy_is_short_and_reads_back() -> None:
    text = policy_to_text(DEFAULT_POLICY)
    assert text == ("g48;q21:00-08:00;-24/email/due_tomorrow;0/email+sms/no_show;"
                    "24/sms/final_call")
    assert policy_from_text(text) == DEFAULT_POLICY
    # the JSON copy invitations carried before was over three times as long
    assert len(json.dumps(DEFAULT_POLICY.to_json())) > 3 * len(text)


def test_no_quiet_hours_no_rounds_and_fractional_hours() -> None:
    policy = ReminderPolicy(rounds=(), grace=timedelta(hours=0.5), quiet=None)
    assert policy_to_text(policy) == "g0.5"
    assert policy_from_text("g0.5") == policy
    email_only = default_for(("email",))
    assert policy_from_text(policy_to_text(email_only)) == email_only


# distinct to the microsecond (timedelta's resolution), like parse_policy wants them
_offsets = st.lists(st.integers(-720 * 64, 47 * 64), min_size=0, max_size=6,
                    unique=True).map(lambda xs: sorted(x / 64 for x in xs))


@given(offsets=_offsets, grace=st.floats(min_value=48, max_value=720),
       channels=st.lists(st.sampled_from(CHANNELS), min_size=1, unique=True),
       template=st.sampled_from(TEMPLATES),
       quiet=st.one_of(st.none(), st.tuples(st.integers(0, 23), st.integers(0, 59),
                                             st.integers(0, 23), st.integers(0, 59))))
def test_any_valid_policy_reads_back_exactly(offsets: list[float], grace: float,
                                             channels: list[str], template: str,
                                             quiet: tuple[int, int, int, int] | None) -> None:
    raw = {"grace_hours": grace,
           "rounds": [{"offset_hours": o, "channels": channels, "template": template}
                      for o in offsets],
           "quiet_hours": None if quiet is None or quiet[:2] == quiet[2:] else {
               "start": f"{quiet[0]:02d}:{quiet[1]:02d}", "end": f"{quiet[2]:02d}:{quiet[3]:02d}"}}
    policy = parse_policy(raw, tuple(CHANNELS))
    assert policy_from_text(policy_to_text(policy)) == policy
