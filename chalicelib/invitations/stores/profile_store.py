"""Candidate profiles by key: read in batches, merge into without overwriting.

A profile outlives any one invitation or import: consent, opt-out, creation time and the
retention clock live on it. Writers that meet an existing profile merge into it here rather
than putting a new item over it.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from chalicelib.invitations.models import CandidateItem


class ProfileStore:
    def profiles(self, tenant_id: str, candidate_ids: Sequence[str]) -> dict[str, CandidateItem]:
        """BatchGetItem, 100 keys a call, a few calls in flight at once."""
        keys = [CandidateItem.key(tenant_id, c) for c in dict.fromkeys(candidate_ids)]
        groups = [keys[i:i + 100] for i in range(0, len(keys), 100)]
        if not groups:
            return {}

        def get(group: list[tuple[str, str]]) -> list[CandidateItem]:
            return list(CandidateItem.batch_get(group))

        with ThreadPoolExecutor(max_workers=4) as pool:
            found = [p for part in pool.map(get, groups) for p in part]
        return {c.candidate_id: c for c in found}

    def by_phone(self, tenant_id: str, phones: Sequence[str]) -> dict[str, str]:
        """phone (E.164) -> the candidate id a profile with that phone is stored under (the
        earliest id when several are); one gsi1 Query per phone, a few in flight."""
        wanted = list(dict.fromkeys(phones))
        if not wanted:
            return {}

        def lookup(phone: str) -> tuple[str, str | None]:
            hash_key, _ = CandidateItem.phone_index_keys(tenant_id, phone, "")
            for hit in CandidateItem.gsi1.query(hash_key, limit=1):
                return phone, str(hit.gsi1sk)
            return phone, None

        with ThreadPoolExecutor(max_workers=min(8, len(wanted))) as pool:
            return {phone: cand for phone, cand in pool.map(lookup, wanted) if cand}

    def fill(self, profile: CandidateItem, fields: dict[str, str], now: datetime,
             consent: bool, due: tuple[str, str] | None) -> None:
        """Merge into an existing profile: set only fields it lacks (if_not_exists, so a
        concurrent writer's value wins), restart its retention clock. Raises UpdateError
        (ConditionalCheckFailed) when the profile was erased meanwhile."""
        actions: list[Action] = []
        for name, value in fields.items():
            attribute = getattr(CandidateItem, name)
            actions.append(attribute.set(attribute | value))
        if "phone" in fields and profile.gsi1pk is None:  # the phone lookup, once
            gpk, gsk = CandidateItem.phone_index_keys(profile.tenant_id, fields["phone"],
                                                      profile.candidate_id)
            actions += [CandidateItem.gsi1pk.set(CandidateItem.gsi1pk | gpk),
                        CandidateItem.gsi1sk.set(CandidateItem.gsi1sk | gsk)]
        actions.append(CandidateItem.last_activity_at.set(now))
        if consent:
            actions.append(CandidateItem.consent_at.set(CandidateItem.consent_at | now))
        if consent or profile.consent_at is not None or due is None:
            actions += [CandidateItem.due_pk.remove(), CandidateItem.due_sk.remove()]
        else:
            actions += [CandidateItem.due_pk.set(due[0]), CandidateItem.due_sk.set(due[1])]
        profile.update(actions=actions, condition=CandidateItem.erased_at.does_not_exist())

    def fill_unless_erased(self, profile: CandidateItem, fields: dict[str, str], now: datetime,
                           consent: bool, due: tuple[str, str] | None) -> bool:
        """`fill`; False (nothing written) when the profile was erased meanwhile."""
        try:
            self.fill(profile, fields, now, consent, due)
        except UpdateError as err:
            if err.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True
