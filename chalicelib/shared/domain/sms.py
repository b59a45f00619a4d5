"""SMS length as carriers bill it (pure).

A message that fits the GSM 03.38 7-bit alphabet costs one part up to 160 characters, and 153
per part beyond (the rest carries the concatenation header); characters of the extension table
(`^{}\\[~]|€`) take two septets. Anything else - Chinese, most emoji - is sent as UCS-2: 70
characters in one part, 67 per part beyond; characters outside the Basic Multilingual Plane
take two UTF-16 code units.
"""

from __future__ import annotations

from dataclasses import dataclass

_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
_GSM_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    parts: int


def sms_length(text: str) -> SmsLength:
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        units = sum(2 if c in _GSM_EXTENDED else 1 for c in text)
        return SmsLength("GSM-7", units, _parts(units, 160, 153))
    units = len(text.encode("utf-16-le")) // 2
    return SmsLength("UCS-2", units, _parts(units, 70, 67))


def _parts(units: int, single: int, per_part: int) -> int:
    if units <= single:
        return 1
    return -(-units // per_part)
