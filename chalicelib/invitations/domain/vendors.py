"""The interview-vendor seam (pure): the port every vendor adapter implements, the normalized
inbound event, and how the vendor's lifecycle maps onto our state machine.

A vendor (an AI or one-way video interviewer) is told our invitation id as its external
reference, so everything it says names one of our invitations. What it says is parsed into
`InboundEvent`s with one of eight lifecycle values; `EVENT_OF` turns the four that move an
invitation into state-machine events, `SIGNAL_OF` keeps expired/abandoned on the invitation
(they feed the inferred no-show reasons), a score is set, the rest is timeline only. None of
them is "no-show": that one is ours to derive at the deadline.

Adding a vendor: an adapter module in `invitations/adapters/vendors/` and one line in its
registry (`invitations/adapters/vendors/__init__.py: ADAPTERS`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from chalicelib.invitations.domain.invitation import Event


class Lifecycle(StrEnum):
    INVITED = "invited"  # the interview exists on the vendor's side
    OPENED = "opened"
    STARTED = "started"
    COMPLETED = "completed"
    EXPIRED = "expired"  # the vendor's link ran out unused
    ABANDONED = "abandoned"  # started, left unfinished
    SCORED = "scored"
    REPORT_AVAILABLE = "report_available"
    NOTED = "noted"  # rescheduled, reset, ...: kept in the timeline only


#: the lifecycle values that move the state machine
EVENT_OF = {Lifecycle.OPENED: Event.OPENED, Lifecycle.STARTED: Event.STARTED,
            Lifecycle.COMPLETED: Event.COMPLETED}
#: what the vendor says about an unfinished interview (InvitationItem.vendor_signal)
SIGNAL_OF = {Lifecycle.EXPIRED: "expired", Lifecycle.ABANDONED: "abandoned"}
#: progress order of a vendor's reported status (the poller reports the furthest one)
PROGRESS = {Lifecycle.INVITED: 0, Lifecycle.OPENED: 1, Lifecycle.STARTED: 2,
            Lifecycle.EXPIRED: 3, Lifecycle.ABANDONED: 3, Lifecycle.COMPLETED: 4}


class VerificationError(Exception):
    """The request is not from the vendor (or not readable): answered 401/400, nothing kept."""

    def __init__(self, message: str, code: str, status: int = 401) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class InboundEvent:
    """One thing the vendor said about one invitation, in our terms."""

    event_id: str  # the vendor's message id, or a digest of what identifies the event
    invitation_id: str
    lifecycle: Lifecycle
    occurred_at: datetime
    kind: str  # the vendor's own name for it (kept in the timeline)
    score: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)  # e.g. a report URL
    #: False: an unsigned webhook. It is kept in the timeline but moves nothing: the
    #: reconciliation poller confirms it from the vendor's API.
    verified: bool = True


@dataclass(frozen=True)
class Notice:
    """What we tell the vendor: kind is deadline_changed, extended, cancelled or closed."""

    kind: str
    invitation_id: str
    deadline_at: datetime
    at: datetime


@dataclass(frozen=True)
class VendorConfig:
    """A tenant's vendor: which adapter, where its candidate links and its API live,
    whether its webhooks must be signed, whether the reconciliation poller asks it."""

    vendor: str = "standard"
    base_url: str | None = None  # None: the deployment's TALENTLOOP_VENDOR_BASE_URL
    api_url: str | None = None  # the vendor's API (notices, status); None: none used
    require_signature: bool = True
    poll: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"vendor": self.vendor, "base_url": self.base_url, "api_url": self.api_url,
                "require_signature": self.require_signature, "poll": self.poll}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> VendorConfig:
        if not raw:
            return cls()
        return cls(str(raw.get("vendor") or "standard"), raw.get("base_url"),
                   raw.get("api_url"), bool(raw.get("require_signature", True)),
                   bool(raw.get("poll", False)))


class InterviewVendor(Protocol):
    """The port. Adapters get their HTTP transport and configuration injected."""

    name: str
    #: whether its webhooks carry a signature we can check (unsigned: hints for the poller)
    signs_webhooks: bool

    def interview_link(self, invitation_id: str) -> str:
        """Create the interview on the vendor's side (or just format the link) and return
        the candidate's link; our invitation id is the vendor's external reference."""
        ...

    def notify(self, notice: Notice) -> None:
        """Tell the vendor of a deadline change, an extension, a cancel or a close."""
        ...

    def claimed_invitations(self, body: bytes) -> list[str]:
        """The invitation ids an (unverified) body names: they route it to a tenant."""
        ...

    def parse(self, headers: Mapping[str, str], body: bytes, secrets: Sequence[str],
              received_at: datetime, *, require_signature: bool) -> list[InboundEvent]:
        """Verify (with any of `secrets`) and parse; raise VerificationError. Without a
        signature and `require_signature` False, the events come back as `unverified`."""
        ...

    def fetch_status(self, invitation_ids: Sequence[str],
                     now: datetime) -> list[InboundEvent]:
        """The vendor's current status of these invitations (the reconciliation poller);
        `now` bounds the instants it reports."""
        ...


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def digest_id(*parts: str) -> str:
    """A stable event id for vendors that send none: the same event gets the same id, so a
    repeat is a duplicate."""
    return "evt_" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def poll_id(vendor: str, invitation_id: str, lifecycle: Lifecycle) -> str:
    """The poller's event id: one per invitation and status, however often it is polled."""
    return f"poll_{vendor}_{lifecycle.value}_{invitation_id}"
