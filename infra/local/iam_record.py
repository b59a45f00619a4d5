"""Records every AWS call each Lambda function makes while the local loop runs.

moto and DynamoDB Local enforce no IAM and no KMS, so a function whose role lacks a
permission passes every local test and fails on AWS. This module writes down, per function,
what it called (service, operation, the resources named in the request) so that
`tests/infra/test_permissions.py` can evaluate each call against that function's role in
the synthesized production template.

How a call is attributed to a function, without touching the code under test:

- a botocore handler on ``before-parameter-build`` (registered for every session through
  botocore's list of built-in handlers, so PynamoDB's per-thread sessions get it too) sees
  each call with its API parameters;
- the function is the Lambda entry point on the calling thread's stack: the Chalice app's
  handler map names every entry point (routes -> ``api_handler``, the authorizer ->
  ``api_key``, each ``@lambda_function`` / ``@schedule`` by its name); a worker thread a
  handler starts (``ThreadPoolExecutor``) inherits its creator's function: while recording,
  ``threading.Thread.start`` notes the starting thread's function on the new thread (Python
  3.11 raises no audit event for a new thread);
- calls the local glue makes *as the event source mapping* (``ReceiveMessage`` on the
  outbox, ``GetRecords`` on the stream) are recorded for the function the mapping feeds
  (infra/definition.py), with ``source = "mapping"``: on AWS the mapping uses the
  function's role for them. What SQS does by itself (the redrive to the DLQ) is not.

Calls with no function on the stack (fixtures, provisioning, assertions) are not recorded.
Enabled by ``TALENTLOOP_IAM_RECORD=<file>`` (JSON Lines, one line per distinct call); the
test session and the local runner call :func:`install_from_env`.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

ENV_RECORD = "TALENTLOOP_IAM_RECORD"
#: The Chalice function every route runs in (API Gateway's integration).
API_FUNCTION = "api_handler"
_THREAD_ATTRIBUTE = "_talentloop_iam_function"
#: Glue methods whose calls are the event source mapping's (code name -> kind).
_MAPPING_METHODS = {"poll_once", "_poll_shard", "_get_records", "_new_iterator",
                    "_refresh_shards", "_delete", "_release", "_deliver", "_stream_failures"}
#: Glue methods that stand in for what SQS does by itself (never the function's role).
_SERVICE_OWN_METHODS = {"_redrive_policy", "_move_to_dlq"}
_GLUE_FILES = ("infra/local/glue.py", "infra/local/runner.py")

_installed: Recorder | None = None


class Recorder:
    """Appends one JSON line per distinct (function, source, call) to ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._entry_points: dict[CodeType, str] | None = None
        self.unattributed = 0

    # -- attribution -----------------------------------------------------------------
    def entry_points(self) -> dict[CodeType, str]:
        if self._entry_points is None:
            if "app" not in sys.modules:  # not loaded yet: no handler can be running
                return {}
            self._entry_points = _entry_points()
        return self._entry_points

    def attribution(self, frame: FrameType | None) -> tuple[str, str] | None:
        """(function, source) of a call made at `frame`, or None if no function made it."""
        entry_points = self.entry_points()
        glue: str | None = None
        while frame is not None:
            code = frame.f_code
            name = entry_points.get(code)
            if name is not None:
                return name, "code"
            if code.co_filename.replace("\\", "/").endswith(_GLUE_FILES):
                if code.co_name in _SERVICE_OWN_METHODS:
                    return None
                if glue is None and code.co_name in _MAPPING_METHODS:
                    glue = "mapping"
            frame = frame.f_back
        if glue is not None:
            return "", glue  # the function follows from the queue or stream (see record)
        inherited = getattr(threading.current_thread(), _THREAD_ATTRIBUTE, None)
        return inherited if isinstance(inherited, tuple) else None

    # -- botocore events -------------------------------------------------------------
    def before_parameter_build(self, params: dict[str, Any], model: Any,
                               context: dict[str, Any] | None = None, **_: Any) -> None:
        who = self.attribution(sys._getframe(1))
        if who is None:
            self.unattributed += 1
            return
        function, source = who
        service = model.service_model.service_name
        call = {"function": function, "source": source, "service": service,
                "operation": model.name, "region": (context or {}).get("client_region"),
                "request": request_summary(service, model.name, params)}
        line = json.dumps(call, sort_keys=True, default=str)
        with self._lock:
            if line in self._seen:
                return
            self._seen.add(line)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")

    def note_starter(self, thread: threading.Thread) -> None:
        """A new thread inherits the function of the thread that starts it."""
        try:
            who = self.attribution(sys._getframe(2))
        except Exception:  # recording must never break thread creation
            return
        if who is not None and who[0]:
            setattr(thread, _THREAD_ATTRIBUTE, who)


