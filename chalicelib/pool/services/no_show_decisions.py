"""One decision on a campaign's no-show group: re-invite into another campaign, extend the
deadline, or tag the candidates (`hold_contact`, `cold`), with a dry run.

The group is the campaign's invitations in `no_show` now: the ids given (at most
`MAX_IDS`), or the whole group a page at a time (`cursor`), optionally only those who gave
`reason` (`none`: gave no reason). Every invitation is reported on its own: `reinvited`,
`extended`, `tagged`, or `skipped` with a `reason_code`. Nothing here is new machinery:
re-inviting is the pool's re-engagement (contact blocks, the frequency cap, then the ordinary
bulk invitation), extending is the HR action (`InvitationActions`), tagging the pool's manual
tag (audited). Each HR action is also recorded in the candidate's timeline.

A dry run reads only and answers what a real run would do now. A real run is safe to retry:
a re-invited candidate's new invitation id derives from (target campaign, candidate), so a
second run finds it (`skipped`, `already_invited`, with that id); an extended invitation is
no longer a no-show (`not_no_show`); a tagged candidate has the tag (`already_tagged`). The
`Idempotency-Key` header (api/no_show_decisions.py) replays the first answer itself. A closed
target campaign refuses the whole request (409 `campaign_closed`), dry run or not: every item
would be refused for the same reason, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.invitations.domain.invitation import Status, extended_status
from chalicelib.invitations.models import InvitationItem
from chalicelib.invitations.services.catalog import check_open
from chalicelib.invitations.services.invitation_actions import MAX_IDS as ACTION_BATCH
from chalicelib.invitations.services.invitation_actions import InvitationActions
from chalicelib.invitations.services.views import hr_event
from chalicelib.invitations.stores import console_queries as queries
from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.invitations.stores.invitation_store import InvitationStore
from chalicelib.pool.services.reengagement import DEFAULT_CAP, ReEngagementService
from chalicelib.pool.services.talent_pool import TalentPoolService, active_tags
from chalicelib.pool.stores.pool_store import PoolStore
from chalicelib.shared.domain import ids
from chalicelib.shared.domain.due import instant
from chalicelib.shared.domain.errors import NotFound, Unprocessable, ValidationFailed
from chalicelib.shared.stores.dynamo import encode_cursor

ACTIONS = ("reinvite", "extend", "tag")
TAGS = ("hold_contact", "cold")
MAX_IDS = 500
MAX_ID = 100  # longer ids exist nowhere (and would make keys DynamoDB refuses)
MAX_LOOKED = 2000  # no-shows one request looks at to fill a page filtered by reason
OUTCOME = {"reinvite": "reinvited", "extend": "extended", "tag": "tagged"}


@dataclass(frozen=True)
class Decision:
    action: str
    invitation_ids: list[str] | None = None
    reason: str | None = None  # only no-shows who gave this reason ("none": gave none)
    limit: int = MAX_IDS
    cursor: str | None = None
    target_campaign_id: str | None = None
    extend_hours: int | None = None
    new_deadline: datetime | None = None
    tag: str | None = None
    tag_days: int | None = None
    dry_run: bool = False


class NoShowDecisions:
    def __init__(self, catalog: CatalogStore, invitations: InvitationStore, pool: PoolStore,
                 actions: InvitationActions, reengagement: ReEngagementService,
                 talent_pool: TalentPoolService) -> None:
        self._catalog = catalog
        self._invitations = invitations
        self._pool = pool
        self._actions = actions
        self._reengagement = reengagement
        self._talent_pool = talent_pool

    def decide(self, tenant_id: str, campaign_id: str, d: Decision, key_id: str,
               now: datetime) -> dict[str, Any]:
        if len(campaign_id) > MAX_ID or self._catalog.get_campaign(tenant_id,
                                                                   campaign_id) is None:
            raise NotFound(f"campaign {campaign_id} not found", code="campaign_not_found")
        self._check(tenant_id, campaign_id, d, now)
        group, skipped, next_cursor = self._group(tenant_id, campaign_id, d)
        if d.action == "reinvite":
            done = self._reinvite(tenant_id, d, group, key_id, now)
        elif d.action == "extend":
            done = self._extend(tenant_id, d, group, key_id, now)
        else:
            done = self._tag(tenant_id, campaign_id, d, group, key_id, now)
        items = skipped + done
        totals = {name: sum(1 for i in items if i["outcome"] == name)
                  for name in (*OUTCOME.values(), "skipped")}
        return {"campaign_id": campaign_id, "action": d.action, "dry_run": d.dry_run,
                "items": items, "totals": {**totals, "total": len(items)},
                "next_cursor": next_cursor}

    # -- checks and the group ------------------------------------------------------------------
    def _check(self, tenant_id: str, campaign_id: str, d: Decision, now: datetime) -> None:
        if d.action not in ACTIONS:
            raise ValidationFailed(f"action must be one of {', '.join(ACTIONS)}",
                                   code="invalid_action")
        if d.invitation_ids is not None and not 1 <= len(d.invitation_ids) <= MAX_IDS:
            raise ValidationFailed(f"give 1 to {MAX_IDS} invitation_ids",
                                   code="invalid_invitation_ids")
        if d.action == "reinvite":
            if not d.target_campaign_id:
                raise Unprocessable("reinvite needs target_campaign_id",
                                    code="missing_target_campaign")
            if d.target_campaign_id == campaign_id:
                raise Unprocessable("re-invite into another campaign (an invitation "
                                    "to this one exists already)", code="same_campaign")
            target = self._catalog.get_campaign(tenant_id, d.target_campaign_id)
            if target is None:
                raise NotFound(f"campaign {d.target_campaign_id} not found",
                               code="target_campaign_not_found")
            check_open(target, now)  # 409 campaign_closed for the whole request
        elif d.action == "extend":
            if (d.extend_hours is None) == (d.new_deadline is None):
                raise Unprocessable("extend needs extend_hours or new_deadline_at (one)",
                                       code="missing_extension")
            if d.new_deadline is not None and d.new_deadline <= now:
                raise Unprocessable("new_deadline_at must be in the future",
                                       code="invalid_deadline")
        elif d.tag not in TAGS:
            raise Unprocessable(f"tag needs a tag: one of {', '.join(TAGS)}", code="invalid_tag")

    def _group(self, tenant_id: str, campaign_id: str, d: Decision
               ) -> tuple[list[InvitationItem], list[dict[str, Any]], str | None]:
        """The no-shows decided on, the ids given that are not (skipped), the next page."""
        if d.invitation_ids is not None:
            wanted = list(dict.fromkeys(d.invitation_ids))
            found = {i.invitation_id: i for i in self._pool.invitations(tenant_id, wanted)
                     if i.campaign_id == campaign_id}
            group, skipped = [], []
            for inv_id in wanted:
                inv = found.get(inv_id)
                why = ("not_found" if inv is None else
                       "not_no_show" if inv.status != Status.NO_SHOW.value else
                       "other_reason" if not _matches(inv, d.reason) else None)
                if why or inv is None:
                    skipped.append(_item(inv_id, "skipped", why))
                else:
                    group.append(inv)
            return group, skipped, None
        hash_key, _ = InvitationItem.status_index_keys(tenant_id, campaign_id,
                                                       Status.NO_SHOW.value, "")
        start = queries.gsi1_start(d.cursor, hash_key)
        picked: list[InvitationItem] = []
        looked = 0
        while True:
            result = queries.invitations_with_status(tenant_id, campaign_id,
                                                     Status.NO_SHOW.value, 100, start)
            batch = [i for i in result if isinstance(i, InvitationItem)]
            start = result.last_evaluated_key
            for n, inv in enumerate(batch):
                looked += 1
                if _matches(inv, d.reason):
                    picked.append(inv)
                if len(picked) == d.limit or looked >= MAX_LOOKED:
                    more = n < len(batch) - 1 or start is not None
                    return picked, [], encode_cursor(queries.gsi1_key(inv)) if more else None
            if start is None:
                return picked, [], None

    # -- the actions ----------------------------------------------------------------------------
    def _reinvite(self, tenant_id: str, d: Decision, group: list[InvitationItem], key_id: str,
                  now: datetime) -> list[dict[str, Any]]:
        target = self._catalog.get_campaign(tenant_id, str(d.target_campaign_id))
        assert target is not None  # checked
        by_candidate = {inv.candidate_id: inv for inv in group}
        chosen, skipped = self._reengagement.check(tenant_id, target, list(by_candidate),
                                                   DEFAULT_CAP, now)
        created: dict[str, str] = {}
        if not d.dry_run and chosen:
            created, more = self._reengagement.invite(tenant_id, target.campaign_id, chosen,
                                                      DEFAULT_CAP, now)
            skipped += more
        reasons = {s["candidate_id"]: s["reason"] for s in skipped}
        out = []
        for inv in group:
            cand = inv.candidate_id
            new_id = ids.invitation_id(tenant_id, target.campaign_id, cand)
            if cand in reasons:
                known = reasons[cand] == "already_invited"
                out.append(_item(inv.invitation_id, "skipped", reasons[cand],
                                 new_id if known else None))
            elif d.dry_run:
                out.append(_item(inv.invitation_id, "reinvited", None))
            elif cand not in created:
                out.append(_item(inv.invitation_id, "skipped", "not_invited"))
            else:
                out.append(_item(inv.invitation_id, "reinvited", None, created[cand]))
                self._invitations.add_timeline(hr_event(
                    tenant_id, cand, inv.invitation_id, "hr.reinvite", now, key_id,
                    f"{target.campaign_id}:{created[cand]}"))
        return out

    def _extend(self, tenant_id: str, d: Decision, group: list[InvitationItem], key_id: str,
                now: datetime) -> list[dict[str, Any]]:
        deadline = d.new_deadline or now + timedelta(hours=d.extend_hours or 0)
        out: dict[str, dict[str, Any]] = {}
        todo = []
        for inv in group:
            if extended_status(Status(inv.status), deadline, now) is None:
                out[inv.invitation_id] = _item(inv.invitation_id, "skipped", "not_extendable")
            elif d.dry_run:
                out[inv.invitation_id] = _item(inv.invitation_id, "extended", None)
            else:
                todo.append(inv)
        by_id = {inv.invitation_id: inv for inv in todo}
        for start in range(0, len(todo), ACTION_BATCH):
            chunk = [inv.invitation_id for inv in todo[start:start + ACTION_BATCH]]
            for r in self._actions.run(tenant_id, "extend", chunk, deadline, now)["results"]:
                inv_id = r["invitation_id"]
                if r["result"] == "done":
                    out[inv_id] = _item(inv_id, "extended", None)
                    self._invitations.add_timeline(hr_event(
                        tenant_id, by_id[inv_id].candidate_id, inv_id, "hr.extend", now,
                        key_id, instant(deadline)))
                else:
                    out[inv_id] = _item(inv_id, "skipped", "not_extendable"
                                        if r["result"] == "not_allowed" else r["result"])
        return [out[inv.invitation_id] for inv in group]

    def _tag(self, tenant_id: str, campaign_id: str, d: Decision, group: list[InvitationItem],
             key_id: str, now: datetime) -> list[dict[str, Any]]:
        tag = str(d.tag)
        days = d.tag_days if d.tag_days is not None else \
            self._talent_pool.rules(tenant_id)["expires_days"].get(tag)
        expires = now + timedelta(days=days) if days else None
        out = []
        for inv in group:
            snap = self._pool.snapshot(tenant_id, inv.candidate_id, consistent=True)
            if snap.profile is None and snap.stats is None:
                out.append(_item(inv.invitation_id, "skipped", "candidate_not_found"))
            elif any(t.tag == tag for t in active_tags(snap, now)):
                out.append(_item(inv.invitation_id, "skipped", "already_tagged"))
            else:
                if not d.dry_run:
                    self._talent_pool.add_tag(
                        tenant_id, inv.candidate_id, tag,
                        f"no-show decision on campaign {campaign_id}", expires, key_id, now)
                    self._invitations.add_timeline(hr_event(
                        tenant_id, inv.candidate_id, inv.invitation_id, "hr.tag", now, key_id,
                        tag))
                out.append(_item(inv.invitation_id, "tagged", None))
        return out


def _matches(inv: InvitationItem, reason: str | None) -> bool:
    if reason is None:
        return True
    return (inv.reason or "none") == reason


def _item(invitation_id: str, outcome: str, reason: str | None,
          new_invitation_id: str | None = None) -> dict[str, Any]:
    return {"invitation_id": invitation_id, "outcome": outcome, "reason_code": reason,
            "new_invitation_id": new_invitation_id}
