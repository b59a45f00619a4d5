"""The local glue stamps stream records with the writer's clock, once (infra/local/glue.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from infra.local.glue import RecordTimes, stream_record_to_lambda

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
WALL = datetime(2031, 1, 1, tzinfo=UTC)  # what DynamoDB Local would have stamped


def record(seq: str) -> dict:
    return {"eventID": "1", "eventName": "INSERT",
            "dynamodb": {"SequenceNumber": seq, "ApproximateCreationDateTime": WALL,
                         "Keys": {"pk": {"S": "a"}}, "StreamViewType": "NEW_AND_OLD_IMAGES"}}


def test_without_a_clock_the_emulators_stamp_is_kept() -> None:
    out = stream_record_to_lambda(record("1"), stream_arn="arn:s", times=RecordTimes())
    assert out["dynamodb"]["ApproximateCreationDateTime"] == WALL.timestamp()


def test_a_record_is_stamped_by_the_clock_when_first_seen_and_keeps_it_on_replay() -> None:
    # GIVEN a writer's clock at T0
    now = [T0]
    times = RecordTimes(lambda: now[0])
    first = stream_record_to_lambda(record("1"), stream_arn="arn:s", times=times)
    # WHEN the clock moves on and the same record is read again (a replay), and a new one
    now[0] = T0 + timedelta(days=3)
    again = stream_record_to_lambda(record("1"), stream_arn="arn:s", times=times)
    later = stream_record_to_lambda(record("2"), stream_arn="arn:s", times=times)
    # THEN the first stamp stays; the new record gets the clock's time
    assert first["dynamodb"]["ApproximateCreationDateTime"] == T0.timestamp()
    assert again["dynamodb"]["ApproximateCreationDateTime"] == T0.timestamp()
    assert later["dynamodb"]["ApproximateCreationDateTime"] == (T0 + timedelta(days=3)).timestamp()


def test_stamps_are_per_stream_and_bounded() -> None:
    times = RecordTimes(lambda: T0, keep=2)
    for seq in ("1", "2", "3"):
        times.stamp("arn:s", seq, WALL)
    assert times.stamp("arn:other", "1", WALL) == T0.timestamp()
    assert len(times._stamps) == 2
