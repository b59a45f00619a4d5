"""The forward order the invitation state machine must respect (shared by the state machine
and reminder property tests): invited < sent < opened < started < {completed, no_show};
no_show < closed < completed_late; anything non-final < cancelled."""

from __future__ import annotations

from chalicelib.invitations.domain.invitation import FINAL, Status

_EDGES: set[tuple[Status, Status]] = {
    (Status.INVITED, Status.SENT),
    (Status.SENT, Status.OPENED),
    (Status.OPENED, Status.STARTED),
    (Status.STARTED, Status.COMPLETED),
    (Status.STARTED, Status.NO_SHOW),
    (Status.NO_SHOW, Status.COMPLETED_LATE),
    (Status.NO_SHOW, Status.CLOSED),
    (Status.CLOSED, Status.COMPLETED_LATE),  # the vendor's late word is never dropped
} | {(s, Status.CANCELLED) for s in frozenset(Status) - FINAL}


def _closure(edges: set[tuple[Status, Status]]) -> frozenset[tuple[Status, Status]]:
    closure = set(edges)
    while extra := {(a, d) for (a, b) in closure for (c, d) in closure if b == c} - closure:
        closure |= extra
    return frozenset(closure)


#: (a, b) in ABOVE means b is strictly further along than a.
ABOVE = _closure(_EDGES)


def is_forward(old: Status, new: Status) -> bool:
    return (old, new) in ABOVE