def request_summary(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """What of a request decides its authorization: the resources it names (no item data)."""
    keep = ("TableName", "IndexName", "StreamArn", "QueueUrl", "QueueName", "Bucket",
            "TopicArn", "TargetArn", "SecretId", "Source", "FromEmailAddress",
            "ConfigurationSetName", "SourceArn", "FromArn")
    summary: dict[str, Any] = {k: params[k] for k in keep if k in params}
    if service == "sns" and "Name" in params:  # CreateTopic: a topic found by its name
        summary["Name"] = params["Name"]
    if service == "s3" and "Key" in params:  # (DynamoDB's Key is an item's key: not kept)
        summary["Key"] = params["Key"]
    if "PhoneNumber" in params:
        summary["PhoneNumber"] = "<phone>"  # no personal data in the recording
    if "ShardIterator" in params:  # GetRecords names the stream only through its iterator
        summary["ShardIterator"] = "<iterator>"
    if operation in ("BatchGetItem", "BatchWriteItem"):
        summary["tables"] = sorted(params.get("RequestItems", {}))
    if operation in ("TransactWriteItems", "TransactGetItems"):
        summary["items"] = sorted({(kind, body.get("TableName", ""))
                                   for item in params.get("TransactItems", [])
                                   for kind, body in item.items()})
    return summary


def _entry_points() -> dict[CodeType, str]:
    """Code object of each Lambda entry point of the Chalice app -> its function's name."""
    import app as app_module

    chalice_app = app_module.app
    found: dict[CodeType, str] = {}
    routes = {entry.view_function for methods in chalice_app.routes.values()
              for entry in methods.values()}
    for name, handler in chalice_app.handler_map.items():
        code = _code_of(handler)
        if code is None:
            continue
        found[code] = API_FUNCTION if handler in routes else name
    for config in chalice_app.builtin_auth_handlers:
        code = _code_of(chalice_app.handler_map.get(config.name))
        if code is not None:
            found[code] = config.name
    return found


def _code_of(handler: Any) -> CodeType | None:
    """The innermost plain function of a Chalice handler wrapper."""
    seen = 0
    while handler is not None and seen < 5:
        code = getattr(handler, "__code__", None)
        if isinstance(code, CodeType):
            return code
        handler = (getattr(handler, "func", None) or getattr(handler, "_original_func", None)
                   or getattr(handler, "handler", None))
        seen += 1
    return None


def install(path: Path) -> Recorder:
    """Record every later botocore call of this process into `path` (idempotent)."""
    global _installed
    if _installed is not None:
        return _installed
    import boto3
    import botocore.handlers

    recorder = Recorder(path)
    spec = ("before-parameter-build", recorder.before_parameter_build)
    botocore.handlers.BUILTIN_HANDLERS.append(spec)
    # sessions made before this point (boto3's default one) get it directly
    if boto3.DEFAULT_SESSION is not None:
        boto3.DEFAULT_SESSION.events.register(*spec)
    start = threading.Thread.start

    def start_noting_the_function(thread: threading.Thread) -> None:
        recorder.note_starter(thread)
        start(thread)

    threading.Thread.start = start_noting_the_function  # type: ignore[method-assign,assignment]
    _installed = recorder
    return recorder


def install_from_env() -> Recorder | None:
    target = os.environ.get(ENV_RECORD)
    return install(Path(target)) if target else None


def installed() -> Recorder | None:
    return _installed


def read(path: Path) -> list[dict[str, Any]]:
    """The distinct calls recorded at `path` (several processes may have appended)."""
    if not path.exists():
        return []
    calls: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            calls.setdefault(line, json.loads(line))
    return list(calls.values())
