"""Rendering messages from the template files in chalicelib/delivery/templates/<locale>/.

Templates are files, reviewed like code: `<kind>.subject.j2`, `<kind>.txt.j2`,
`<kind>.html.j2` (autoescaped) for email, `<kind>.sms.j2` for SMS and `<kind>.chat.j2`
(lightweight markdown, titled by the subject) for the tenant's chat bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FALLBACK_LOCALE = "en"


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    text: str
    html: str | None


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                       autoescape=select_autoescape(enabled_extensions=("html.j2",)),
                       keep_trailing_newline=False)


class MessageRenderer:
    def render(self, kind: str, channel: str, locale: str, context: dict[str, Any]) -> Rendered:
        env = _environment()
        folder = locale if (TEMPLATES / locale).is_dir() else FALLBACK_LOCALE

        def part(name: str) -> str:
            return env.get_template(f"{folder}/{kind}.{name}.j2").render(**context).strip()

        if channel == "sms":
            return Rendered(None, part("sms"), None)
        if channel == "chat":
            return Rendered(part("subject"), part("chat"), None)
        return Rendered(part("subject"), part("txt"), part("html"))
