"""Importing candidates into the talent pool from a CSV body or an object in the bucket.

Rows are read lazily and handled in chunks of CHUNK_ROWS: one BatchGetItem round for the
profiles the rows may already be stored under (their email's and their phone's derived ids)
and for their tags, then BatchWriteItem for what is new and one UpdateItem per merged
profile (fills only missing fields). Memory is bounded by one chunk plus the report's first
rejections; the full per-row report is spooled to a temporary file and uploaded as CSV.

Idempotent: ids derive from the data (candidates from email/phone, tags from (candidate, tag),
the import from the file), so the same file again reports every row `unchanged`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from chalicelib.invitations.domain.retention import retention_days, retention_keys
from chalicelib.invitations.models import CandidateItem
from chalicelib.invitations.stores.tenant_store import TenantStore
from chalicelib.pool.domain.candidate_import import (
    ImportRow,
    RowRejection,
    lines_of,
    missing_fields,
    parse,
)
from chalicelib.pool.models import TagItem
from chalicelib.pool.stores.import_store import ImportStore
from chalicelib.shared.adapters.object_store import ObjectStore
from chalicelib.shared.domain import ids
from chalicelib.shared.domain.errors import NotFound, ValidationFailed
from chalicelib.shared.models import Item

CHUNK_ROWS = 500
INLINE_ROWS = 1000  # up to this many rows the answer lists every row
FIRST_REJECTIONS = 100  # a summarised answer lists this many rejections
IMPORT_TAG_SCOPE = "import"  # the TagItem "campaign" of imported tags: one per (cand, tag)
REPORT_FIELDS = ("line", "result", "candidate_id", "code", "message")


def upload_prefix(tenant_id: str) -> str:
    """Where a tenant may put files to import (and where their reports are written)."""
    return f"uploads/{tenant_id}/"


@dataclass
class ImportReport:
    import_id: str
    counts: dict[str, int] = field(default_factory=lambda: {
        "rows": 0, "created": 0, "merged": 0, "unchanged": 0, "rejected": 0, "tags_added": 0})
    rows: list[dict[str, Any]] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    spool: IO[bytes] = field(default_factory=lambda: tempfile.SpooledTemporaryFile(  # noqa: SIM115
        max_size=1 << 20))  # closed by whoever uploads it (or garbage)

    def __post_init__(self) -> None:
        self._text = io.TextIOWrapper(self.spool, encoding="utf-8", newline="",
                                      write_through=True)
        self._csv = csv.writer(self._text)
        self._csv.writerow(REPORT_FIELDS)

    def add(self, line: int, result: str, candidate_id: str | None = None,
            code: str | None = None, message: str | None = None) -> None:
        entry = {"line": line, "result": result, "candidate_id": candidate_id,
                 "code": code, "message": message}
        self.counts["rows"] += 1
        self.counts[result] += 1
        self._csv.writerow([entry[f] if entry[f] is not None else "" for f in REPORT_FIELDS])
        if len(self.rows) < INLINE_ROWS + 1:
            self.rows.append(entry)
        if result == "rejected" and len(self.rejections) < FIRST_REJECTIONS:
            self.rejections.append({"line": line, "code": code, "message": message})

    def answer(self, report_key: str | None) -> dict[str, Any]:
        complete = self.counts["rows"] <= INLINE_ROWS
        out: dict[str, Any] = {"import_id": self.import_id, **self.counts,
                               "report_key": report_key}
        if complete:
            out["items"] = self.rows
        else:
            out["first_rejections"] = self.rejections
        return out

    def detach(self) -> IO[bytes]:
        self._text.flush()
        self._text.detach()
        return self.spool


class CandidateImportService:
    def __init__(self, store: ImportStore, objects: ObjectStore, tenants: TenantStore) -> None:
        self._store = store
        self._objects = objects
        self._tenants = tenants

    def import_body(self, tenant_id: str, body: bytes, mapping: Mapping[str, str] | None,
                    actor: str, now: datetime) -> dict[str, Any]:
        if not body or not body.strip():
            raise ValidationFailed("send the CSV file as the body (text/csv)",
                                   code="empty_file")
        import_id = ids.import_id(tenant_id, f"sha256:{hashlib.sha256(body).hexdigest()}")
        report = self.run(tenant_id, import_id, lines_of(body), mapping, actor, now)
        report_key = None
        if report.counts["rows"] > INLINE_ROWS:  # too long to answer row by row
            report_key = f"{upload_prefix(tenant_id)}imports/{import_id}.report.csv"
            self._upload(report, report_key)
        return report.answer(report_key)

    def import_object(self, tenant_id: str, key: str, mapping: Mapping[str, str] | None,
                      actor: str, now: datetime) -> dict[str, Any]:
        """Import an uploaded object now (the importer runs jobs through this; the API
        queues a job instead: pool/services/import_jobs.py)."""
        import_id, etag = self.identify(tenant_id, key, mapping)
        return self.run_object(tenant_id, import_id, key, etag, mapping, actor, now)

    def identify(self, tenant_id: str, key: str,
                 mapping: Mapping[str, str] | None) -> tuple[str, str]:
        """The import id of this object as it is now (key, ETag, mapping) and its ETag;
        NotFound outside the tenant's upload prefix or when there is no such object."""
        if not key.startswith(upload_prefix(tenant_id)) or ".." in key:
            raise NotFound(f"object {key!r} not found under {upload_prefix(tenant_id)}",
                           code="object_not_found")
        etag = self._objects.etag(key)
        if etag is None:
            raise NotFound(f"object {key!r} not found", code="object_not_found")
        fingerprint = f"s3:{key}:{etag}"
        if mapping:
            fingerprint += ":" + json.dumps(dict(mapping), sort_keys=True, ensure_ascii=False)
        return ids.import_id(tenant_id, fingerprint), etag

    def run_object(self, tenant_id: str, import_id: str, key: str, etag: str | None,
                   mapping: Mapping[str, str] | None, actor: str,
                   now: datetime) -> dict[str, Any]:
        """Stream the object's rows in (only the version with `etag`, when given) and write
        the per-row report next to it."""
        report = self.run(tenant_id, import_id, self._objects.lines(key, etag), mapping,
                          actor, now)
        report_key = f"{key}.report.csv"
        self._upload(report, report_key)
        return report.answer(report_key)

    def _upload(self, report: ImportReport, key: str) -> None:
        spool = report.detach()
        try:
            self._objects.put_file(key, spool, "text/csv; charset=utf-8")
        finally:
            spool.close()

    def run(self, tenant_id: str, import_id: str, lines: Iterable[bytes],
            mapping: Mapping[str, str] | None, actor: str, now: datetime) -> ImportReport:
        """Import every row of `lines` (the raw file); the report holds the per-row
        results (inline for small files, spooled for the CSV report)."""
        parsed = parse(lines, mapping)
        tenant = self._tenants.get(tenant_id)
        days = retention_days(tenant.retention_days if tenant else None)
        report = ImportReport(import_id)
        chunk: list[ImportRow | RowRejection] = []
        for row in parsed.rows:
            chunk.append(row)
            if len(chunk) >= CHUNK_ROWS:
                self._chunk(tenant_id, import_id, chunk, actor, now, days, report)
                chunk = []
        if chunk:
            self._chunk(tenant_id, import_id, chunk, actor, now, days, report)
        return report

    def _chunk(self, tenant_id: str, import_id: str, chunk: list[ImportRow | RowRejection],
               actor: str, now: datetime, days: int, report: ImportReport) -> None:
        rows = [r for r in chunk if isinstance(r, ImportRow)]
        results: dict[int, tuple[str, str | None, str | None]] = {
            r.line: ("rejected", r.code, r.message) for r in chunk
            if isinstance(r, RowRejection)}
        candidates = {i: ids.candidate_id(tenant_id, i) for r in rows for i in r.identities()}
        stored = self._store.profiles(tenant_id, list(candidates.values()))
        # a phone-only row not found under its phone's id may be someone known by email
        unknown = [r.phone for r in rows if r.phone and not r.email
                   and candidates[f"phone:{r.phone}"] not in stored]
        by_phone = self._store.by_phone(tenant_id, unknown) if unknown else {}
        if by_phone:
            stored.update(self._store.profiles(tenant_id, list(by_phone.values())))
        # the candidate each row lands on: a stored profile under any of its identities,
        # else one created under its first identity (as bulk invitations key candidates)
        targets: dict[int, str] = {}
        seen: dict[str, str] = {}  # identity -> candidate, within this chunk
        for row in rows:
            keys = [candidates[i] for i in row.identities()]
            if not row.email and row.phone in by_phone:
                keys = [by_phone[row.phone]]
            earlier = next((seen[i] for i in row.identities() if i in seen), None)
            target = earlier or next((k for k in keys if k in stored), keys[0])
            targets[row.line] = target
            for identity in row.identities():
                seen.setdefault(identity, target)
        tag_keys = {(r.line, t): TagItem.key(tenant_id, targets[r.line], t, IMPORT_TAG_SCOPE)
                    for r in rows for t in r.tags}
        existing_tags = self._store.existing_tags(list(tag_keys.values()))
        new_items: list[Item] = []
        created: dict[str, CandidateItem] = {}  # made in this chunk (rows of one person)
        written_tags: set[tuple[str, str]] = set()
        fills: list[tuple[int, CandidateItem, dict[str, str], bool]] = []
        for row in rows:
            cand = targets[row.line]
            profile = stored.get(cand) or created.get(cand)
            new_tags = []
            for tag in row.tags:
                key = tag_keys[(row.line, tag)]
                if key not in existing_tags and key not in written_tags:
                    written_tags.add(key)
                    new_tags.append(self._tag(tenant_id, cand, tag, import_id, actor, now))
            if profile is not None and profile.erased_at is not None:
                results[row.line] = ("rejected", "erased", "this candidate's personal data "
                                     "was erased; it is not imported again")
                continue
            new_items += new_tags
            report.counts["tags_added"] += len(new_tags)
            if profile is None:
                profile = self._profile(tenant_id, cand, row, now, days)
                created[cand] = profile
                new_items.append(profile)
                results[row.line] = ("created", None, None)
                continue
            adds = missing_fields(profile.attribute_values, row)
            wants_consent = row.consent and profile.consent_at is None
            if cand in created:  # a second row of a person created in this chunk
                for name, value in adds.items():
                    setattr(profile, name, value)
                profile.index_phone()
                if wants_consent:
                    profile.consent_at, profile.due_pk, profile.due_sk = now, None, None
                results[row.line] = ("merged" if adds or new_tags or wants_consent
                                     else "unchanged", None, None)
                continue
            if adds or wants_consent:
                for name, value in adds.items():
                    setattr(profile, name, value)
                fills.append((row.line, profile, adds, row.consent))
                results[row.line] = ("merged", None, None)
            else:
                results[row.line] = ("merged" if new_tags else "unchanged", None, None)
        if new_items:
            self._store.write(new_items)
        for line, profile, adds, consent in fills:
            due = retention_keys(tenant_id, profile.candidate_id, now, days)
            if not self._store.fill_unless_erased(profile, adds, now, consent, due):
                results[line] = ("rejected", "erased", "this candidate's personal data was "
                                 "erased while the file was imported")
        for entry in chunk:
            result, code, message = results[entry.line]
            report.add(entry.line, result,
                       targets.get(entry.line) if result != "rejected" else None, code, message)

    def _profile(self, tenant_id: str, cand: str, row: ImportRow, now: datetime,
                 days: int) -> CandidateItem:
        pk, sk = CandidateItem.key(tenant_id, cand)
        profile = CandidateItem(pk, sk, tenant_id=tenant_id, candidate_id=cand, name=row.name,
                                email=row.email, phone=row.phone, locale=row.locale,
                                timezone=row.timezone, external_id=row.external_id,
                                created_at=now, last_activity_at=now,
                                consent_at=now if row.consent else None)
        if not row.consent:
            profile.due_pk, profile.due_sk = retention_keys(tenant_id, cand, now, days)
        profile.index_phone()
        return profile

    def _tag(self, tenant_id: str, cand: str, tag: str, import_id: str, actor: str,
             now: datetime) -> TagItem:
        pk, sk = TagItem.key(tenant_id, cand, tag, IMPORT_TAG_SCOPE)
        gpk, gsk = TagItem.index_keys(tenant_id, tag, IMPORT_TAG_SCOPE, cand)
        return TagItem(pk, sk, tenant_id=tenant_id, candidate_id=cand, tag=tag,
                       campaign_id=IMPORT_TAG_SCOPE, source=f"import:{import_id}",
                       reason=f"imported by {actor}", created_at=now, gsi1pk=gpk, gsi1sk=gsk)
