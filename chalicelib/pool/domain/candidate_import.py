"""Importing candidates from a CSV file (pure: no I/O).

Files come from older systems and from Excel, which in China writes GB18030/GBK, elsewhere
UTF-8 with a BOM. The encoding is detected once from the first bytes (BOM -> utf-8-sig; a
strict UTF-8 decode of the sample -> utf-8; else gb18030); a line that then fails to decode
is rejected on its own (`invalid_encoding`) instead of failing the file. Headers are matched
against common English and Chinese names, or named explicitly with a mapping. Every row is
validated on its own: a bad row is rejected with a code, the good rows go ahead.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from chalicelib.invitations.domain.candidates import MAX_NAME
from chalicelib.pool.domain.import_fields import FIELDS
from chalicelib.shared.domain.contacts import (
    ContactProblem,
    check_locale,
    check_timezone,
    normalise_email,
    normalise_phone,
)
from chalicelib.shared.domain.errors import Unprocessable, ValidationFailed

#: header (normalised: lower case, no spaces/underscores/hyphens) -> field
ALIASES: dict[str, str] = {
    **dict.fromkeys(("name", "fullname", "candidatename", "candidate", "姓名", "名字",
                     "候选人", "候选人姓名"), "name"),
    **dict.fromkeys(("email", "emailaddress", "mail", "邮箱", "电子邮箱", "邮件", "电子邮件",
                     "邮箱地址"), "email"),
    **dict.fromkeys(("phone", "mobile", "phonenumber", "mobilephone", "mobilenumber", "tel",
                     "telephone", "cell", "手机", "手机号", "手机号码", "电话", "联系电话",
                     "电话号码"), "phone"),
    **dict.fromkeys(("externalid", "id", "candidateid", "employeeid", "编号", "工号",
                     "外部编号", "候选人编号"), "external_id"),
    **dict.fromkeys(("locale", "language", "lang", "语言"), "locale"),
    **dict.fromkeys(("timezone", "tz", "时区"), "timezone"),
    **dict.fromkeys(("tags", "tag", "labels", "label", "标签"), "tags"),
    **dict.fromkeys(("consent", "consented", "同意", "授权", "同意保留"), "consent"),
}
YES = frozenset(("1", "y", "yes", "true", "是", "同意", "已同意"))
MAX_TAG = 50
MAX_TAGS = 20
_TAG = re.compile(r"^[\w\-.\u4e00-\u9fff]+$")
_TAG_SPLIT = re.compile("[,;|\uff0c\uff1b\u3001]")  # also the full-width , ; and 、
SAMPLE_BYTES = 64 * 1024


def _norm(header: str) -> str:
    return re.sub(r"[\s_\-]+", "", header.strip().lstrip("\ufeff")).lower()


def detect_encoding(sample: bytes) -> str:
    """BOM -> utf-8-sig; strict UTF-8 (the sample cut at its last line end) -> utf-8; else
    gb18030 (a superset of GBK and GB2312)."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    cut = sample.rfind(b"\n")
    head = sample if cut < 0 else sample[:cut]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        if cut < 0 and err.start >= len(head) - 3 and err.reason == "unexpected end of data":
            return "utf-8"  # one line, cut inside its last character
        return "gb18030"
    return "utf-8"


def decode_lines(lines: Iterable[bytes], encoding: str) -> Iterator[str]:
    """Decode line by line; an undecodable line keeps U+FFFD markers, and its row is
    rejected as `invalid_encoding` (the rest of the file still imports)."""
    first = True
    for raw in lines:
        text = raw.decode(encoding, errors="replace")
        if first:
            text = text.lstrip("\ufeff")
            first = False
        yield text


