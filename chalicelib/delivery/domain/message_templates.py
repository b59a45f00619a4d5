"""Tenants' own message templates: what they may write, and the sandbox that renders it (pure).

A tenant's template is Jinja text HR typed into the console, so it is rendered in
`jinja2.sandbox.SandboxedEnvironment` (HTML parts autoescaped, undefined names an error) and,
before that, held to a small language on save: variables, the filters in `FILTERS`, `if` /
`else`, literals and `~`. No loops, calls, attribute access, `set`, macros, includes or
arithmetic: rendering is then linear in the template's length, so a saved template cannot
stall the sender, and the sandbox is a second wall, not the only one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

#: the templates HR may change (the owner's digest stays ours)
KINDS = ("invite", "due_tomorrow", "final_call", "no_show")
LOCALES = ("en", "zh-CN")
PARTS = ("subject", "txt", "html", "sms")
EMAIL_PARTS = ("subject", "txt", "html")

VARIABLES: dict[str, str] = {
    "name": "the candidate's name",
    "company": "the tenant's name",
    "position_title": "the position's title",
    "interview_url": "the interview link",
    "deadline": "the deadline in the candidate's time zone",
    "grace_end": "the end of the grace window in the candidate's time zone",
    "self_service_url": "the candidate's page: a reason, more time, opt out",
    "short_url": "the candidate's page as a short link (SMS only)",
}
#: what each part must show: the interview, and a way to answer or stop the messages
REQUIRED: dict[str, tuple[str, ...]] = {
    "subject": (), "txt": ("interview_url", "self_service_url"),
    "html": ("interview_url", "self_service_url"), "sms": ("interview_url", "short_url"),
}
MAX_LENGTH = {"subject": 300, "txt": 10_000, "html": 20_000, "sms": 1_000}
MAX_DEPTH = 40  # node levels; the shipped templates need 4
MAX_SMS_PARTS = 10  # SNS refuses longer messages (1,600 bytes)
FILTERS = frozenset({"upper", "lower", "title", "capitalize", "trim", "default", "truncate",
                     "e", "escape"})
_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.If,
    nodes.Filter, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not,
    nodes.CondExpr, nodes.Concat, nodes.Keyword)


@dataclass(frozen=True)
class Problem:
    """One reason a part is refused; `code` is machine-readable, `line` 1-based."""

    part: str
    code: str
    message: str
    line: int | None = None

    def detail(self) -> dict[str, object]:
        return {"field": f"parts.{self.part}", "code": self.code, "message": self.message,
                "line": self.line}


def allowed_variables(part: str) -> frozenset[str]:
    """Email parts have no short link (it is made for SMS only)."""
    names = frozenset(VARIABLES)
    return names if part == "sms" else names - {"short_url"}


@lru_cache(maxsize=2)
def environment(autoescape: bool) -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=autoescape,
                                keep_trailing_newline=False)


def check(part: str, source: str) -> list[Problem]:
    """Everything wrong with one part, found without rendering it."""
    if len(source) > MAX_LENGTH[part]:
        return [Problem(part, "template_too_long",
                        f"{part} has {len(source)} characters (at most {MAX_LENGTH[part]})")]
    if not source.strip():
        return [Problem(part, "template_empty", f"{part} is empty")]
    try:
        return _check_parsed(part, source)
    except TemplateSyntaxError as err:
        return [Problem(part, "template_syntax", f"{part}, line {err.lineno}: {err.message}",
                        err.lineno)]
    except RecursionError:  # Jinja's parser recurses per nesting level: (((((name)))))
        return [Problem(part, "template_too_complex",
                        f"{part} nests too deeply (at most {MAX_DEPTH} levels)")]


def _check_parsed(part: str, source: str) -> list[Problem]:
    tree = environment(part == "html").parse(source)
    if _depth(tree) > MAX_DEPTH:
        return [Problem(part, "template_too_complex",
                        f"{part} nests too deeply (at most {MAX_DEPTH} levels)")]
    problems: list[Problem] = []
    used: set[str] = set()
    allowed = allowed_variables(part)
    for node in tree.find_all(nodes.Node):
        line = getattr(node, "lineno", None)
        if not isinstance(node, _ALLOWED_NODES):
            problems.append(Problem(part, "template_unsupported",
                                    f"{part}, line {line}: {type(node).__name__.lower()} is "
                                    "not allowed (variables, filters and if/else only)", line))
        elif isinstance(node, nodes.Filter) and node.name not in FILTERS:
            problems.append(Problem(part, "unknown_filter",
                                    f"{part}, line {line}: filter {node.name!r} is not allowed "
                                    f"(allowed: {', '.join(sorted(FILTERS))})", line))
        elif isinstance(node, nodes.Name):
            used.add(node.name)
            if node.name not in allowed:
                problems.append(Problem(part, "unknown_variable",
                                        f"{part}, line {line}: unknown variable {node.name!r} "
                                        f"(known: {', '.join(sorted(allowed))})", line))
    for name in REQUIRED[part]:
        if name not in used:
            problems.append(Problem(part, "missing_link",
                                    f"{part} must contain {{{{ {name} }}}} "
                                    f"({VARIABLES[name]})"))
    return problems


def _depth(tree: nodes.Node) -> int:
    """How deeply the tree nests (iteratively: a deep tree must not overflow the stack)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return deepest


@lru_cache(maxsize=256)
def _compiled(autoescape: bool, source: str) -> Template:
    """Compiling is ~40x the cost of rendering: a warm sender compiles each version once."""
    return environment(autoescape).from_string(source)


def render(part: str, source: str, context: dict[str, Any]) -> str:
    """One checked part in the sandbox (HTML autoescaped), stripped like the shipped files."""
    text = _compiled(part == "html", source).render(**context).strip()
    if part == "subject":
        text = " ".join(text.split())  # a header is one line
    return text


def sample_context(locale: str, company: str) -> dict[str, str]:
    """Realistic values for a preview: URLs as long as the real ones, so SMS parts count."""
    zh = locale == "zh-CN"
    return {
        "name": "李雷" if zh else "Alex Chen",
        "company": company or ("示例公司" if zh else "Acme"),
        "position_title": "后端工程师" if zh else "Backend Engineer",
        "interview_url": "https://interviews.example.com/i/inv-tn01jd2x9-dv5y8k2m4q",
        "deadline": "2026-12-04 18:00 CST",
        "grace_end": "2026-12-06 18:00 CST",
        "self_service_url": "https://api.example.com/self-service/v1.eyJ0IjoidG4wMWpkMng5"
                            "IiwiaSI6ImludiJ9.c2lnbmF0dXJlLW9mLTMyLWJ5dGVz",
        "short_url": "https://api.example.com/s/Ab3dE6gH9jK2",
    }
