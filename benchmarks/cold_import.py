"""Cold import time of app.py against a bare `import boto3`, in fresh interpreters.

Each figure is the median of N fresh `python -c` runs (interpreter start-up subtracted by
also timing `python -c pass`). Results: benchmarks/results/cold_import.json.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def median_seconds(code: str) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    base = median_seconds("pass")
    boto3 = median_seconds("import boto3") - base
    app = median_seconds("import app") - base
    result = {"runs": RUNS, "interpreter_s": round(base, 4), "import_boto3_s": round(boto3, 4),
              "import_app_s": round(app, 4), "ratio_app_to_boto3": round(app / boto3, 2)}
    print(json.dumps(result, indent=2))
    (ROOT / "benchmarks" / "results" / "cold_import.json").write_text(
        json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
