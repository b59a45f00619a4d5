"""Request and response models of the candidate's self-service page."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.shared.schemas import Model, StatusName, Strict


class SelfServiceView(Model):
    invitation_id: str
    status: StatusName
    company: str | None
    position: str | None
    deadline_at: str
    interview_url: str | None
    reason: str | None
    reasons: list[str]
    can_extend: bool
    extension_requested: bool


class ReasonIn(Strict):
    reason: Literal["schedule_conflict", "technical_problem", "did_not_see_message",
                    "not_interested", "accepted_other_offer", "other"]
    text: str | None = Field(default=None, max_length=1000)


class SelfServiceResult(Model):
    invitation_id: str
    result: str | None = None
    reason: str | None = None
    status: StatusName | None = None
    deadline_at: str | None = None


class ExtensionForm(Strict):
    """The page's extension form: a button, no fields."""


class OptOutForm(Strict):
    """The page's opt-out form: the box ticked to confirm (JSON clients post no body)."""

    confirm: Literal["yes"]
