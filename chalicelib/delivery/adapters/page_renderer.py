"""Rendering the candidate's page from chalicelib/delivery/pages/ (Jinja2, autoescape on).

The page ships its one style sheet inline and nothing else: no script, no font, no image, no
third-party host. The Content-Security-Policy allows exactly that style element (by its
SHA-256), form posts to the page's own origin, and nothing more.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from chalicelib.delivery.domain.page_text import TEXT

PAGES = Path(__file__).resolve().parent.parent / "pages"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(PAGES)), undefined=StrictUndefined,
                       autoescape=True, trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def _css() -> str:
    return (PAGES / "page.css").read_text(encoding="utf-8").strip()


def content_security_policy() -> str:
    digest = base64.b64encode(hashlib.sha256(_css().encode()).digest()).decode()
    return (f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


class PageRenderer:
    def render(self, name: str, locale: str, **context: Any) -> str:
        """`name`: view, done or problem; `locale`: en or zh-CN (domain/candidate_page.py)."""
        template = _environment().get_template(f"{name}.html.j2")
        return template.render(locale=locale, t=TEXT[locale], css=Markup(_css()), **context)

    @property
    def csp(self) -> str:
        return content_security_policy()
