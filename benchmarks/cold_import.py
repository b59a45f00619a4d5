"""Cold import of app.py against a bare `import boto3`, paired, in fresh interpreters.

Every Lambda function (API, sender, stream, sweep...) imports `app.py`, so this is the part of
each cold start the code controls. One warm-up round fills the OS file cache; then each of
RUNS rounds times `python -c pass`, `import boto3`, `import app`, and `import app` plus what
the first call loads lazily (boto3 and the PynamoDB entities; then pydantic and the request
schemas for a request with a body), back to back, so a noisy neighbour slows both sides of
a ratio alike. The interpreter's own start-up is subtracted.
Results: benchmarks/results/cold_import.json.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 9
CASES = {
    "interpreter": "pass",
    "boto3": "import boto3",
    "app": "import app",
    # what the first call adds: boto3 and every PynamoDB entity (any store), for reference
    "app_first_call": "import app, boto3, chalicelib.entities",
    # ... and a first API request with a body: pydantic and the request schemas
    "app_first_request": "import app, boto3, chalicelib.entities, chalicelib.invitations.schemas,"
                         " chalicelib.pool.schemas, chalicelib.reports.schemas,"
                         " chalicelib.billing.schemas",
}


def seconds(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - started


def main() -> int:
    for code in CASES.values():  # warm-up: file cache, .pyc files
        seconds(code)
    samples: dict[str, list[float]] = {name: [] for name in CASES}
    ratios, first = [], []
    for _ in range(RUNS):
        round_ = {name: seconds(code) for name, code in CASES.items()}
        base = round_["interpreter"]
        for name in CASES:
            samples[name].append(round_[name] - (base if name != "interpreter" else 0.0))
        ratios.append(samples["app"][-1] / samples["boto3"][-1])
        first.append(samples["app_first_call"][-1] / samples["boto3"][-1])
    median = {name: round(statistics.median(values), 4) for name, values in samples.items()}
    result = {"runs": RUNS, "interpreter_s": median["interpreter"],
              "import_boto3_s": median["boto3"], "import_app_s": median["app"],
              "import_app_first_call_s": median["app_first_call"],
              "import_app_first_request_s": median["app_first_request"],
              "paired_ratio_app_to_boto3": round(statistics.median(ratios), 2),
              "paired_ratios": [round(r, 2) for r in ratios],
              "paired_ratio_first_call_to_boto3": round(statistics.median(first), 2)}
    print(json.dumps(result, indent=2))
    (ROOT / "benchmarks" / "results" / "cold_import.json").write_text(
        json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
