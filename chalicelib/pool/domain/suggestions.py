"""Ranking pool candidates for a new position: score, recency and fit. Pure, no I/O.

    rank = 0.5 * score/100 + 0.2 * recency + 0.3 * fit
    recency = 2^(-days since last activity / 90)      (never active: 0)
    fit     = share of the position's keywords (title + department words) found among the
              words of the candidate's tags (`backend_python` -> backend, python)

Candidates to skip (hold_contact, opted out, suppressed) are the caller's business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

SCORE_WEIGHT, RECENCY_WEIGHT, FIT_WEIGHT = 0.5, 0.2, 0.3
RECENCY_HALF_LIFE_DAYS = 90.0
_WORD = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]+")
_STOP = frozenset({"and", "of", "the", "for", "a", "an", "in", "to", "senior", "junior"})


@dataclass(frozen=True)
class Ranked:
    value: float
    score: float
    recency: float
    fit: float
    matched: tuple[str, ...]


def keywords(*texts: str | None) -> frozenset[str]:
    words: set[str] = set()
    for text in texts:
        words |= {w for w in _WORD.findall((text or "").lower()) if w not in _STOP}
    return frozenset(words)


def rank(score: float, last_activity: datetime | None, now: datetime, tags: Iterable[str],
         wanted: frozenset[str]) -> Ranked:
    recency = 0.0
    if last_activity is not None:
        days = max((now - last_activity).total_seconds() / 86400, 0.0)
        recency = 0.5 ** (days / RECENCY_HALF_LIFE_DAYS)
    have = keywords(*(t.replace("_", " ") for t in tags))
    matched = tuple(sorted(wanted & have))
    fit = len(matched) / len(wanted) if wanted else 0.0
    value = (SCORE_WEIGHT * min(max(score, 0.0), 100.0) / 100 + RECENCY_WEIGHT * recency
             + FIT_WEIGHT * fit)
    return Ranked(round(value, 4), round(score, 1), round(recency, 3), round(fit, 3), matched)
