"""Every AWS call each function made in this test session, evaluated against its production role.

moto and DynamoDB Local enforce neither IAM nor KMS: a function whose role lacks a
permission passes every other test and fails on AWS. While the functional and e2e tests run,
`infra/local/iam_record.py` writes down each function's calls (tests/conftest.py installs it
for the session; the demo's runner for its subprocess); here each becomes the IAM requests it
makes on AWS (`tests/infra/aws_calls.py`: the action, the production ARN, the KMS use an
encrypted resource implies) and is evaluated (`tests/infra/iam_policy.py`) against the
statements of that function's role in the synthesized prod template.

This module runs after every other test of the session (tests/conftest.py orders it last).
Run alone (`pytest tests/infra`), it evaluates the last session's recording
(`.local/iam/calls.jsonl`) and skips only if there is none; in a session that ran
functional or e2e tests (`make test`), it evaluates that session's own recording and fails
if it is empty.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from infra.local import iam_record
from infra.stack.roles import FUNCTIONS
from tests.conftest import IAM_LAST, IAM_SESSION
from tests.infra import aws_calls
from tests.infra.aws_calls import Check, Foreign, Production, checks, mapping_function
from tests.infra.conftest import Synth
from tests.infra.iam_policy import Decision, action_matches, evaluate

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

LOGICAL = {spec.name: spec.logical_id for spec in FUNCTIONS}
RECORDING_SUITES = ("tests/functional/", "tests/e2e/")


def _recording(session: pytest.Session) -> tuple[Path, list[dict[str, Any]]]:
    ran_the_loop = any(item.nodeid.startswith(RECORDING_SUITES) for item in session.items)
    calls = iam_record.read(IAM_SESSION)
    if ran_the_loop:
        assert calls, (f"this session ran functional/e2e tests but recorded no AWS call in "
                       f"{IAM_SESSION}: is the recorder installed (tests/conftest.py)?")
        return IAM_SESSION, calls
    if calls:
        return IAM_SESSION, calls
    last = iam_record.read(IAM_LAST)
    if not last:
        pytest.skip(f"no recording of AWS calls yet ({IAM_LAST}): run the functional or "
                    "e2e tests (or `make test`) first")
    return IAM_LAST, last


@pytest.fixture(scope="module")
def evaluated(request: pytest.FixtureRequest, prod: Synth) -> dict[str, Any]:
    source, calls = _recording(request.session)
    production = Production(prod.template())
    statements = {name: production.role_statements(logical) for name, logical in LOGICAL.items()}
    results: list[tuple[Check, Decision]] = []
    unknown: list[str] = []
    skipped: list[str] = []
    for call in calls:
        try:
            function = call["function"] or mapping_function(call, production)
        except Foreign as foreign:
            skipped.append(f"mapping: {call['service']}.{call['operation']}: {foreign}")
            continue
        if function not in LOGICAL:
            unknown.append(f"{function}: {call}")
            continue
        call = {**call, "function": function}
        try:
            found = list(checks(call, production, LOGICAL[function]))
        except Foreign as foreign:
            skipped.append(f"{function}: {call['service']}.{call['operation']}: {foreign}")
            continue
        results += [(check, evaluate(statements[function], check.request)) for check in found]
    return {"source": source, "calls": calls, "results": results, "unknown": unknown,
            "statements": statements, "foreign": skipped}


def test_the_recording_covers_the_functions_that_ran(request: pytest.FixtureRequest,
                                                     evaluated: dict[str, Any]) -> None:
    assert evaluated["unknown"] == [], "calls by functions roles.py does not know"
    ran = {item.nodeid.split("/")[1] for item in request.session.items}
    if evaluated["source"] != IAM_SESSION or not {"functional", "e2e"} <= ran:
        pytest.skip("a partial recording: only a run of every suite must reach every function")
    functions = {check.function for check, _ in evaluated["results"]}
    # the loop's own functions must have been seen, or the check proves nothing
    assert {"api_handler", "api_key", "sweep", "stream", "sender"} <= functions, functions


#: ids in object keys, so that one denial is reported once, not once per tenant
_IDS = re.compile(r"\b(tn|cmp|inv|pos|exp|imp|cand)[0-9a-z]{20,}")


def test_no_function_makes_a_call_its_production_role_denies(evaluated: dict[str, Any]) -> None:
    denied = sorted({_IDS.sub(r"\1<id>",
        f"{check.function}: {check.request.action} on {check.request.resource}"
        f" ({decision.effect}; from {check.call}{', ' + check.implied if check.implied else ''})")
        for check, decision in evaluated["results"] if not decision.allowed})
    assert denied == [], (f"{len(denied)} kinds of call recorded in {evaluated['source']} "
                          "would be denied on AWS:\n" + "\n".join(denied))


def test_granted_actions_no_test_used_are_listed(evaluated: dict[str, Any]) -> None:
    """Not a failure: least privilege is kept by review, this list is what to review."""
    used: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for check, decision in evaluated["results"]:
        for statement in decision.statements:
            used[check.function].add((str(statement.get("Sid")), check.request.action))
    unused: list[str] = []
    for function, statements in sorted(evaluated["statements"].items()):
        for statement in statements:
            if statement["Effect"] != "Allow":
                continue
            sid = str(statement.get("Sid"))
            if sid == "WriteOwnLogs":  # the Lambda runtime writes the logs with the role
                continue
            for action in aws_calls.as_list(statement.get("Action", [])):
                if not any(s == sid and action_matches({"Action": action}, a)
                           for s, a in used[function]):
                    unused.append(f"{function}: {action} ({sid})")
    aws_calls.UNUSED[:] = unused
    report = IAM_LAST.parent / "unused-grants.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(unused) + "\n")
    assert all(": " in line for line in unused)
