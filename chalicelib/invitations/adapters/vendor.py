"""The AI-interview vendor adapter.

The vendor is given our invitation id as its external reference, so its webhooks name our
invitation; the local adapter builds `<vendor base URL>/i/<invitation id>`.
"""

from __future__ import annotations


class LinkVendor:
    def __init__(self, base_url: str) -> None:
        self._base = base_url.rstrip("/")

    def interview_url(self, invitation_id: str) -> str:
        return f"{self._base}/i/{invitation_id}"
