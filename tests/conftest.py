"""Session-wide fixtures shared by every test folder.

Only the embedded local cloud lives here; feature fixtures belong in the folders' own
conftest files.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # `infra` and `chalicelib` import from the repo root
    sys.path.insert(0, str(REPO_ROOT))

from infra.local import iam_record  # noqa: E402
from infra.local.cloud import CloudConfig, LocalCloud, free_port  # noqa: E402
from infra.local.provision import Provisioned, provision  # noqa: E402

#: This session's recording of every AWS call each function made (infra/local/iam_record.py);
#: tests/infra/test_permissions.py evaluates it against the synthesized production roles.
IAM_DIR = REPO_ROOT / ".local" / "iam"
IAM_SESSION = IAM_DIR / f"calls-{os.getpid()}.jsonl"
#: the last session's recording that had one, for `pytest tests/infra` on its own
IAM_LAST = IAM_DIR / "calls.jsonl"
#: tests that read the recording run after every other test of the session
IAM_EVALUATION_MODULE = "tests/infra/test_permissions.py"


def pytest_configure(config: pytest.Config) -> None:
    IAM_SESSION.unlink(missing_ok=True)
    os.environ[iam_record.ENV_RECORD] = str(IAM_SESSION)  # subprocesses (the demo) too
    iam_record.install(IAM_SESSION)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The permission check runs last, whatever order the paths were given in."""
    items.sort(key=lambda item: item.nodeid.startswith(IAM_EVALUATION_MODULE))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if IAM_SESSION.exists() and IAM_SESSION.stat().st_size:
        os.replace(IAM_SESSION, IAM_LAST)
    else:
        IAM_SESSION.unlink(missing_ok=True)


@dataclass(frozen=True)
class LocalCloudSession:
    """What the ``local_cloud`` fixture yields."""

    cloud: LocalCloud
    resources: Provisioned


@pytest.fixture(scope="session")
def local_cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloudSession]:
    """DynamoDB Local (in memory) + moto on free loopback ports, stage ``test`` provisioned.

    The AWS_* endpoint variables are exported for the whole session so code under test
    builds its boto3 clients exactly as in Lambda; the previous environment is restored
    afterwards.
    """
    saved = dict(os.environ)
    config = CloudConfig(
        data_dir=tmp_path_factory.mktemp("local-cloud"),
        dynamodb_port=free_port(),
        moto_port=free_port(),
        in_memory=True,
    )
    cloud = LocalCloud(config)
    cloud.start()
    try:
        cloud.apply_env()
        yield LocalCloudSession(cloud=cloud, resources=provision("test"))
    finally:
        cloud.stop()
        os.environ.clear()
        os.environ.update(saved)
