"""The no-show call list: who HR should phone or write to after a campaign. Pure.

One row per candidate of a campaign whose invitation is a no-show (`no_show`: still in the
grace window; `closed`: the window ended unrecovered), with name and contacts. Erased
candidates never appear, not even in a count (their profile has no name or contacts left,
and the list must not hint that they existed); candidates who opted out are left out too
(they asked not to be contacted) and only counted. CSV like the exports: UTF-8 with a
BOM, CRLF, one header line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.reports.domain.exports import BOM

STATUSES = ("no_show", "closed")
COLUMNS = ("invitation_id", "candidate_id", "name", "email", "phone", "status",
           "deadline_at", "rounds_done", "given_reason", "reason_text", "inferred_reason",
           "timezone", "locale")


def csv_bytes(rows: Iterable[Mapping[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in COLUMNS])
    return BOM + out.getvalue().encode()
