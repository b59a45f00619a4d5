"""HR's message templates: list, read, save a new version, preview, reset; and what the sender
renders for a campaign (the versions it pinned when it was created).

Every save is a new immutable version (1, 2, ...) holding every part of one kind x locale;
parts left out of a save keep their current text. A reset is a version too, with no parts
(`custom` false): campaigns pinned to an earlier custom version keep it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from jinja2 import TemplateError
from jinja2.exceptions import SecurityError

from chalicelib.delivery.adapters.message_templates import MessageRenderer, shipped
from chalicelib.delivery.domain import message_templates as rules
from chalicelib.delivery.models import TemplateHeadItem, TemplateVersionItem
from chalicelib.delivery.stores.template_store import TemplateStore
from chalicelib.shared.domain.errors import Conflict, NotFound, Unprocessable
from chalicelib.shared.domain.sms import sms_length


class InvalidTemplate(Unprocessable):
    """A template refused on save or preview; `details` lists each problem (part, line)."""

    code = "invalid_template"

    def __init__(self, problems: list[rules.Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems[:5])
                         + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
        self.details = [p.detail() for p in problems]


def pin_key(kind: str, locale: str) -> str:
    return f"{kind}/{locale}"


class TemplateService:
    def __init__(self, store: TemplateStore, renderer: MessageRenderer,
                 company: Callable[[str], str]) -> None:
        self._store = store
        self._renderer = renderer
        self._company = company  # tenant id -> its name (the preview's `company`)

    # -- HR ------------------------------------------------------------------------------
    def effective(self, tenant_id: str) -> dict[str, Any]:
        heads = {(h.kind, h.locale): h for h in self._store.heads(tenant_id)}
        return {"items": [_summary(kind, locale, heads.get((kind, locale)))
                          for kind in rules.KINDS for locale in rules.LOCALES]}

    def get(self, tenant_id: str, kind: str, locale: str,
            version: int | None = None) -> dict[str, Any]:
        _known(kind, locale)
        if version is None:
            head = self._store.head(tenant_id, kind, locale)
            version = int(head.version) if head else 0
        if version == 0:
            return self._view(kind, locale, None)
        item = self._store.version(tenant_id, kind, locale, version)
        if item is None:
            raise NotFound(f"{kind}/{locale} has no version {version}",
                           code="template_version_not_found")
        return self._view(kind, locale, item)

    def save(self, tenant_id: str, kind: str, locale: str, parts: dict[str, str | None],
             expected_version: int | None, key_id: str, now: datetime) -> dict[str, Any]:
        _known(kind, locale)
        given = {k: v for k, v in parts.items() if v is not None}
        if not given:
            raise Unprocessable("give at least one of subject, txt, html, sms",
                                code="empty_update")
        head = self._store.head(tenant_id, kind, locale)
        current = int(head.version) if head else 0
        if expected_version is not None and expected_version != current:
            raise Conflict(f"{kind}/{locale} is at version {current}, not {expected_version}",
                           code="template_conflict")
        merged = {**self._parts(tenant_id, kind, locale, head), **given}
        warnings = self._checked(tenant_id, kind, locale, merged)
        item = self._write(tenant_id, kind, locale, current, merged, key_id, now)
        return {**self._view(kind, locale, item), "warnings": warnings}

    def reset(self, tenant_id: str, kind: str, locale: str, key_id: str,
              now: datetime) -> dict[str, Any]:
        """Back to the shipped files, as a new version (a no-op when already there)."""
        _known(kind, locale)
        head = self._store.head(tenant_id, kind, locale)
        if head is None or not head.custom:
            return self.get(tenant_id, kind, locale)
        item = self._write(tenant_id, kind, locale, int(head.version), None, key_id, now)
        return self._view(kind, locale, item)

    def preview(self, tenant_id: str, kind: str, locale: str, parts: dict[str, str | None],
                variables: dict[str, str]) -> dict[str, Any]:
        """Render the given parts (else the current ones) with sample values, overridden by
        `variables`: checked exactly as a save is, nothing written."""
        _known(kind, locale)
        head = self._store.head(tenant_id, kind, locale)
        merged = {**self._parts(tenant_id, kind, locale, head),
                  **{k: v for k, v in parts.items() if v is not None}}
        warnings = self._checked(tenant_id, kind, locale, merged)
        context = {**rules.sample_context(locale, self._company(tenant_id)), **variables}
        try:
            email = self._renderer.render(kind, "email", locale, context, merged)
            sms = self._renderer.render(kind, "sms", locale, context, merged).text
        except (TemplateError, TypeError, ValueError, AssertionError) as err:
            raise InvalidTemplate([rules.Problem("subject", "template_render",
                                                 f"cannot be rendered: {err}")]) from err
        length = sms_length(sms)
        return {"kind": kind, "locale": locale, "subject": email.subject or "",
                "text": email.text, "html": email.html or "", "sms": sms,
                "sms_parts": length.parts, "sms_encoding": length.encoding,
                "variables": context, "warnings": warnings}

    # -- the sender ----------------------------------------------------------------------
    def pins(self, tenant_id: str) -> dict[str, int]:
        """The versions a campaign created now keeps ("invite/en": 3)."""
        return {pin_key(h.kind, h.locale): int(h.version) for h in self._store.heads(tenant_id)}

    def pinned(self, tenant_id: str, kind: str, locale: str,
               pins: dict[str, Any] | None) -> dict[str, str] | None:
        """The parts a campaign renders for kind x locale: its pinned custom version, or
        None (the shipped files): not pinned, pinned to a reset, or the version is gone."""
        version = (pins or {}).get(pin_key(kind, locale))
        if not version:
            return None
        item = self._store.version(tenant_id, kind, locale, int(version))
        if item is None or not item.custom:
            return None
        return {p: getattr(item, p) or "" for p in rules.PARTS}

    # -- inside --------------------------------------------------------------------------
    def _parts(self, tenant_id: str, kind: str, locale: str,
               head: TemplateHeadItem | None) -> dict[str, str]:
        if head is not None and head.custom:
            item = self._store.version(tenant_id, kind, locale, int(head.version))
            if item is not None:
                return {p: getattr(item, p) or "" for p in rules.PARTS}
        return {p: shipped(kind, locale, p).strip() for p in rules.PARTS}

    def _checked(self, tenant_id: str, kind: str, locale: str,
                 parts: dict[str, str]) -> list[dict[str, str]]:
        """Refuse what cannot be sent (422 with every problem); warn about SMS cost."""
        problems = [p for part in rules.PARTS for p in rules.check(part, parts[part])]
        if problems:
            raise InvalidTemplate(problems)
        context = rules.sample_context(locale, self._company(tenant_id))
        rendered: dict[str, str] = {}
        for part in rules.PARTS:
            try:
                rendered[part] = rules.render(part, parts[part], context)
            except SecurityError as err:
                raise InvalidTemplate([rules.Problem(part, "template_unsafe", str(err))]) from err
            except (TemplateError, TypeError, ValueError, AssertionError, ArithmeticError,
                    LookupError, RecursionError) as err:  # e.g. a filter's wrong arguments
                raise InvalidTemplate([rules.Problem(
                    part, "template_render", f"{part} cannot be rendered: {err}")]) from err
        if not rendered["subject"]:
            raise InvalidTemplate([rules.Problem("subject", "template_empty",
                                                 "the subject renders empty")])
        sms = rendered["sms"]
        parts_now = sms_length(sms).parts
        if parts_now > rules.MAX_SMS_PARTS:
            raise InvalidTemplate([rules.Problem(
                "sms", "sms_too_long", f"the SMS renders to {parts_now} parts with sample "
                f"values (at most {rules.MAX_SMS_PARTS})")])
        default = sms_length(self._renderer.render(kind, "sms", locale, context).text).parts
        if parts_now > default:
            return [{"part": "sms", "code": "sms_parts",
                     "message": f"the SMS renders to {parts_now} parts with sample values "
                                f"(the default: {default}); every part is billed"}]
        return []

    def _write(self, tenant_id: str, kind: str, locale: str, current: int,
               parts: dict[str, str] | None, key_id: str, now: datetime) -> TemplateVersionItem:
        version = current + 1
        given = parts or {}
        item = TemplateVersionItem(*TemplateVersionItem.key(tenant_id, kind, locale, version),
                                   tenant_id=tenant_id, kind=kind, locale=locale,
                                   version=version, custom=parts is not None, created_at=now,
                                   created_by=key_id or None, subject=given.get("subject"),
                                   txt=given.get("txt"), html=given.get("html"),
                                   sms=given.get("sms"))
        head = TemplateHeadItem(*TemplateHeadItem.key(tenant_id, kind, locale),
                                tenant_id=tenant_id, kind=kind, locale=locale, version=version,
                                custom=parts is not None, updated_at=now)
        self._store.add_version(item, head, current)
        return item

    def _view(self, kind: str, locale: str, item: TemplateVersionItem | None) -> dict[str, Any]:
        custom = item is not None and bool(item.custom)
        parts = ({p: getattr(item, p) or "" for p in rules.PARTS} if custom and item
                 else {p: shipped(kind, locale, p).strip() for p in rules.PARTS})
        return {"kind": kind, "locale": locale,
                "version": int(item.version) if item else 0, "custom": custom,
                "updated_at": item.created_at.isoformat() if item else None,
                "parts": parts,
                "variables": [{"name": n, "description": d, "sms_only": n == "short_url"}
                              for n, d in rules.VARIABLES.items()],
                "required": {p: list(r) for p, r in rules.REQUIRED.items()},
                "warnings": []}


def _known(kind: str, locale: str) -> None:
    if kind not in rules.KINDS or locale not in rules.LOCALES:
        raise NotFound(f"no template {kind}/{locale} (kinds: {', '.join(rules.KINDS)}; "
                       f"locales: {', '.join(rules.LOCALES)})", code="template_not_found")


def _summary(kind: str, locale: str, head: TemplateHeadItem | None) -> dict[str, Any]:
    return {"kind": kind, "locale": locale, "version": int(head.version) if head else 0,
            "custom": bool(head.custom) if head else False,
            "updated_at": head.updated_at.isoformat() if head else None}
