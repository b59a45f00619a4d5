"""Rendering messages from the template files in chalicelib/delivery/templates/<locale>/.

Templates are files, reviewed like code: `<kind>.subject.j2`, `<kind>.txt.j2`,
`<kind>.html.j2` (autoescaped) for email, `<kind>.sms.j2` for SMS and `<kind>.chat.j2`
(lightweight markdown, titled by the subject) for the tenant's chat bot. They are the default;
a tenant's own version (`custom`, typed by HR) is rendered in the sandbox of
`delivery/domain/message_templates.py` instead, never with this file environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from chalicelib.delivery.domain import message_templates as sandbox

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


def folder_of(locale: str | None) -> str:
    """The locale whose files (and tenant templates) a message uses."""
    return locale if locale and (TEMPLATES / locale).is_dir() else FALLBACK_LOCALE


def shipped(kind: str, locale: str, part: str) -> str:
    """The source of a shipped template part (the default a tenant starts from)."""
    return (TEMPLATES / folder_of(locale) / f"{kind}.{part}.j2").read_text(encoding="utf-8")


class MessageRenderer:
    def render(self, kind: str, channel: str, locale: str | None, context: dict[str, Any],
               custom: dict[str, str] | None = None) -> Rendered:
        """`custom`: the tenant's parts (checked when saved), rendered in the sandbox."""
        env = _environment()
        folder = folder_of(locale)

        def part(name: str) -> str:
            if custom is not None:
                return sandbox.render(name, custom[name], context)
            return env.get_template(f"{folder}/{kind}.{name}.j2").render(**context).strip()

        if channel == "sms":
            return Rendered(None, part("sms"), None)
        if channel == "chat":
            return Rendered(part("subject"), part("chat"), None)
        return Rendered(part("subject"), part("txt"), part("html"))
