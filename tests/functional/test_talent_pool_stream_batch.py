"""The talent pool's stream work per batch: snapshots read together, a batch's rule tags
written together (and seen by its later records), scores stored with the sums, replays."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib import bootstrap
from chalicelib.invitations.models import InvitationItem
from chalicelib.pool.domain import cooperation
from chalicelib.pool.domain.tag_rules import TagDecision
from chalicelib.pool.models import PoolStatsItem, TagItem
from chalicelib.pool.stores.pool_stats_store import BehaviourDelta
from chalicelib.pool.stores.pool_store import rule_tag
from chalicelib.shared.domain import ids
from chalicelib.shared.models import MarkerItem
from chalicelib.triggers.stream import stream_handler
from infra.local.glue import LambdaContext
from tests.functional.conftest import T0

H = timedelta(hours=1)


def campaign_of(container: bootstrap.Container, tid: str, name: str) -> dict[str, Any]:
    position = container.catalog.create_position(tid, f"Engineer {name}", None, T0)
    campaign: dict[str, Any] = container.catalog.create_campaign(
        tid, position_id=position["id"], name=name, channels=["email"], window_hours=72,
        deadline_at=None, locale=None, now=T0)
    return campaign


def no_show_record(tid: str, campaign: dict[str, Any], cand: str, at: Any,
                   seq: int) -> dict[str, Any]:
    """An invitation MODIFY record sent -> no_show, as the table's stream delivers it."""
    inv = ids.invitation_id(tid, campaign["id"], cand)
    pk, sk = InvitationItem.key(tid, inv)
    fields = dict(tenant_id=tid, invitation_id=inv, campaign_id=campaign["id"],
                  position_id=campaign["position_id"], candidate_id=cand, channels=["email"],
                  locale="en", deadline_at=at, grace_hours=0, interview_url="https://x.test/i",
                  created_at=T0)
    old = InvitationItem(pk, sk, status="sent", status_changed_at=T0, version=2, **fields)
    new = InvitationItem(pk, sk, status="no_show", status_changed_at=at, version=3, **fields)
    return {"eventID": str(seq), "eventName": "MODIFY", "eventSource": "aws:dynamodb",
            "dynamodb": {"ApproximateCreationDateTime": at.timestamp(),
                         "Keys": {"pk": {"S": pk}, "sk": {"S": sk}},
                         "NewImage": new.serialize(), "OldImage": old.serialize(),
                         "SequenceNumber": f"{seq:021d}",
                         "StreamViewType": "NEW_AND_OLD_IMAGES"}}


def tags_of(tid: str, cand: str) -> dict[str, tuple[Any, ...]]:
    pk, _ = PoolStatsItem.key(tid, cand)
    return {t.sk: (t.created_at, t.reason, t.removed_at, t.expires_at)
            for t in TagItem.query(pk, TagItem.sk.startswith("TAG#"))
            if isinstance(t, TagItem)}


def stats_of(tid: str, cand: str) -> PoolStatsItem:
    stats = PoolStatsItem.get(*PoolStatsItem.key(tid, cand), consistent_read=True)
    assert isinstance(stats, PoolStatsItem)
    return stats


def test_a_batch_sees_the_tags_its_earlier_records_decided_and_a_replay_changes_nothing(
        container: bootstrap.Container, tenant: dict[str, Any]) -> None:
    # GIVEN one stream batch in which a candidate misses campaign A's deadline, then B's
    tid = tenant["tenant_id"]
    a, b = campaign_of(container, tid, "a"), campaign_of(container, tid, "b")
    records = [no_show_record(tid, a, "candtwice", T0 + 72 * H, 1),
               no_show_record(tid, b, "candtwice", T0 + 96 * H, 2),
               no_show_record(tid, a, "candonce", T0 + 72 * H, 3)]
    # WHEN the stream function runs it
    result = stream_handler({"Records": records}, LambdaContext("stream"))
    # THEN the second miss is a breach (it saw the first no_show, written in the same call)
    assert result["batchItemFailures"] == []
    twice = tags_of(tid, "candtwice")
    assert sorted(twice) == sorted([
        f"TAG#no_show#{a['id']}", f"TAG#exception_pool#{a['id']}",
        f"TAG#no_show#{b['id']}", f"TAG#exception_pool#{b['id']}", f"TAG#breach#{b['id']}"])
    assert "missed two deadlines" in twice[f"TAG#breach#{b['id']}"][1]
    assert sorted(tags_of(tid, "candonce")) == sorted([f"TAG#no_show#{a['id']}",
                                                       f"TAG#exception_pool#{a['id']}"])
    # and the score was stored with the sums: what they give at the batch's (last) time
    stats = stats_of(tid, "candtwice")
    assert stats.events == 2
    at = T0 + 72 * H
    expected = cooperation.from_totals(cooperation.decayed(stats.scaled_sums(), at))
    assert float(stats.score) == expected.value and stats.score_components == expected.components
    assert stats.gsi1sk == PoolStatsItem.score_index_keys(tid, expected.value, "candtwice")[1]
    # WHEN the whole batch is delivered again, twice
    before = (tags_of(tid, "candtwice"), tags_of(tid, "candonce"))
    for _ in range(2):
        again = stream_handler({"Records": records}, LambdaContext("stream"))
        assert again["batchItemFailures"] == []
    # THEN the same tags (same items, no duplicates) and behaviour counted once
    assert (tags_of(tid, "candtwice"), tags_of(tid, "candonce")) == before
    assert stats_of(tid, "candtwice").events == 2
    assert float(stats_of(tid, "candtwice").score) == expected.value


