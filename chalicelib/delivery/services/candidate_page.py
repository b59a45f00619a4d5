"""The candidate's page in HTML: the self-service view, the confirmation after each form and
the friendly page for a link that does not work, in the candidate's language and zone.

The JSON routes and this page share one use case (`SelfService`); this only decides what a
person reads. A form post answers with its confirmation page directly (no redirect): the page
says what happened from the action's own result, so nothing is re-derived from state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.delivery.adapters.page_renderer import PageRenderer
from chalicelib.delivery.domain.candidate_page import (
    LOCALES,
    actions,
    local_time,
    page_locale,
)
from chalicelib.delivery.domain.page_text import PROBLEMS, REASONS, STATUSES, TEXT
from chalicelib.delivery.services.self_service import MAX_TEXT, SelfService

#: a form field that failed validation -> the sentence that says what to fix
FIELDS = {"reason": "problem_reason", "text": "problem_text", "confirm": "problem_confirm"}
CODES = {"invalid_reason": "problem_reason", "text_too_long": "problem_text"}


class CandidatePage:
    def __init__(self, service: SelfService, renderer: PageRenderer) -> None:
        self._service = service
        self._renderer = renderer

    @property
    def csp(self) -> str:
        return self._renderer.csp

    def view(self, token: str, now: datetime, lang: str | None) -> str:
        inv, view = self._service.facts(token, now)
        locale = page_locale(lang, inv.locale)
        status = view["status"]
        url = view["interview_url"] or ""
        can = actions(status, view["can_extend"], view["extension_requested"],
                      url.startswith(("https://", "http://")), self._service.opted_out(inv))
        labels = REASONS[locale]
        return self._renderer.render(
            "view", locale, token=token, company=view["company"], position=view["position"],
            status=status, status_label=STATUSES[locale].get(status, status),
            deadline=local_time(inv.deadline_at, inv.timezone, locale),
            deadline_at=view["deadline_at"], interview_url=url, actions=can,
            reason=view["reason"], reason_label=labels.get(view["reason"] or ""),
            reasons=list(labels.items()), max_text=MAX_TEXT,
            other_locale=next(code for code in LOCALES if code != locale))

    def done(self, token: str, result: dict[str, Any], now: datetime, lang: str | None) -> str:
        """The confirmation of a form post: `result` is what the action answered."""
        inv = self._service.invitation(token, now)
        locale = page_locale(lang, inv.locale)
        text = TEXT[locale]
        if "reason" in result:
            outcome = "reason"
            message = text["done_reason"].format(reason=REASONS[locale][result["reason"]])
        else:
            outcome = str(result["result"])
            message = text[f"done_{outcome}"]
            if outcome == "approved":
                deadline = datetime.fromisoformat(result["deadline_at"])
                message = message.format(deadline=local_time(deadline, inv.timezone, locale))
        return self._renderer.render("done", locale, token=token, result=outcome,
                                     message=message)

    def problem(self, code: str, details: list[dict[str, Any]] | None, lang: str | None,
                back: str | None) -> str:
        """A link that does not work, or a form that was not filled in right (with `back`)."""
        locale = page_locale(lang)
        text = TEXT[locale]
        fields = [str(d.get("field", "")).split(".")[0] for d in details or []]
        key = next((FIELDS[f] for f in fields if f in FIELDS), None) or CODES.get(code) \
            or PROBLEMS.get(code) or "problem_input"
        title = text["input_title"] if back else text["problem_title"]
        return self._renderer.render("problem", locale, code=code, title=title,
                                     message=text[key], back=back)
