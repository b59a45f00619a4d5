"""Unit tests for row-by-row validation of bulk invitation requests
(invitations/domain/candidates.py)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.invitations.domain.candidates import MAX_NAME, CandidateRow, Rejection, validate_row

EMAIL = ("email",)
SMS = ("sms",)
BOTH = ("email", "sms")


def accepted(index: int, row: Any, channels: tuple[str, ...] = BOTH) -> CandidateRow:
    result = validate_row(index, row, channels)
    assert isinstance(result, CandidateRow), result
    return result


def rejected(index: int, row: Any, channels: tuple[str, ...] = BOTH) -> Rejection:
    result = validate_row(index, row, channels)
    assert isinstance(result, Rejection), result
    assert result.index == index
    assert result.message
    return result


# --- valid rows ---------------------------------------------------------------------------


def test_valid_row_is_normalised() -> None:
    # GIVEN a row with padded, mixed-case contact data
    row = {
        "name": "  Li Wei ",
        "email": " Li.Wei@Example.COM ",
        "phone": "13800138000",
        "locale": "zh-CN",
        "timezone": "Asia/Shanghai",
        "external_id": " ats-42 ",
    }
    # WHEN it is validated
    result = accepted(3, row)
    # THEN the text is trimmed, the email lower-cased and the phone in E.164
    assert result == CandidateRow(
        index=3, name="Li Wei", email="li.wei@example.com", phone="+8613800138000",
        locale="zh-CN", timezone="Asia/Shanghai", external_id="ats-42")


@pytest.mark.parametrize(("raw", "e164"), [
    ("13800138000", "+8613800138000"),
    ("138 0013 8000", "+8613800138000"),
    ("+86 138-0013-8000", "+8613800138000"),
    ("+8613800138000", "+8613800138000"),
    ("+1 650 253 0000", "+16502530000"),
    ("+44 20 7946 0958", "+442079460958"),
])
def test_phone_is_normalised_to_e164(raw: str, e164: str) -> None:
    assert accepted(0, {"name": "A", "phone": raw}, SMS).phone == e164


def test_minimal_rows_are_accepted() -> None:
    by_email = accepted(0, {"name": "A", "email": "a@example.com"}, EMAIL)
    assert (by_email.phone, by_email.locale, by_email.timezone, by_email.external_id) == \
        (None, None, None, None)
    assert accepted(1, {"name": "B", "phone": "13800138000"}, SMS).email is None


def test_unknown_keys_are_ignored_and_null_is_absent() -> None:
    row = {"name": "A", "email": "a@example.com", "phone": None, "shoe_size": 44}
    assert accepted(0, row, EMAIL).phone is None


def test_blank_optional_fields_count_as_absent() -> None:
    row = {"name": "A", "email": "a@example.com", "phone": "   ", "locale": "",
           "timezone": " "}
    result = accepted(0, row, EMAIL)
    assert (result.phone, result.locale, result.timezone) == (None, None, None)


def test_name_of_exactly_max_length_is_accepted() -> None:
    assert accepted(0, {"name": "x" * MAX_NAME, "email": "a@example.com"}).name == \
        "x" * MAX_NAME


@pytest.mark.parametrize("channels", [EMAIL, SMS, BOTH])
def test_a_row_with_both_contacts_fits_every_campaign(channels: tuple[str, ...]) -> None:
    accepted(0, {"name": "A", "email": "a@example.com", "phone": "13800138000"}, channels)


def test_either_contact_is_enough_for_a_two_channel_campaign() -> None:
    accepted(0, {"name": "A", "email": "a@example.com"}, BOTH)
    accepted(0, {"name": "A", "phone": "13800138000"}, BOTH)


# --- rejections ---------------------------------------------------------------------------


@pytest.mark.parametrize("row", [None, "Li Wei", 42, ["name", "A"], ("A",)])
def test_not_an_object(row: Any) -> None:
    assert rejected(7, row).code == "invalid_candidate"


@pytest.mark.parametrize("field", ["name", "email", "phone", "locale", "timezone",
                                   "external_id"])
@pytest.mark.parametrize("value", [42, True, ["a@example.com"], {"x": 1}])
def test_non_string_field(field: str, value: Any) -> None:
    row: dict[str, Any] = {"name": "A", "email": "a@example.com", field: value}
    result = rejected(1, row)
    assert result.code == "invalid_field"
    assert field in result.message


@pytest.mark.parametrize("row", [
    {"email": "a@example.com"},
    {"name": None, "email": "a@example.com"},
    {"name": "", "email": "a@example.com"},
    {"name": " \t\n", "email": "a@example.com"},
])
def test_missing_or_blank_name(row: dict[str, Any]) -> None:
    assert rejected(0, row).code == "missing_name"


def test_name_too_long() -> None:
    assert rejected(0, {"name": "x" * (MAX_NAME + 1), "email": "a@example.com"}).code == \
        "invalid_name"


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.com", "a@b",
                                   "a b@example.com", "a@@example.com"])
def test_bad_email(email: str) -> None:
    assert rejected(0, {"name": "A", "email": email}).code == "invalid_email"


@pytest.mark.parametrize("phone", ["abc", "12345", "+86 123", "+999 1234567",
                                   "1380013800099999"])
def test_bad_phone(phone: str) -> None:
    assert rejected(0, {"name": "A", "phone": phone}).code == "invalid_phone"


@pytest.mark.parametrize("locale", ["fr", "zh", "zh-cn", "EN", "en-US"])
def test_bad_locale(locale: str) -> None:
    row = {"name": "A", "email": "a@example.com", "locale": locale}
    assert rejected(0, row).code == "invalid_locale"


@pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "Asia/Beijing", "../../etc/passwd",
                                "/etc/localtime", "Europe/"])
def test_bad_timezone(tz: str) -> None:
    row = {"name": "A", "email": "a@example.com", "timezone": tz}
    assert rejected(0, row).code == "invalid_timezone"


# Regression: ZoneInfo() raises IsADirectoryError for a tz-database folder name and OSError
# (ENAMETOOLONG) for a very long key; validate_row used to crash instead of rejecting the row.
@pytest.mark.parametrize("tz", ["America", "Etc", "x" * 300])
def test_timezone_that_is_a_folder_or_too_long_is_rejected(tz: str) -> None:
    row = {"name": "A", "email": "a@example.com", "timezone": tz}
    assert rejected(0, row).code == "invalid_timezone"


def test_sms_campaign_needs_a_phone() -> None:
    # GIVEN an SMS-only campaign and a row with only an email
    result = rejected(4, {"name": "A", "email": "a@example.com"}, SMS)
    # THEN the row cannot be reached
    assert result.code == "no_contact_for_channels"
    assert "phone" in result.message


def test_email_campaign_needs_an_email() -> None:
    result = rejected(0, {"name": "A", "phone": "13800138000"}, EMAIL)
    assert result.code == "no_contact_for_channels"
    assert "email" in result.message


def test_no_contact_at_all() -> None:
    assert rejected(0, {"name": "A", "external_id": "ats-1"}, BOTH).code == \
        "no_contact_for_channels"


def test_first_problem_wins_in_field_order() -> None:
    row = {"name": "A", "email": "bad", "phone": "bad", "locale": "fr", "timezone": "Nowhere"}
    assert rejected(0, row).code == "invalid_email"
    row.pop("email")
    assert rejected(0, row).code == "invalid_phone"
    row.pop("phone")
    assert rejected(0, row).code == "invalid_locale"


# --- identity -----------------------------------------------------------------------------


def test_identity_prefers_email_then_phone_then_external_id() -> None:
    full = CandidateRow(0, "A", "a@example.com", "+8613800138000", None, None, "ats-1")
    no_email = CandidateRow(0, "A", None, "+8613800138000", None, None, "ats-1")
    external_only = CandidateRow(0, "A", None, None, None, None, "ats-1")
    assert full.identity == "email:a@example.com"
    assert no_email.identity == "phone:+8613800138000"
    assert external_only.identity == "external:ats-1"


def test_identity_uses_the_normalised_contact() -> None:
    # Two spellings of one person validate to the same identity.
    a = accepted(0, {"name": "A", "email": "Li.Wei@Example.com"})
    b = accepted(1, {"name": "A", "email": " li.wei@example.COM"})
    c = accepted(2, {"name": "A", "phone": "138 0013 8000"})
    d = accepted(3, {"name": "A", "phone": "+8613800138000"})
    assert a.identity == b.identity
    assert c.identity == d.identity == "phone:+8613800138000"
