"""Normalising and validating candidate contact data (pure: no I/O).

Emails are checked for syntax only (no DNS look-up on the request path); phone numbers are
parsed to E.164, with mainland-China numbers written without +86 accepted and normalised.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from email_validator import EmailNotValidError, validate_email

LOCALES = ("en", "zh-CN")
DEFAULT_PHONE_REGION = "CN"


@dataclass(frozen=True)
class ContactProblem:
    code: str
    message: str


def normalise_email(value: str) -> str | ContactProblem:
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as err:
        return ContactProblem("invalid_email", f"email is not valid: {err}")
    return result.normalized.lower()


def normalise_phone(value: str, region: str = DEFAULT_PHONE_REGION) -> str | ContactProblem:
    try:
        number = phonenumbers.parse(value, None if value.startswith("+") else region)
    except phonenumbers.NumberParseException as err:
        return ContactProblem("invalid_phone", f"phone is not a number: {err}")
    if not phonenumbers.is_valid_number(number):
        return ContactProblem("invalid_phone", "phone is not a valid number (E.164 expected)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_timezone(value: str) -> str | ContactProblem:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # folder names, over-long keys
        return ContactProblem("invalid_timezone", f"unknown IANA time zone {value!r}")
    return value


def check_locale(value: str) -> str | ContactProblem:
    if value not in LOCALES:
        return ContactProblem("invalid_locale", f"locale must be one of {', '.join(LOCALES)}")
    return value
