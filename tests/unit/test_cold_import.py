"""What `import app` (every Lambda function's cold start) loads: the heavy parts stay lazy.

Not a timing test (benchmarks/cold_import.py measures that): a module list, which a stray
module-level import of a schema, a store or the batch utility changes on any machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAZY = ("pydantic", "pynamodb", "boto3", "aws_lambda_powertools.utilities.batch", "asyncio",
        "chalicelib.shared.models", "chalicelib.invitations.schemas", "chalicelib.pool.schemas",
        "chalicelib.reports.schemas", "chalicelib.billing.schemas", "email_validator",
        "phonenumbers")


def _loaded(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys, json\n"
                          "print(json.dumps(sorted(sys.modules)))"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_importing_the_app_leaves_schemas_stores_and_batches_for_the_first_call() -> None:
    loaded = _loaded("import app")
    assert "chalicelib.api.http" in loaded and "chalice" in loaded
    assert sorted(m for m in LAZY if m in loaded) == []


def test_the_first_request_loads_what_it_needs() -> None:
    """The lazy references resolve: /openapi.json builds every schema."""
    loaded = _loaded("import app\nfrom chalicelib.api.openapi import document\n"
                     "assert document()['paths']")
    assert {"pydantic", "chalicelib.invitations.schemas", "chalicelib.pool.schemas"} <= loaded
