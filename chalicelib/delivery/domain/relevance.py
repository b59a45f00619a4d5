"""Whether an outbox message is still worth sending when the sender gets to it.

Reminder rounds are claimed by the sweep and sent moments later, but a queue can lag, a
message can be redriven after ten minutes, and HR can cancel (or close the campaign) in
between. A "your interview is due tomorrow" to a candidate who has completed it, or to one
whose invitation HR cancelled, is worse than no message.
"""

from __future__ import annotations

#: Statuses after which no message about the invitation goes out any more.
ENDED = frozenset({"completed", "completed_late", "closed", "cancelled"})


def still_due(kind: str, status: str) -> bool:
    """Send outbox message `kind` to an invitation in `status`? Digests are about a
    campaign, never stale; every other message only while the invitation has not ended."""
    return kind.startswith("digest") or status not in ENDED