def lines_of(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def map_header(header: list[str], mapping: Mapping[str, str] | None = None) -> dict[str, int]:
    """Field -> column index. `mapping` names columns explicitly ({"name": "Full Name"}) and
    beats the aliases. The file needs a name column and an email or phone column."""
    columns: dict[str, int] = {}
    normalised = [_norm(h) for h in header]
    for index, key in enumerate(normalised):
        known = ALIASES.get(key)
        if known and known not in columns:
            columns[known] = index
    for target, column in (mapping or {}).items():
        if target not in FIELDS:
            raise ValidationFailed(f"mapping names unknown field {target!r} (known: "
                                   + ", ".join(FIELDS) + ")", code="invalid_mapping")
        if _norm(column) not in normalised:
            raise Unprocessable(f"mapping names column {column!r}, which the file does "
                                "not have", code="invalid_mapping")
        columns[target] = normalised.index(_norm(column))
    if "name" not in columns or not ({"email", "phone"} & set(columns)):
        raise ValidationFailed(
            "the header needs a name column (name/姓名) and an email (email/邮箱) or phone "
            "(phone/手机) column; name others with `mapping`", code="missing_columns")
    return columns


class ImportStatus(StrEnum):
    """An import job of an uploaded object (the importer runs it)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


MAX_IMPORT_ATTEMPTS = 3


@dataclass(frozen=True)
class ImportRow:
    line: int  # 1-based line number in the file (the header is line 1)
    name: str
    email: str | None
    phone: str | None
    external_id: str | None = None
    locale: str | None = None
    timezone: str | None = None
    tags: tuple[str, ...] = ()
    consent: bool = False

    def identities(self) -> list[str]:
        """Identities the candidate may already be stored under (ids.candidate_id of each),
        in order of preference: the email's, then the phone's (as bulk invitations key)."""
        out = []
        if self.email:
            out.append(f"email:{self.email}")
        if self.phone:
            out.append(f"phone:{self.phone}")
        return out

    def profile_fields(self) -> dict[str, str]:
        values = {"name": self.name, "email": self.email, "phone": self.phone,
                  "external_id": self.external_id, "locale": self.locale,
                  "timezone": self.timezone}
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class RowRejection:
    line: int
    code: str
    message: str


def _cell(cells: list[str], columns: Mapping[str, int], name: str) -> str | None:
    index = columns.get(name)
    if index is None or index >= len(cells):
        return None
    value = cells[index].strip()
    return value or None


def parse_tags(raw: str | None) -> tuple[str, ...] | ContactProblem:
    if not raw:
        return ()
    tags = [t.strip().lower().replace(" ", "_") for t in _TAG_SPLIT.split(raw)]
    tags = [t for t in dict.fromkeys(tags) if t]
    if len(tags) > MAX_TAGS:
        return ContactProblem("invalid_tag", f"at most {MAX_TAGS} tags per row")
    for tag in tags:
        if len(tag) > MAX_TAG or not _TAG.match(tag):
            return ContactProblem("invalid_tag", f"tag {tag!r} is not valid (letters, digits, "
                                  f"_ - . and CJK, at most {MAX_TAG})")
    return tuple(tags)


def validate(line: int, cells: list[str], columns: Mapping[str, int]) -> ImportRow | RowRejection:
    if any("\ufffd" in c for c in cells):
        return RowRejection(line, "invalid_encoding", "the row is not valid in the file's "
                            "encoding (UTF-8 or GB18030)")
    if not any(c.strip() for c in cells):
        return RowRejection(line, "empty_row", "the row is empty")
    name = _cell(cells, columns, "name")
    if not name:
        return RowRejection(line, "missing_name", "name is required")
    if len(name) > MAX_NAME:
        return RowRejection(line, "invalid_name", f"name is longer than {MAX_NAME} characters")
    raw_email, raw_phone = _cell(cells, columns, "email"), _cell(cells, columns, "phone")
    if not raw_email and not raw_phone:
        return RowRejection(line, "no_contact", "an email or a phone is required")
    results: list[str | None] = []
    checks = ((raw_email, normalise_email), (raw_phone, normalise_phone),
              (_cell(cells, columns, "locale"), check_locale),
              (_cell(cells, columns, "timezone"), check_timezone))
    for value, check in checks:
        result = check(value) if value is not None else None
        if isinstance(result, ContactProblem):
            return RowRejection(line, result.code, result.message)
        results.append(result)
    email, phone, locale, timezone = results
    tags = parse_tags(_cell(cells, columns, "tags"))
    if isinstance(tags, ContactProblem):
        return RowRejection(line, tags.code, tags.message)
    consent = (_cell(cells, columns, "consent") or "").lower() in YES
    return ImportRow(line, name, email, phone, _cell(cells, columns, "external_id"), locale,
                     timezone, tags, consent)


@dataclass
class ParsedFile:
    """The mapped header and an iterator of validated rows (lazy: a 100,000-row file is
    never held in memory)."""

    columns: dict[str, int]
    rows: Iterator[ImportRow | RowRejection]
    header: list[str] = field(default_factory=list)


def parse(lines: Iterable[bytes], mapping: Mapping[str, str] | None = None,
          sample: bytes | None = None) -> ParsedFile:
    """`lines`: the file's raw lines (bytes, with their line ends); `sample`: its first bytes
    for encoding detection (taken from the lines when not given)."""
    iterator = iter(lines)
    buffered: list[bytes] = []
    if sample is None:
        size = 0
        for raw in iterator:
            buffered.append(raw)
            size += len(raw)
            if size >= SAMPLE_BYTES:
                break
        sample = b"".join(buffered)

    def replay() -> Iterator[bytes]:
        yield from buffered
        yield from iterator

    encoding = detect_encoding(sample)
    reader = csv.reader(decode_lines(replay(), encoding))
    header: list[str] | None = next(reader, None)
    if not header:
        raise ValidationFailed("the file is empty (a header row is required)",
                               code="empty_file")
    columns = map_header(header, mapping)

    def rows() -> Iterator[ImportRow | RowRejection]:
        try:
            for cells in reader:
                line = reader.line_num
                if not cells:
                    continue
                yield validate(line, cells, columns)
        except csv.Error as err:
            yield RowRejection(reader.line_num, "invalid_csv", f"CSV syntax error: {err}")

    return ParsedFile(columns, rows(), header)


MERGEABLE = ("name", "email", "phone", "external_id", "locale", "timezone")


def missing_fields(existing: Mapping[str, str | None], row: ImportRow) -> dict[str, str]:
    """What a row adds to an existing profile: only fields the profile lacks (a merge never
    overwrites, and never blanks a field)."""
    return {k: v for k, v in row.profile_fields().items()
            if k in MERGEABLE and not existing.get(k)}
