"""Unit tests for the reminder policy and round planning (invitations/domain/reminders.py).

Pure functions only: no I/O, no mocks. The last section simulates the sweep (timed event via
`apply`, then `plan_rounds`, then `rounds_done`) against random vendor events and ticks to
check that each round is claimed at most once and only when the rules allow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as note
from hypothesis import strategies as st

from chalicelib.invitations.domain.invitation import (
    FINAL,
    OPEN,
    Event,
    Policy,
    Status,
    apply,
    timed_event,
)
from chalicelib.invitations.domain.reminders import (
    CHANNELS,
    DEFAULT_POLICY,
    MAX_ROUNDS,
    TEMPLATES,
    PolicyProblem,
    QuietHours,
    ReminderPolicy,
    Round,
    RoundPlan,
    default_for,
    next_action,
    parse_policy,
    plan_rounds,
    policy_from_json,
    round_time,
)
from tests.unit.forward_order import ABOVE

H = timedelta(hours=1)
BOTH: tuple[str, ...] = ("email", "sms")
EMAIL: tuple[str, ...] = ("email",)

UTC_ZONE = ZoneInfo("UTC")
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")

#: Wed 2026-05-20 12:00 UTC (20:00 in Shanghai): no DST anywhere near.
DEADLINE = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)

NIGHT = QuietHours()  # 21:00-08:00, wraps midnight
LUNCH = QuietHours(time(12, 0), time(13, 0))  # same-day window

#: Rounds at -24 h, 0 h, +24 h and +36 h; no quiet hours, so round times are exact.
PLAN_POLICY = ReminderPolicy(
    rounds=(
        Round(-24 * H, ("email",), "due_tomorrow"),
        Round(timedelta(0), ("email", "sms"), "no_show"),
        Round(24 * H, ("sms",), "final_call"),
        Round(36 * H, ("email",), "final_call"),
    ),
    grace=48 * H,
    quiet=None,
)


def rnd(offset: Any, channels: Any = ("email",), template: Any = None) -> dict[str, Any]:
    """A raw round as the API hands it over (template omitted unless given)."""
    raw: dict[str, Any] = {"offset_hours": offset,
                           "channels": list(channels) if isinstance(channels, tuple)
                           else channels}
    if template is not None:
        raw["template"] = template
    return raw


def problem_code(data: Any, channels: tuple[str, ...] = BOTH) -> str:
    with pytest.raises(PolicyProblem) as info:
        parse_policy(data, channels)
    assert str(info.value)  # every problem carries a human message
    assert isinstance(info.value, ValueError)
    return info.value.code


# =========================================================================================
# parse_policy: valid policies
# =========================================================================================

VALID_POLICIES: list[dict[str, Any]] = [
    {},
    {"rounds": []},
    {"rounds": [rnd(-24), rnd(0, BOTH), rnd(24, ("sms",), "final_call")]},
    {"rounds": [rnd(-48.5, template="no_show"), rnd(-0.25)], "grace_hours": 0},
    {"rounds": [rnd(719, ("sms",))], "grace_hours": 720, "quiet_hours": None},
    {"rounds": [rnd(-1), rnd(1)], "grace_hours": 1.5,
     "quiet_hours": {"start": "22:30", "end": "07:15"}},
    {"rounds": [rnd(0.1), rnd(0.2), rnd(0.3)], "grace_hours": 12,
     "quiet_hours": {"start": "12:00", "end": "13:00"}},
    {"rounds": [rnd(h) for h in range(-3, 3)]},  # exactly MAX_ROUNDS
]


@pytest.mark.parametrize("data", VALID_POLICIES)
def test_valid_policy_round_trips_through_json(data: dict[str, Any]) -> None:
    # GIVEN a valid policy
    policy = parse_policy(data, BOTH)
    # WHEN it is stored as JSON and read back
    stored = policy.to_json()
    again = policy_from_json(stored)
    # THEN nothing is lost, and the JSON form is stable
    assert again == policy
    assert again.to_json() == stored
    assert len(stored["rounds"]) == len(data.get("rounds", []))


def test_parse_builds_the_exact_policy() -> None:
    data = {"rounds": [rnd(-24), rnd(0, ("email", "sms")), rnd(12.5, ("sms",), "final_call")],
            "grace_hours": 36, "quiet_hours": {"start": "22:30", "end": "07:15"}}
    assert parse_policy(data, BOTH) == ReminderPolicy(
        rounds=(Round(-24 * H, ("email",), "due_tomorrow"),
                Round(timedelta(0), ("email", "sms"), "no_show"),
                Round(timedelta(hours=12, minutes=30), ("sms",), "final_call")),
        grace=36 * H,
        quiet=QuietHours(time(22, 30), time(7, 15)),
    )


def test_to_json_shape() -> None:
    assert DEFAULT_POLICY.to_json() == {
        "rounds": [
            {"offset_hours": -24.0, "channels": ["email"], "template": "due_tomorrow"},
            {"offset_hours": 0.0, "channels": ["email", "sms"], "template": "no_show"},
            {"offset_hours": 24.0, "channels": ["sms"], "template": "final_call"},
        ],
        "grace_hours": 48.0,
        "quiet_hours": {"start": "21:00", "end": "08:00"},
    }


def test_policy_from_json_none_or_empty_is_the_default() -> None:
    assert policy_from_json(None) == DEFAULT_POLICY
    assert policy_from_json({}) == DEFAULT_POLICY
    assert policy_from_json(DEFAULT_POLICY.to_json()) == DEFAULT_POLICY


def test_missing_fields_take_defaults() -> None:
    policy = parse_policy({}, BOTH)
    assert policy == ReminderPolicy(rounds=(), grace=48 * H, quiet=QuietHours())
    assert policy.quiet == QuietHours(time(21, 0), time(8, 0))


def test_missing_quiet_hours_is_21_to_08() -> None:
    assert parse_policy({"rounds": [rnd(0)]}, BOTH).quiet == QuietHours(time(21), time(8))


def test_empty_quiet_hours_object_is_21_to_08() -> None:
    assert parse_policy({"quiet_hours": {}}, BOTH).quiet == QuietHours(time(21), time(8))


@pytest.mark.parametrize(("raw", "expected"), [
    ({"start": "22:00"}, QuietHours(time(22), time(8))),
    ({"end": "06:30"}, QuietHours(time(21), time(6, 30))),
    ({"start": "00:00", "end": "23:59"}, QuietHours(time(0), time(23, 59))),
])
def test_partial_quiet_hours_fill_in_the_other_end(raw: dict[str, str],
                                                   expected: QuietHours) -> None:
    assert parse_policy({"quiet_hours": raw}, BOTH).quiet == expected


def test_null_quiet_hours_disables_them() -> None:
    policy = parse_policy({"rounds": [rnd(-1)], "quiet_hours": None}, BOTH)
    assert policy.quiet is None
    assert policy.to_json()["quiet_hours"] is None
    assert policy_from_json(policy.to_json()).quiet is None
    # and nothing is deferred: 23:00 in Shanghai stays 23:00
    deadline = datetime(2026, 5, 21, 0, 0, tzinfo=SHANGHAI)
    assert round_time(policy, 0, deadline, SHANGHAI) == deadline - H


@pytest.mark.parametrize(("offset", "template"), [
    (-24, "due_tomorrow"),
    (-0.01, "due_tomorrow"),
    (0, "no_show"),
    (0.0, "no_show"),
    (0.01, "no_show"),
    (24, "no_show"),
])
def test_default_template_follows_the_sign_of_the_offset(offset: float, template: str) -> None:
    policy = parse_policy({"rounds": [rnd(offset)]}, BOTH)
    assert policy.rounds[0].template == template


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("offset", [-24, 0, 24])
def test_explicit_template_is_kept(template: str, offset: int) -> None:
    assert parse_policy({"rounds": [rnd(offset, template=template)]}, BOTH) \
        .rounds[0].template == template


def test_before_deadline_is_strictly_negative() -> None:
    policy = parse_policy({"rounds": [rnd(-0.5), rnd(0), rnd(0.5)]}, BOTH)
    assert [r.before_deadline for r in policy.rounds] == [True, False, False]


def test_grace_boundaries_are_accepted() -> None:
    assert parse_policy({"grace_hours": 0}, BOTH).grace == timedelta(0)
    assert parse_policy({"grace_hours": 720}, BOTH).grace == timedelta(days=30)
    assert parse_policy({"grace_hours": 1.25}, BOTH).grace == timedelta(hours=1, minutes=15)


def test_round_exactly_at_the_end_of_grace_is_refused() -> None:
    # the tick at the end of grace closes the invitation first: the round would never go out
    assert problem_code({"rounds": [rnd(48)], "grace_hours": 48}) == "round_after_grace"
    assert problem_code({"rounds": [rnd(0)], "grace_hours": 0}) == "round_after_grace"


def test_round_channels_keep_their_order() -> None:
    policy = parse_policy({"rounds": [rnd(0, ["sms", "email"])]}, BOTH)
    assert policy.rounds[0].channels == ("sms", "email")


# --- hypothesis: any valid policy round-trips ----------------------------------------------

_hhmm = st.builds(time, st.integers(0, 23), st.integers(0, 59))


@st.composite
def valid_policies(draw: st.DrawFn) -> dict[str, Any]:
    grace_min = draw(st.integers(0, 720 * 60))
    # after-deadline rounds must come before the end of grace (else they never go out)
    offsets = draw(st.lists(st.integers(-720 * 60, grace_min - 1), max_size=MAX_ROUNDS,
                            unique=True).map(sorted))
    rounds = []
    for minutes in offsets:
        channels = draw(st.sampled_from([["email"], ["sms"], ["email", "sms"], ["sms", "email"]]))
        template = draw(st.none() | st.sampled_from(TEMPLATES))
        rounds.append(rnd(minutes / 60, channels, template))
    data: dict[str, Any] = {"rounds": rounds, "grace_hours": grace_min / 60}
    quiet = draw(st.sampled_from(["missing", "null", "set"]))
    if quiet == "null":
        data["quiet_hours"] = None
    elif quiet == "set":
        start, end = draw(st.tuples(_hhmm, _hhmm).filter(lambda p: p[0] != p[1]))
        data["quiet_hours"] = {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
    return data


@settings(max_examples=80, deadline=None)
@given(valid_policies())
def test_any_valid_policy_round_trips(data: dict[str, Any]) -> None:
    policy = parse_policy(data, BOTH)
    assert len(policy.rounds) == len(data["rounds"])
    assert [r.offset for r in policy.rounds] == sorted(r.offset for r in policy.rounds)
    assert policy_from_json(policy.to_json()) == policy


# =========================================================================================
# parse_policy: every problem code
# =========================================================================================


@pytest.mark.parametrize("data", [None, [], "policy", 3, True, [("rounds", [])]])
def test_policy_not_an_object(data: Any) -> None:
    assert problem_code(data) == "invalid_policy"


@pytest.mark.parametrize("grace", ["48", None, [48], {"h": 48}, True, False])
def test_grace_not_a_number(grace: Any) -> None:
    assert problem_code({"grace_hours": grace}) == "invalid_policy"


@pytest.mark.parametrize("offset", ["-24", None, [0], True, False])
def test_offset_not_a_number(offset: Any) -> None:
    assert problem_code({"rounds": [rnd(offset)]}) == "invalid_policy"


def test_offset_missing() -> None:
    assert problem_code({"rounds": [{"channels": ["email"]}]}) == "invalid_policy"


@pytest.mark.parametrize("grace", [-1, -0.001, 720.001, 721, 10_000])
def test_grace_out_of_range(grace: float) -> None:
    assert problem_code({"grace_hours": grace}) == "invalid_grace"


@pytest.mark.parametrize("rounds", [{}, "x", None, 3, {"0": rnd(0)}])
def test_rounds_not_a_list(rounds: Any) -> None:
    assert problem_code({"rounds": rounds}) == "invalid_rounds"


def test_too_many_rounds() -> None:
    rounds = [rnd(h) for h in range(-3, 4)]
    assert len(rounds) == MAX_ROUNDS + 1
    assert problem_code({"rounds": rounds}) == "invalid_rounds"


@pytest.mark.parametrize("bad", [1, "round", None, [0, ["email"]], True])
def test_round_not_an_object(bad: Any) -> None:
    assert problem_code({"rounds": [rnd(-1), bad]}) == "invalid_rounds"


@pytest.mark.parametrize("offsets", [
    [0, 0],
    [-24, -24],
    [-1, 5, 5],
    [0, -0.0],
    [24, 0],  # out of order
    [-24, 24, 0],  # out of order
    [1, -1],
])
def test_overlapping_or_unordered_rounds(offsets: list[float]) -> None:
    rounds = [rnd(o, ["email"] if i % 2 else ["sms"]) for i, o in enumerate(offsets)]
    assert problem_code({"rounds": rounds}) == "overlapping_rounds"


@pytest.mark.parametrize(("offset", "grace"), [(49, 48), (0.5, 0), (721, 720), (12.01, 12)])
def test_round_after_grace(offset: float, grace: float) -> None:
    data = {"rounds": [rnd(-1), rnd(offset)], "grace_hours": grace}
    assert problem_code(data) == "round_after_grace"


@pytest.mark.parametrize("channels", [
    ["fax"],
    ["email", "fax"],
    ["EMAIL"],
    ["email", "email"],
    ["sms", "sms"],
    [],
    "email",
    None,
    {"email": True},
])
def test_unknown_or_malformed_channels(channels: Any) -> None:
    assert problem_code({"rounds": [rnd(0, channels)]}) == "unknown_channel"


def test_channels_missing() -> None:
    assert problem_code({"rounds": [{"offset_hours": 0}]}) == "unknown_channel"


@pytest.mark.parametrize(("channels", "campaign"), [
    (["sms"], ("email",)),
    (["email", "sms"], ("email",)),
    (["email"], ("sms",)),
    (["email"], ()),
])
def test_channel_the_campaign_does_not_send_by(channels: list[str],
                                               campaign: tuple[str, ...]) -> None:
    with pytest.raises(PolicyProblem) as info:
        parse_policy({"rounds": [rnd(0, channels)]}, campaign)
    assert info.value.code == "unknown_channel"
    assert "does not send by" in str(info.value)


@pytest.mark.parametrize("template", ["reminder", "", "NO_SHOW", 3, ["no_show"]])
def test_unknown_template(template: Any) -> None:
    assert problem_code({"rounds": [rnd(0, template=template)]}) == "unknown_template"


@pytest.mark.parametrize("quiet", ["21:00-08:00", [], ["21:00", "08:00"], 5, True])
def test_quiet_hours_not_an_object(quiet: Any) -> None:
    assert problem_code({"quiet_hours": quiet}) == "invalid_quiet_hours"


@pytest.mark.parametrize("value", ["25:00", "24:00", "21:60", "9pm", "", "21:00 ", "8:00",
                                   "noon", 2100, 21.0, None, ["21:00"]])
@pytest.mark.parametrize("field_name", ["start", "end"])
def test_quiet_hours_bad_time(field_name: str, value: Any) -> None:
    assert problem_code({"quiet_hours": {field_name: value}}) == "invalid_quiet_hours"


@pytest.mark.parametrize("quiet", [
    {"start": "08:00", "end": "08:00"},
    {"start": "00:00", "end": "00:00"},
    {"start": "08:00"},  # end defaults to 08:00
    {"end": "21:00"},  # start defaults to 21:00
])
def test_quiet_hours_start_equals_end(quiet: dict[str, str]) -> None:
    assert problem_code({"quiet_hours": quiet}) == "invalid_quiet_hours"


def test_problems_are_reported_in_validation_order() -> None:
    # the object check first, then grace, then the rounds list, then each round, then order
    assert problem_code({"grace_hours": -1, "rounds": "x"}) == "invalid_grace"
    assert problem_code({"rounds": "x", "quiet_hours": 5}) == "invalid_rounds"
    assert problem_code({"rounds": [rnd(1), rnd(0, ["fax"])]}) == "unknown_channel"
    assert problem_code({"rounds": [rnd(99), rnd(0)]}) == "overlapping_rounds"
    assert problem_code({"rounds": [rnd(99)], "quiet_hours": 5}) == "round_after_grace"


# --- bugs: inputs that escape validation --------------------------------------------------


# Regression (fixed): BUG: parse_policy lets NaN/inf/huge numbers reach timedelta(hours=...),
# which raises ValueError/OverflowError instead of PolicyProblem; json.loads and pydantic floats
# accept NaN/Infinity/1e400, so catalog.create_campaign (which catches PolicyProblem only) answers
# 500
@pytest.mark.parametrize("data", [
    pytest.param({"grace_hours": float("nan")}, id="grace-nan"),
    pytest.param({"grace_hours": float("inf")}, id="grace-inf"),
    pytest.param({"grace_hours": 1e12}, id="grace-huge"),
    pytest.param({"rounds": [rnd(float("nan"))]}, id="offset-nan"),
    pytest.param({"rounds": [rnd(float("-inf"))]}, id="offset-minus-inf"),
    pytest.param({"rounds": [rnd(-1e11)]}, id="offset-huge"),
])
def test_non_finite_or_huge_numbers_are_policy_problems(data: dict[str, Any]) -> None:
    with pytest.raises(PolicyProblem):
        parse_policy(data, BOTH)


# Regression (fixed): BUG: negative offsets have no lower bound: offset_hours=-1e9 is accepted,
# then round_time/next_action raise OverflowError ('date value out of range') for every invitation
# of the campaign
def test_accepted_policy_can_always_be_scheduled() -> None:
    # GIVEN a round ~114 000 years before the deadline
    data = {"rounds": [rnd(-1e9)]}
    try:
        policy = parse_policy(data, BOTH)
    except PolicyProblem:
        return  # rejecting it is fine
    # WHEN the accepted policy is scheduled THEN it must not crash
    next_action(Status.INVITED, 0, policy, DEADLINE, UTC_ZONE)


# Regression (fixed): BUG: _quiet uses time.fromisoformat, which accepts a UTC offset ('21:00Z',
# '21:00+01:00', even '08-00' = 08:00 at UTC-00:00); the aware time is stored in QuietHours and
# every later contains()/defer()/round_time() raises TypeError (naive vs aware comparison)
@pytest.mark.parametrize("quiet", [
    pytest.param({"start": "21:00Z", "end": "08:00Z"}, id="both-Z"),
    pytest.param({"start": "21:00+01:00", "end": "08:00"}, id="start-offset"),
    pytest.param({"start": "21:00", "end": "08-00"}, id="end-dash-read-as-offset"),
])
def test_quiet_hours_with_a_utc_offset_are_rejected(quiet: dict[str, str]) -> None:
    assert problem_code({"quiet_hours": quiet}) == "invalid_quiet_hours"


# Regression (fixed): BUG: quiet hours must be HH:MM but '08:00:30' is accepted; defer() then
# replaces only hour/minute and returns 08:00:00, which is still inside the window, and to_json()
# drops the seconds so the stored policy differs from the validated one
def test_quiet_hours_with_seconds_are_rejected() -> None:
    assert problem_code({"quiet_hours": {"start": "21:00", "end": "08:00:30"}}) \
        == "invalid_quiet_hours"


# =========================================================================================
# default_for
# =========================================================================================


def test_default_for_email_only_drops_the_sms_round() -> None:
    policy = default_for(("email",))
    assert policy.rounds == (
        Round(-24 * H, ("email",), "due_tomorrow"),
        Round(timedelta(0), ("email",), "no_show"),
    )
    assert policy.grace == DEFAULT_POLICY.grace
    assert policy.quiet == DEFAULT_POLICY.quiet


@pytest.mark.parametrize("channels", [("email", "sms"), ("sms", "email")])
def test_default_for_both_channels_is_the_default(channels: tuple[str, ...]) -> None:
    assert default_for(channels) == DEFAULT_POLICY


def test_default_for_sms_only() -> None:
    assert default_for(("sms",)).rounds == (
        Round(timedelta(0), ("sms",), "no_show"),
        Round(24 * H, ("sms",), "final_call"),
    )


def test_default_for_is_a_valid_stored_policy() -> None:
    for channels in [("email",), ("sms",), CHANNELS]:
        policy = default_for(channels)
        assert parse_policy(policy.to_json(), channels) == policy


# =========================================================================================
# QuietHours
# =========================================================================================


@pytest.mark.parametrize(("local", "inside"), [
    (time(20, 59), False),
    (time(21, 0), True),
    (time(23, 59, 59), True),
    (time(0, 0), True),
    (time(7, 59, 59), True),
    (time(8, 0), False),
    (time(12, 0), False),
])
def test_wrapping_window_contains(local: time, inside: bool) -> None:
    assert NIGHT.contains(local) is inside


@pytest.mark.parametrize(("local", "inside"), [
    (time(11, 59, 59), False),
    (time(12, 0), True),
    (time(12, 30), True),
    (time(12, 59, 59), True),
    (time(13, 0), False),
    (time(0, 0), False),
    (time(23, 0), False),
])
def test_same_day_window_contains(local: time, inside: bool) -> None:
    assert LUNCH.contains(local) is inside


def sh(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("local", "expected"), [
    (sh(2026, 5, 20, 23, 30), sh(2026, 5, 21, 8)),  # late evening -> next morning
    (sh(2026, 5, 20, 21, 0), sh(2026, 5, 21, 8)),  # start of the window
    (sh(2026, 5, 21, 0, 0), sh(2026, 5, 21, 8)),  # midnight -> same morning
    (sh(2026, 5, 21, 2, 0), sh(2026, 5, 21, 8)),  # small hours -> same morning
    (sh(2026, 5, 21, 7, 59), sh(2026, 5, 21, 8)),
    (sh(2026, 12, 31, 22, 0), sh(2027, 1, 1, 8)),  # across a year end
])
def test_night_window_defers_to_its_end_on_the_right_day(local: datetime,
                                                         expected: datetime) -> None:
    # GIVEN a moment in quiet hours, expressed in UTC (as stored)
    at = local.astimezone(UTC)
    # WHEN it is deferred for a candidate in Shanghai
    got = NIGHT.defer(at, SHANGHAI)
    # THEN it lands on 08:00 Shanghai time that day / next day, still in UTC
    assert got == expected
    assert got.tzinfo is UTC
    assert got.astimezone(SHANGHAI).time() == time(8, 0)


@pytest.mark.parametrize("local", [sh(2026, 5, 21, 8, 0), sh(2026, 5, 21, 12, 0),
                                   sh(2026, 5, 20, 20, 59)])
def test_night_window_leaves_allowed_times_alone(local: datetime) -> None:
    at = local.astimezone(UTC)
    got = NIGHT.defer(at, SHANGHAI)
    assert got == at
    assert got.tzinfo is UTC


def test_defer_keeps_the_input_tzinfo() -> None:
    minus3 = timezone(timedelta(hours=-3))
    at = sh(2026, 5, 20, 23, 30).astimezone(minus3)
    got = NIGHT.defer(at, SHANGHAI)
    assert got.tzinfo is minus3
    assert got == sh(2026, 5, 21, 8)
    # an input already in the candidate's zone stays in that zone
    local = sh(2026, 5, 21, 2)
    assert NIGHT.defer(local, SHANGHAI).tzinfo is SHANGHAI


@pytest.mark.parametrize(("at", "expected"), [
    (datetime(2026, 5, 20, 12, 0, tzinfo=UTC), datetime(2026, 5, 20, 13, 0, tzinfo=UTC)),
    (datetime(2026, 5, 20, 12, 30, tzinfo=UTC), datetime(2026, 5, 20, 13, 0, tzinfo=UTC)),
    (datetime(2026, 5, 20, 12, 59, 59, 999999, tzinfo=UTC),
     datetime(2026, 5, 20, 13, 0, tzinfo=UTC)),
    (datetime(2026, 5, 20, 13, 0, tzinfo=UTC), datetime(2026, 5, 20, 13, 0, tzinfo=UTC)),
    (datetime(2026, 5, 20, 11, 59, tzinfo=UTC), datetime(2026, 5, 20, 11, 59, tzinfo=UTC)),
    (datetime(2026, 5, 20, 23, 0, tzinfo=UTC), datetime(2026, 5, 20, 23, 0, tzinfo=UTC)),
])
def test_same_day_window_defers_to_its_end_the_same_day(at: datetime,
                                                        expected: datetime) -> None:
    assert LUNCH.defer(at, UTC_ZONE) == expected


def test_same_day_window_in_shanghai() -> None:
    at = sh(2026, 5, 20, 12, 15).astimezone(UTC)  # 04:15 UTC
    assert LUNCH.defer(at, SHANGHAI) == sh(2026, 5, 20, 13)
    # 12:15 UTC is 20:15 in Shanghai: outside the lunch window there
    noon_utc = datetime(2026, 5, 20, 12, 15, tzinfo=UTC)
    assert LUNCH.defer(noon_utc, SHANGHAI) == noon_utc


def test_defer_across_the_spring_forward_change() -> None:
    # GIVEN 23:30 EST on Sat 2026-03-07; clocks jump 02:00 -> 03:00 on Sun 2026-03-08
    at = datetime(2026, 3, 7, 23, 30, tzinfo=NEW_YORK).astimezone(UTC)
    assert at == datetime(2026, 3, 8, 4, 30, tzinfo=UTC)
    # WHEN deferred
    got = NIGHT.defer(at, NEW_YORK)
    # THEN it is 08:00 EDT wall time (12:00 UTC), only 7.5 h later, not 08:00 EST
    assert got == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    local = got.astimezone(NEW_YORK)
    assert (local.date(), local.time()) == (datetime(2026, 3, 8).date(), time(8, 0))
    assert local.utcoffset() == timedelta(hours=-4)
    assert got - at == timedelta(hours=7, minutes=30)


def test_defer_after_the_change_in_the_small_hours() -> None:
    # 03:30 EDT on the change day (just after the gap) -> 08:00 EDT the same day
    at = datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK)
    assert at.utcoffset() == timedelta(hours=-4)
    assert NIGHT.defer(at, NEW_YORK) == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


def test_defer_across_the_fall_back_change() -> None:
    # 23:00 EDT Sat 2026-10-31; clocks go back 02:00 -> 01:00 on Sun 2026-11-01
    at = datetime(2026, 10, 31, 23, 0, tzinfo=NEW_YORK).astimezone(UTC)
    got = NIGHT.defer(at, NEW_YORK)
    assert got == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)  # 08:00 EST
    assert got - at == timedelta(hours=10)


def test_window_ending_in_the_repeated_hour_follows_the_current_pass() -> None:
    window = QuietHours(time(21, 0), time(1, 30))
    first = datetime(2026, 11, 1, 1, 15, tzinfo=NEW_YORK, fold=0)  # 01:15 EDT
    second = datetime(2026, 11, 1, 1, 15, tzinfo=NEW_YORK, fold=1)  # 01:15 EST
    # (compare instants: PEP 495 makes inter-zone == False for ambiguous wall times)
    assert window.defer(first, NEW_YORK).astimezone(UTC) \
        == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert window.defer(second, NEW_YORK).astimezone(UTC) \
        == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


_ZONES = [UTC_ZONE, SHANGHAI, NEW_YORK, ZoneInfo("Europe/London"), ZoneInfo("Asia/Kolkata"),
          ZoneInfo("Australia/Lord_Howe")]
_WINDOWS = [NIGHT, LUNCH, QuietHours(time(22, 30), time(7, 15)),
            QuietHours(time(21, 0), time(1, 30)), QuietHours(time(0, 0), time(6, 0)),
            QuietHours(time(1, 0), time(3, 0))]


@settings(max_examples=200, deadline=None)
@given(
    at=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31),
                    timezones=st.sampled_from([UTC, SHANGHAI, NEW_YORK,
                                               timezone(timedelta(hours=5, minutes=30))])),
    zone=st.sampled_from(_ZONES),
    window=st.sampled_from(_WINDOWS),
)
def test_defer_property(at: datetime, zone: ZoneInfo, window: QuietHours) -> None:
    got = window.defer(at, zone)
    assert got >= at
    assert not window.contains(got.astimezone(zone).time())
    assert got - at <= timedelta(hours=24)
    assert got.tzinfo is at.tzinfo
    if not window.contains(at.astimezone(zone).time()):
        assert got == at
    else:
        assert got.astimezone(zone).time() == window.end
    # idempotent: a deferred time is allowed
    assert window.defer(got, zone) == got


# =========================================================================================
# round_time and next_action
# =========================================================================================


def test_round_time_without_quiet_hours_is_deadline_plus_offset() -> None:
    for i, r in enumerate(PLAN_POLICY.rounds):
        assert round_time(PLAN_POLICY, i, DEADLINE, SHANGHAI) == DEADLINE + r.offset


def test_round_time_defers_into_the_candidates_morning() -> None:
    # GIVEN the deadline at 20:00 Shanghai and the default policy (quiet 21:00-08:00)
    assert DEADLINE.astimezone(SHANGHAI).hour == 20
    late = DEADLINE + 2 * H  # 22:00 Shanghai
    # WHEN the rounds are timed for a candidate in Shanghai vs. in UTC
    # THEN -24 h (20:00 the day before) and 0 h (20:00) are fine; +24 h too
    assert [round_time(DEFAULT_POLICY, i, DEADLINE, SHANGHAI) for i in range(3)] == \
        [DEADLINE - 24 * H, DEADLINE, DEADLINE + 24 * H]
    # and with the deadline at 22:00 Shanghai every round moves to 08:00 the next day
    assert [round_time(DEFAULT_POLICY, i, late, SHANGHAI) for i in range(3)] == \
        [sh(2026, 5, 20, 8), sh(2026, 5, 21, 8), sh(2026, 5, 22, 8)]
    # while in UTC, 14:00 is not quiet
    assert round_time(DEFAULT_POLICY, 1, late, UTC_ZONE) == late


@pytest.mark.parametrize("status", sorted(OPEN))
def test_next_action_open_is_the_next_round_before_the_deadline(status: Status) -> None:
    assert next_action(status, 0, PLAN_POLICY, DEADLINE, UTC_ZONE) == DEADLINE - 24 * H
    # the next round is at the deadline or after: the deadline comes first
    for done in (1, 2, 3, 4):
        assert next_action(status, done, PLAN_POLICY, DEADLINE, UTC_ZONE) == DEADLINE


def test_next_action_no_show_is_the_next_round_or_the_end_of_grace() -> None:
    grace_end = DEADLINE + PLAN_POLICY.grace
    assert next_action(Status.NO_SHOW, 2, PLAN_POLICY, DEADLINE, UTC_ZONE) == DEADLINE + 24 * H
    assert next_action(Status.NO_SHOW, 3, PLAN_POLICY, DEADLINE, UTC_ZONE) == DEADLINE + 36 * H
    # all rounds done: the status timer
    assert next_action(Status.NO_SHOW, 4, PLAN_POLICY, DEADLINE, UTC_ZONE) == grace_end
    # a round deferred past the end of grace: grace comes first
    policy = ReminderPolicy((Round(47 * H, ("sms",), "final_call"),), 48 * H, QuietHours())
    late = datetime(2026, 5, 20, 0, 0, tzinfo=SHANGHAI)  # +47 h = 23:00 -> 08:00 next day
    assert next_action(Status.NO_SHOW, 0, policy, late, SHANGHAI) == late + 48 * H


def test_next_action_open_with_all_rounds_done_is_the_deadline() -> None:
    assert next_action(Status.SENT, 4, PLAN_POLICY, DEADLINE, UTC_ZONE) == DEADLINE
    empty = ReminderPolicy(rounds=())
    assert next_action(Status.INVITED, 0, empty, DEADLINE, UTC_ZONE) == DEADLINE
    assert next_action(Status.NO_SHOW, 0, empty, DEADLINE, UTC_ZONE) == DEADLINE + 48 * H


@pytest.mark.parametrize("status", sorted(FINAL))
@pytest.mark.parametrize("done", [0, 2, 4])
def test_next_action_final_is_none(status: Status, done: int) -> None:
    assert next_action(status, done, PLAN_POLICY, DEADLINE, UTC_ZONE) is None


def test_next_action_uses_the_deferred_round_time() -> None:
    # -24 h at 23:30 Shanghai the day before -> 08:00; still before the deadline
    deadline = sh(2026, 5, 21, 23, 30)
    got = next_action(Status.INVITED, 0, DEFAULT_POLICY, deadline, SHANGHAI)
    assert got == sh(2026, 5, 21, 8)


# =========================================================================================
# plan_rounds
# =========================================================================================


def plan(status: Status, done: int, now: datetime,
         policy: ReminderPolicy = PLAN_POLICY) -> RoundPlan:
    return plan_rounds(status, done, policy, DEADLINE, now, UTC_ZONE)


@pytest.mark.parametrize("status", sorted(OPEN))
def test_before_deadline_round_sent_to_open_before_the_deadline(status: Status) -> None:
    for now in (DEADLINE - 24 * H, DEADLINE - H, DEADLINE - timedelta(microseconds=1)):
        assert plan(status, 0, now) == RoundPlan(send=(0,), skip=(), rounds_done=1)


def test_before_deadline_round_not_yet_due() -> None:
    now = DEADLINE - 24 * H - timedelta(seconds=1)
    assert plan(Status.SENT, 0, now) == RoundPlan((), (), 0)


def test_before_deadline_round_skipped_when_the_sweep_runs_after_the_deadline() -> None:
    # GIVEN the -24 h round was never sent, and the sweep runs at the deadline
    # WHEN the invitation (now a no-show) is planned
    got = plan(Status.NO_SHOW, 0, DEADLINE)
    # THEN the "due tomorrow" round is skipped and the 0 h round is sent
    assert got == RoundPlan(send=(1,), skip=(0,), rounds_done=2)


def test_before_deadline_round_skipped_for_open_status_at_the_deadline() -> None:
    # an open status planned at/after the deadline gets no before-deadline round
    assert plan(Status.OPENED, 0, DEADLINE) == RoundPlan((), (0, 1), 2)


def test_before_deadline_round_skipped_for_no_show() -> None:
    policy = ReminderPolicy((Round(-H, ("email",), "due_tomorrow"),), quiet=None)
    got = plan_rounds(Status.NO_SHOW, 0, policy, DEADLINE, DEADLINE + H, UTC_ZONE)
    assert got == RoundPlan((), (0,), 1)


def test_before_deadline_round_deferred_past_the_deadline_is_skipped() -> None:
    # GIVEN the deadline at 22:00 Shanghai and a -1 h round (21:00, quiet -> 08:00 next day)
    deadline = sh(2026, 5, 20, 22)
    policy = ReminderPolicy((Round(-H, ("email",), "due_tomorrow"),))
    # WHEN planned before the deadline THEN it is not due yet
    assert plan_rounds(Status.SENT, 0, policy, deadline, deadline - H, SHANGHAI) \
        == RoundPlan((), (), 0)
    # WHEN due (next morning) the invitation is past its deadline THEN it is skipped
    assert plan_rounds(Status.NO_SHOW, 0, policy, deadline, sh(2026, 5, 21, 8), SHANGHAI) \
        == RoundPlan((), (0,), 1)


@pytest.mark.parametrize("status", sorted(OPEN))
def test_after_deadline_rounds_never_go_to_open_invitations(status: Status) -> None:
    got = plan(status, 1, DEADLINE + 30 * H)
    assert got.send == ()
    assert got.skip == (1, 2)
    assert got.rounds_done == 3


def test_after_deadline_rounds_go_to_no_shows() -> None:
    assert plan(Status.NO_SHOW, 1, DEADLINE) == RoundPlan((1,), (), 2)
    assert plan(Status.NO_SHOW, 2, DEADLINE + 24 * H) == RoundPlan((2,), (), 3)
    assert plan(Status.NO_SHOW, 3, DEADLINE + 36 * H) == RoundPlan((3,), (), 4)


def test_after_deadline_round_not_yet_due_stops_the_scan() -> None:
    assert plan(Status.NO_SHOW, 2, DEADLINE + 24 * H - timedelta(seconds=1)) \
        == RoundPlan((), (), 2)
    # an open invitation before the deadline waits at the 0 h round
    assert plan(Status.STARTED, 1, DEADLINE - H) == RoundPlan((), (), 1)


def test_scan_stops_at_the_first_round_not_yet_due() -> None:
    # GIVEN a no-show at +25 h with rounds 0 (-24 h) and 1 (0 h) pending
    got = plan(Status.NO_SHOW, 0, DEADLINE + 25 * H)
    # THEN 0 is skipped, 1 and 2 sent, and 3 (+36 h) not reached
    assert got == RoundPlan(send=(1, 2), skip=(0,), rounds_done=3)


@pytest.mark.parametrize("status", sorted(FINAL))
def test_final_status_skips_everything_remaining(status: Status) -> None:
    # even rounds whose time has not come yet: nothing will ever be sent
    for done in range(5):
        got = plan(status, done, DEADLINE - 30 * H)
        assert got.send == ()
        assert got.skip == tuple(range(done, 4))
        assert got.rounds_done == 4


def test_rounds_done_past_the_end_is_stable() -> None:
    for status in Status:
        assert plan(status, 4, DEADLINE + 40 * H) == RoundPlan((), (), 4)


def test_rounds_done_only_moves_forward_and_counts_sent_and_skipped() -> None:
    for status in Status:
        for done in range(5):
            for hours in (-30, -24, -1, 0, 1, 24, 30, 36, 40, 60):
                got = plan(status, done, DEADLINE + hours * H)
                assert got.rounds_done >= done
                assert sorted(got.send + got.skip) == list(range(done, got.rounds_done))
                assert got.rounds_done == done + len(got.send) + len(got.skip)


def test_catch_up_after_a_long_outage() -> None:
    # GIVEN the sweep was down from before the -24 h round until +40 h
    now = DEADLINE + 40 * H
    status = Status.SENT
    # WHEN the first tick after the outage fires the deadline and plans the rounds
    outcome = apply(status, Event.DEADLINE_PASSED, deadline=DEADLINE, at=now,
                    policy=Policy(PLAN_POLICY.grace))
    assert outcome.status is Status.NO_SHOW
    got = plan(outcome.status, 0, now)
    # THEN the stale "due tomorrow" round is skipped and every after-deadline round is sent
    # once, in order, in this one call
    assert got == RoundPlan(send=(1, 2, 3), skip=(0,), rounds_done=4)
    # AND the next tick has nothing left to send
    assert plan(outcome.status, got.rounds_done, now + H) == RoundPlan((), (), 4)
    assert next_action(outcome.status, got.rounds_done, PLAN_POLICY, DEADLINE, UTC_ZONE) \
        == DEADLINE + PLAN_POLICY.grace


def test_catch_up_with_quiet_hours_in_shanghai() -> None:
    # GIVEN deadline 22:00 Shanghai, rounds 0 h and +2 h both deferred to 08:00 next day
    deadline = sh(2026, 5, 20, 22)
    policy = ReminderPolicy((Round(timedelta(0), ("email",), "no_show"),
                             Round(2 * H, ("sms",), "final_call")))
    # WHEN the no-show is planned at 07:59 THEN nothing is due yet
    assert plan_rounds(Status.NO_SHOW, 0, policy, deadline, sh(2026, 5, 21, 7, 59),
                       SHANGHAI) == RoundPlan((), (), 0)
    # WHEN planned at 08:00 THEN both go out, in order
    assert plan_rounds(Status.NO_SHOW, 0, policy, deadline, sh(2026, 5, 21, 8), SHANGHAI) \
        == RoundPlan((0, 1), (), 2)


# Regression (fixed): BUG: after-deadline rounds are not bounded by the end of grace. After an
# outage spanning the whole grace window, the first tick fires DEADLINE_PASSED (the sweep fires
# one timed event per tick), so the status is NO_SHOW and plan_rounds sends every after-deadline
# round although the interview link no longer works (apply refuses COMPLETED after grace); the
# next tick closes the invitation
def test_no_round_is_sent_after_the_end_of_grace() -> None:
    # GIVEN an open invitation and a sweep that was down until after the end of grace
    now = DEADLINE + PLAN_POLICY.grace + H
    status = Status.SENT
    event = timed_event(status)
    assert event is not None
    # WHEN the first tick fires the timed event and plans the rounds
    outcome = apply(status, event, deadline=DEADLINE, at=now,
                    policy=Policy(PLAN_POLICY.grace))
    got = plan(outcome.status, 0, now)
    # THEN no "complete your interview" reminder goes out any more
    assert got.send == ()


# =========================================================================================
# Property: each round is claimed at most once, only when the rules allow it
# =========================================================================================

def moved_forward_or_stayed(old: Status, new: Status) -> bool:
    return old is new or (old, new) in ABOVE


def test_forward_order_sanity() -> None:
    assert moved_forward_or_stayed(Status.INVITED, Status.CLOSED)
    assert moved_forward_or_stayed(Status.OPENED, Status.COMPLETED_LATE)
    assert not moved_forward_or_stayed(Status.COMPLETED, Status.NO_SHOW)
    assert not moved_forward_or_stayed(Status.NO_SHOW, Status.COMPLETED)
    # final states are maximal, but a closed one still takes a late completion
    assert not any((f, s) in ABOVE for f in FINAL for s in Status
                   if (f, s) != (Status.CLOSED, Status.COMPLETED_LATE))


SIM_POLICY = ReminderPolicy(
    rounds=(
        Round(-24 * H, ("email",), "due_tomorrow"),
        Round(-2 * H, ("sms",), "due_tomorrow"),
        Round(timedelta(0), ("email", "sms"), "no_show"),
        Round(20 * H, ("sms",), "final_call"),
    ),
    grace=48 * H,
)
SIM_SETUPS: list[tuple[ZoneInfo, ReminderPolicy]] = [
    (UTC_ZONE, SIM_POLICY),
    (UTC_ZONE, ReminderPolicy(SIM_POLICY.rounds, SIM_POLICY.grace, quiet=None)),
    (SHANGHAI, SIM_POLICY),  # quiet 21:00-08:00 Shanghai time
    (SHANGHAI, ReminderPolicy(SIM_POLICY.rounds, 30 * H, QuietHours(time(22), time(9)))),
]


@dataclass(frozen=True)
class Vendor:
    event: Event
    minutes_from_deadline: int


@dataclass(frozen=True)
class Tick:
    minutes_later: int  # after the previous tick


@dataclass(frozen=True)
class TickWhenDue:
    """A tick at the invitation's next_action time (the real sweep), if not in the past."""


