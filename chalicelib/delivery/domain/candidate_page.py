"""What the candidate's page shows (pure): its language, the deadline in the candidate's zone
written as their locale writes dates, and which actions apply to the invitation's status.

A completed interview offers no extension and asks for no reason; a cancelled one offers
nothing but opting out; the interview button shows only while the interview can be taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LOCALES = ("en", "zh-CN")
DONE = frozenset({"completed", "completed_late"})
NO_REASON = DONE | {"cancelled"}
_EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
              "Dec")
_ZH_DAYS = ("一", "二", "三", "四", "五", "六", "日")


@dataclass(frozen=True)
class Actions:
    interview: bool
    reason: bool
    extension: bool
    extension_pending: bool
    opt_out: bool


def page_locale(requested: str | None, *candidates: str | None) -> str:
    """`?lang=` first, then the invitation's (the candidate's) locale, then English.
    `zh`, `zh-cn`, `zh-Hans-CN` all mean zh-CN; any other language falls back to English."""
    for value in (requested, *candidates):
        if not value:
            continue
        lowered = value.strip().lower()
        if lowered.startswith("zh"):
            return "zh-CN"
        if lowered.startswith("en"):
            return "en"
    return "en"


def accept_language(header: str | None) -> str | None:
    """The first language of an Accept-Language header we have a page in (None: none)."""
    for part in (header or "").split(","):
        tag = part.split(";")[0].strip()
        if tag.lower().startswith(("zh", "en")):
            return tag
    return None


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_time(at: datetime, zone_name: str | None, locale: str) -> str:
    """`Sat 28 Nov 2026, 17:00 (UTC+08:00, Asia/Shanghai)`, or in Chinese the year, month and
    day with their characters, the weekday, then the time and zone (full-width brackets)."""
    tz = zone(zone_name)
    local = at.astimezone(tz)
    offset = local.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    where = str(tz.key)
    clock = local.strftime("%H:%M")
    if locale == "zh-CN":
        return (f"{local.year}年{local.month}月{local.day}日（周{_ZH_DAYS[local.weekday()]}）"  # noqa: RUF001
                f"{clock}（{utc}，{where}）")  # noqa: RUF001
    return (f"{_EN_DAYS[local.weekday()]} {local.day} {_EN_MONTHS[local.month - 1]} "
            f"{local.year}, {clock} ({utc}, {where})")


def actions(status: str, can_extend: bool, extension_requested: bool,
            has_interview_url: bool, opted_out: bool = False) -> Actions:
    """`opt_out`: the form, until the candidate has opted out (then the page says so)."""
    return Actions(interview=has_interview_url and status not in DONE,
                   reason=status not in NO_REASON,
                   extension=can_extend and not extension_requested,
                   extension_pending=can_extend and extension_requested,
                   opt_out=not opted_out)