def test_batch_tag_writes_skip_existing_and_removed_tags_and_write_a_key_once(
        container: bootstrap.Container, tenant: dict[str, Any]) -> None:
    # GIVEN a candidate whose no_show tag HR removed
    tid = tenant["tenant_id"]
    store = container.pool_store

    def tag(name: str, scope: str, cand: str = "candrm") -> TagItem:
        return rule_tag(tid, cand, TagDecision(name, scope, "r", T0, None, "inv1"))

    first = tag("no_show", "c1")
    assert store.put_tags_once([first]) == ([True], [])
    store.remove_tags([first], _audit(tid), T0 + H, "key1")
    # WHEN a batch decides that tag again, a new one (twice) and tags of another candidate
    items = [tag("no_show", "c1"), tag("breach", "c1"), tag("breach", "c1"),
             tag("no_show", "c1", "candnew"), tag("vip", "manual", "candnew")]
    written, failed = store.put_tags_once(items)
    # THEN only the missing ones are written, once; the removed tag stays removed
    assert (written, failed) == ([False, True, False, True, True], [])
    kept = tags_of(tid, "candrm")
    assert kept["TAG#no_show#c1"][2] == T0 + H
    assert sorted(kept) == ["TAG#breach#c1", "TAG#no_show#c1"]
    # and a replay of the same batch writes nothing
    assert store.put_tags_once(items) == ([False] * 5, [])


def _audit(tid: str) -> Any:
    from chalicelib.pool.stores.pool_store import audit_item

    return audit_item(tid, "candrm", "tag.removed", "no_show", "key1", "test", T0 + H)


def test_a_concurrent_change_between_read_and_write_leaves_the_score_to_the_rescoring(
        container: bootstrap.Container, tenant: dict[str, Any]) -> None:
    tid = tenant["tenant_id"]
    stats = container.pool_stats_store
    key = (tid, "candrace")

    def delta(version: int, kind: str) -> BehaviourDelta:
        events = [cooperation.Behaviour(kind, T0)]
        return BehaviourDelta(tid, "candrace", (f"T#{tid}#INV#x", str(version)),
                              cooperation.sums(events), T0, 1)

    def scorer(sums: dict[str, float]) -> tuple[float, dict[str, float]]:
        result = cooperation.from_totals(cooperation.decayed(sums, T0))
        return result.value, result.components

    # GIVEN a first delta, counted and scored in one transaction
    first = stats.add_many([delta(1, "completed")], T0, scorer)
    assert (first.failed, first.unscored) == ([], [])
    assert float(stats_of(*key).score) == scorer(stats_of(*key).scaled_sums())[0]

    # WHEN another writer adds to the candidate after the batch read its stats
    def meddling(sums: dict[str, float]) -> tuple[float, dict[str, float]]:
        PoolStatsItem(*PoolStatsItem.key(*key)).update(actions=[
            PoolStatsItem.events.add(1), PoolStatsItem.s_no_show.add(1.0)])
        return scorer(sums)

    second = stats.add_many([delta(1, "completed"), delta(2, "started")], T0, meddling)
    # THEN the new delta is counted once (the replayed one skipped), the score left unscored
    assert (second.failed, second.unscored) == ([], [key])
    assert stats_of(*key).events == 3  # completed, started, and the other writer's one
    marker = MarkerItem.get(*MarkerItem.key(f"T#{tid}#INV#x", "POOL#2"))
    assert marker is not None
    # and the service's rescoring, after the same call, stores what all the sums give
    assert container.pool_stream.apply([delta(2, "started")], T0) == []
    now = stats_of(*key)
    assert now.events == 3 and float(now.score) == scorer(now.scaled_sums())[0]