Step = Vendor | Tick | TickWhenDue

_steps: st.SearchStrategy[Step] = st.one_of(
    st.builds(Vendor, st.sampled_from([Event.MESSAGE_SENT, Event.OPENED, Event.STARTED,
                                       Event.COMPLETED]),
              st.integers(-40 * 60, 80 * 60)),
    st.builds(Tick, st.integers(0, 30 * 60) | st.sampled_from([0, 1, 60])),
    st.just(TickWhenDue()),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    setup=st.sampled_from(SIM_SETUPS),
    deadline=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31),
                          timezones=st.just(UTC)),
    start_before=st.integers(0, 50 * 60),
    steps=st.lists(_steps, min_size=1, max_size=25),
)
def test_each_round_is_claimed_at_most_once(setup: tuple[ZoneInfo, ReminderPolicy],
                                            deadline: datetime, start_before: int,
                                            steps: list[Step]) -> None:
    # GIVEN a fresh invitation, a policy with rounds at -24 h, -2 h, 0 h and +20 h
    zone, policy = setup
    machine = Policy(policy.grace)
    status = Status.INVITED
    rounds_done = 0
    now = deadline - timedelta(minutes=start_before)  # the sweep clock
    sent: list[int] = []
    for item in steps:
        before = status
        # WHEN a vendor event arrives (with its own timestamp) ...
        if isinstance(item, Vendor):
            at = deadline + timedelta(minutes=item.minutes_from_deadline)
            status = apply(status, item.event, deadline=deadline, at=at, policy=machine).status
            assert moved_forward_or_stayed(before, status)
            continue
        # ... or the sweep ticks at a non-decreasing time
        if isinstance(item, Tick):
            now += timedelta(minutes=item.minutes_later)
        else:
            due = next_action(status, rounds_done, policy, deadline, zone)
            if due is None or due < now:
                continue
            now = due
        event = timed_event(status)
        if event is not None:
            status = apply(status, event, deadline=deadline, at=now, policy=machine).status
            assert moved_forward_or_stayed(before, status)
        got = plan_rounds(status, rounds_done, policy, deadline, now, zone)

        # THEN the plan is consistent with the rules
        assert got.rounds_done >= rounds_done
        assert sorted(got.send + got.skip) == list(range(rounds_done, got.rounds_done))
        assert list(got.send) == sorted(got.send)
        if got.send:
            assert status not in FINAL
        for index in got.send:
            assert index not in sent  # each round at most once
            assert round_time(policy, index, deadline, zone) <= now  # only when due
            if policy.rounds[index].before_deadline:
                assert now < deadline
                assert status in OPEN
            else:
                assert status is Status.NO_SHOW
        sent.extend(got.send)
        rounds_done = got.rounds_done

    # AND over the whole run: no duplicates, in round order, never more than the policy has
    assert len(sent) == len(set(sent))
    assert sent == sorted(sent)
    assert rounds_done <= len(policy.rounds)
    note(f"rounds sent: {len(sent)}")
    note(f"final status: {status}")
