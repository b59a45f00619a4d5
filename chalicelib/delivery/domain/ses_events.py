"""SES sending events (bounce, complaint, delivery, click), as SES publishes them to SNS (pure).

Both shapes are read: identity notifications (`notificationType`) and configuration-set event
publishing (`eventType`, with the message tags we set when sending: tenant, invitation,
outbox). A permanent bounce or a complaint suppresses the address for the tenant; a transient
bounce changes nothing (SES retried already); a delivery is recorded on the outbox item, and
so is the first click on a link in it (SES click tracking: the talent pool's `clicked`). The
clicked link itself is never kept: it carries the candidate's signed token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SUPPRESSING = ("bounce", "complaint")


@dataclass(frozen=True)
class SesEvent:
    kind: str  # "bounce", "transient_bounce", "complaint", "delivery", "click" or "other"
    message_id: str
    recipients: tuple[str, ...]
    tags: dict[str, str] = field(default_factory=dict)
    detail: str = ""

    @property
    def suppresses(self) -> bool:
        return self.kind in SUPPRESSING


def parse_ses_event(message: dict[str, Any]) -> SesEvent:
    kind_name = str(message.get("eventType") or message.get("notificationType") or "")
    mail = message.get("mail") or {}
    tags = {name: values[0] for name, values in (mail.get("tags") or {}).items()
            if isinstance(values, list) and values}
    message_id = str(mail.get("messageId", ""))
    if kind_name == "Bounce":
        bounce = message.get("bounce") or {}
        permanent = bounce.get("bounceType") == "Permanent"
        recipients = [r.get("emailAddress", "") for r in bounce.get("bouncedRecipients", [])]
        return SesEvent("bounce" if permanent else "transient_bounce", message_id,
                        _clean(recipients), tags,
                        f"{bounce.get('bounceType')}/{bounce.get('bounceSubType')}")
    if kind_name == "Complaint":
        complaint = message.get("complaint") or {}
        recipients = [r.get("emailAddress", "")
                      for r in complaint.get("complainedRecipients", [])]
        return SesEvent("complaint", message_id, _clean(recipients), tags,
                        str(complaint.get("complaintFeedbackType", "")))
    if kind_name == "Delivery":
        delivery = message.get("delivery") or {}
        return SesEvent("delivery", message_id, _clean(delivery.get("recipients", [])), tags)
    if kind_name == "Click":
        return SesEvent("click", message_id, _clean(mail.get("destination", [])), tags)
    return SesEvent("other", message_id, (), tags, kind_name)


def _clean(addresses: list[Any]) -> tuple[str, ...]:
    """Addresses as we store them (lower case); SES may add a display name."""
    out = []
    for address in addresses:
        text = str(address).strip()
        if "<" in text and text.endswith(">"):
            text = text[text.rindex("<") + 1:-1]
        if text:
            out.append(text.lower())
    return tuple(out)
