"""Parsing and validating candidate import files (pure)."""

from __future__ import annotations

import pytest

from chalicelib.pool.domain.candidate_import import (
    ImportRow,
    RowRejection,
    detect_encoding,
    lines_of,
    map_header,
    missing_fields,
    parse,
    parse_tags,
)
from chalicelib.shared.domain.errors import Unprocessable, ValidationFailed

CHINESE = "姓名,邮箱,手机号,标签\n李雷,li.lei@example.com,13800138000,后端;校招\n"


def rows(data: bytes, mapping: dict[str, str] | None = None) -> list[ImportRow | RowRejection]:
    return list(parse(lines_of(data), mapping).rows)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_every_excel_encoding_reads_the_same_rows(encoding: str) -> None:
    parsed = rows(CHINESE.encode(encoding))
    assert parsed == [ImportRow(2, "李雷", "li.lei@example.com", "+8613800138000",
                                tags=("后端", "校招"))]


def test_detection_bom_utf8_and_gb18030() -> None:
    assert detect_encoding(b"\xef\xbb\xbfname\n") == "utf-8-sig"
    assert detect_encoding("姓名\n".encode()) == "utf-8"
    assert detect_encoding("姓名\n李雷\n".encode("gbk")) == "gb18030"
    # a sample cut inside a multi-byte character of its only line is still UTF-8
    assert detect_encoding("姓名".encode()[:-1]) == "utf-8"


def test_a_line_in_another_encoding_is_rejected_alone() -> None:
    utf8 = "name,email\n" + "".join(f"张三{n},z{n}@example.com\n" for n in range(4000))
    data = utf8.encode() + "李雷,li@example.com\n".encode("gbk")  # past the 64 KiB sample
    parsed = rows(data)
    assert all(isinstance(r, ImportRow) for r in parsed[:4000])
    assert isinstance(parsed[4000], RowRejection) and parsed[4000].code == "invalid_encoding"


def test_headers_in_english_and_chinese_and_explicit_mapping() -> None:
    assert map_header(["Full Name", "E-mail", "Mobile"]) == {"name": 0, "email": 1, "phone": 2}
    assert map_header(["候选人姓名", "电子邮箱"]) == {"name": 0, "email": 1}
    assert map_header(["Who", "Addr"], {"name": "Who", "email": "addr"}) == {"name": 0,
                                                                             "email": 1}
    with pytest.raises(ValidationFailed) as err:
        map_header(["Who", "Addr"])
    assert err.value.code == "missing_columns"
    with pytest.raises(ValidationFailed) as err:
        map_header(["name", "email"], {"nickname": "name"})
    assert err.value.code == "invalid_mapping"
    with pytest.raises(Unprocessable):  # a column this file does not have: 422
        map_header(["name", "email"], {"phone": "Tel"})


def test_row_validation_codes() -> None:
    data = (b"name,email,phone,locale,timezone,tags\n"
            b",a@example.com,,,,\n"                       # 2 missing_name
            b"Bo,,,,,\n"                                  # 3 no_contact
            b"Cy,not-an-email,,,,\n"                      # 4 invalid_email
            b"Di,,12345,,,\n"                             # 5 invalid_phone
            b"Ed,ed@example.com,,fr,,\n"                  # 6 invalid_locale
            b"Fa,fa@example.com,,,Mars/Base,\n"           # 7 invalid_timezone
            b"Gu,gu@example.com,,,,bad#tag\n"             # 8 invalid_tag
            b",,,,,\n"                                    # 9 empty_row
            b"Hu,HU@Example.com,+1 650 253 0000,en,Asia/Shanghai,A b\n")
    parsed = rows(data)
    codes = [r.code for r in parsed if isinstance(r, RowRejection)]
    assert codes == ["missing_name", "no_contact", "invalid_email", "invalid_phone",
                     "invalid_locale", "invalid_timezone", "invalid_tag", "empty_row"]
    good = parsed[-1]
    assert good == ImportRow(10, "Hu", "hu@example.com", "+16502530000", None, "en",
                             "Asia/Shanghai", ("a_b",))


def test_mainland_numbers_without_country_code_are_normalised() -> None:
    parsed = rows(b"name,phone\nA,138 0013 8000\nB,+86 139-0013-9000\nC,1380013800\n")
    assert [r.phone for r in parsed if isinstance(r, ImportRow)] == ["+8613800138000",
                                                                     "+8613900139000"]
    assert isinstance(parsed[2], RowRejection) and parsed[2].code == "invalid_phone"


def test_quoted_fields_and_empty_file() -> None:
    parsed = rows(b'name,email\n"Smith, Ann",ann@example.com\n')
    assert isinstance(parsed[0], ImportRow) and parsed[0].name == "Smith, Ann"
    with pytest.raises(ValidationFailed) as err:
        rows(b"")
    assert err.value.code == "empty_file"


def test_tags_and_consent() -> None:
    assert parse_tags("后端\uff0c 校招\uff1bjava|Go") == ("后端", "校招", "java", "go")
    assert parse_tags("a,a,,b") == ("a", "b")
    parsed = rows("name,email,consent\nA,a@example.com,是\nB,b@example.com,no\n".encode())
    assert [r.consent for r in parsed if isinstance(r, ImportRow)] == [True, False]


def test_merge_fills_missing_fields_and_never_blanks() -> None:
    row = ImportRow(2, "New Name", "a@example.com", "+8613800138000", external_id="X1")
    existing = {"name": "Old Name", "email": "a@example.com", "phone": None,
                "external_id": ""}
    assert missing_fields(existing, row) == {"phone": "+8613800138000", "external_id": "X1"}
    blank = ImportRow(3, "Old Name", "a@example.com", None)
    assert missing_fields({"name": "Old Name", "phone": "+8613800138000"}, blank) == \
        {"email": "a@example.com"}


def test_parsing_is_lazy() -> None:
    """Rows are produced as lines are read: a huge file is never held at once."""
    consumed = 0

    def lines() -> object:
        nonlocal consumed
        yield b"name,email\n"
        for n in range(10**9):
            consumed += 1
            yield f"n{n},n{n}@example.com\n".encode()

    parsed = parse(lines())  # type: ignore[arg-type]
    first = [next(parsed.rows) for _ in range(10)]
    assert len(first) == 10 and consumed < 5000
