"""A small evaluator of identity-based IAM policies, after AWS's documented evaluation logic.

"Policy evaluation logic" (IAM User Guide), for a principal and a resource in one account
with no SCP, permissions boundary or session policy in play:

1. every request starts denied (implicit deny);
2. an applicable ``Deny`` statement wins over everything (explicit deny);
3. otherwise an applicable ``Allow`` statement allows the request.

A statement applies when its ``Action``/``NotAction`` matches the action (case-insensitive,
``*`` and ``?`` wildcards), its ``Resource``/``NotResource`` matches the resource ARN
(case-sensitive, same wildcards) and every condition holds: operators are ANDed, keys within
an operator ANDed, the values of one key ORed; a key missing from the request fails a
condition, except for negated operators (``StringNotEquals``, ``ArnNotLike`` ...), ``...IfExists``
and ``Null``. ``ForAnyValue:``/``ForAllValues:`` qualify multi-valued keys. An operator this
module does not know raises instead of guessing.

No maintained Python library does this offline (see README's permission check notes), so it
is kept small and tested against the documentation's examples in
`tests/infra/test_iam_policy.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

ALLOW = "Allow"
EXPLICIT_DENY = "ExplicitDeny"
IMPLICIT_DENY = "ImplicitDeny"

ContextValue = str | Sequence[str]


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    effect: str  # ALLOW, EXPLICIT_DENY or IMPLICIT_DENY
    #: the statements that decided it (the denying ones, or the allowing ones)
    statements: tuple[Mapping[str, Any], ...] = ()

    @property
    def allowed(self) -> bool:
        return self.effect == ALLOW


class UnsupportedCondition(ValueError):
    pass


def evaluate(statements: Iterable[Mapping[str, Any]], request: Request) -> Decision:
    allows: list[Mapping[str, Any]] = []
    denies: list[Mapping[str, Any]] = []
    for statement in statements:
        if not applies(statement, request):
            continue
        (denies if statement["Effect"] == "Deny" else allows).append(statement)
    if denies:
        return Decision(EXPLICIT_DENY, tuple(denies))
    if allows:
        return Decision(ALLOW, tuple(allows))
    return Decision(IMPLICIT_DENY)


def applies(statement: Mapping[str, Any], request: Request) -> bool:
    return (action_matches(statement, request.action)
            and resource_matches(statement, request.resource)
            and conditions_hold(statement.get("Condition") or {}, request.context))


def action_matches(statement: Mapping[str, Any], action: str) -> bool:
    if "Action" in statement:
        return any(_wildcard(p, action, case=False) for p in _list(statement["Action"]))
    return not any(_wildcard(p, action, case=False) for p in _list(statement["NotAction"]))


def resource_matches(statement: Mapping[str, Any], resource: str) -> bool:
    if "Resource" in statement:
        return any(_wildcard(p, resource, case=True) for p in _list(statement["Resource"]))
    if "NotResource" in statement:
        return not any(_wildcard(p, resource, case=True)
                       for p in _list(statement["NotResource"]))
    return False  # an identity policy statement without either is invalid


def conditions_hold(block: Mapping[str, Mapping[str, Any]],
                    context: Mapping[str, ContextValue]) -> bool:
    lowered = {key.lower(): value for key, value in context.items()}
    return all(_operator_holds(operator, keys, lowered) for operator, keys in block.items())


# -------------------------------------------------------------------------- operators

_NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals",
            "ArnNotLike", "NumericNotEquals", "DateNotEquals"}


def _operator_holds(operator: str, keys: Mapping[str, Any],
                    context: Mapping[str, ContextValue]) -> bool:
    qualifier, _, name = operator.rpartition(":")
    if_exists = name.endswith("IfExists")
    base = name.removesuffix("IfExists")
    for key, policy_values in keys.items():
        values = _list(policy_values)
        present = key.lower() in context
        if base == "Null":
            wanted_absent = str(values[0]).lower() == "true"
            if present == wanted_absent:
                return False
            continue
        if not present:
            if if_exists or base in _NEGATED:
                continue
            return False
        request_values = _list(context[key.lower()])
        compare = _comparison(base)
        if qualifier == "ForAllValues":
            ok = all(compare(v, values) for v in request_values)
        elif qualifier in ("ForAnyValue", ""):
            ok = any(compare(v, values) for v in request_values)
        else:
            raise UnsupportedCondition(f"unknown condition qualifier {qualifier!r}")
        if not ok:
            return False
    return True


def _comparison(base: str) -> Any:
    positive = {
        "StringEquals": lambda v, ps: any(v == str(p) for p in ps),
        "StringEqualsIgnoreCase": lambda v, ps: any(v.lower() == str(p).lower() for p in ps),
        "StringLike": lambda v, ps: any(_wildcard(str(p), v, case=True) for p in ps),
        "ArnEquals": lambda v, ps: any(_arn_like(str(p), v) for p in ps),
        "ArnLike": lambda v, ps: any(_arn_like(str(p), v) for p in ps),
        "Bool": lambda v, ps: any(v.lower() == str(p).lower() for p in ps),
        "NumericEquals": lambda v, ps: any(float(v) == float(p) for p in ps),
        "NumericLessThan": lambda v, ps: any(float(v) < float(p) for p in ps),
        "NumericLessThanEquals": lambda v, ps: any(float(v) <= float(p) for p in ps),
        "NumericGreaterThan": lambda v, ps: any(float(v) > float(p) for p in ps),
        "NumericGreaterThanEquals": lambda v, ps: any(float(v) >= float(p) for p in ps),
    }
    negated = {"StringNotEquals": "StringEquals",
               "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
               "StringNotLike": "StringLike", "ArnNotEquals": "ArnEquals",
               "ArnNotLike": "ArnLike", "NumericNotEquals": "NumericEquals"}
    if base in positive:
        return positive[base]
    if base in negated:
        inner = positive[negated[base]]
        return lambda v, ps: not inner(v, ps)
    raise UnsupportedCondition(f"condition operator {base!r} is not supported here")


def _arn_like(pattern: str, value: str) -> bool:
    """ARN operators compare each of the six colon-separated parts on its own."""
    pattern_parts, value_parts = pattern.split(":", 5), value.split(":", 5)
    if len(pattern_parts) != len(value_parts):
        return False
    return all(_wildcard(p, v, case=True) for p, v in zip(pattern_parts, value_parts, strict=True))


@lru_cache(maxsize=4096)
def _pattern(pattern: str, case: bool) -> re.Pattern[str]:
    # IAM knows only * and ? (fnmatch would also treat [...] as a class)
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{body}$", re.DOTALL | (0 if case else re.IGNORECASE))


def _wildcard(pattern: str, value: str, *, case: bool) -> bool:
    return _pattern(pattern, case).match(value) is not None


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


