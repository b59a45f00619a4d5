"""Candidate import of a large CSV from S3 (moto) into DynamoDB Local: rows/s and memory.

Generates a CSV like an older ATS exports it (Chinese and English names, mainland phone
numbers without +86, 10 % of the rows with tags, 1 % bad rows), uploads it under the
tenant's prefix, and imports it through the same service the API calls (streamed from S3,
chunks of 100 rows, BatchGetItem + BatchWriteItem). Memory: the process's resident set size
is sampled every 50 ms during the import; run at two sizes, the peak growth must not grow
with the file (bounded memory). The same file is then imported again (idempotent: every
row `unchanged`, reads only).

    BENCH_ROWS=100000 BENCH_SMALL_ROWS=10000 python benchmarks/pool_import.py

Results: benchmarks/results/pool_import.json
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.local.cloud import CloudConfig, LocalCloud, free_port  # noqa: E402
from infra.local.provision import provision  # noqa: E402
from infra.local.runner import stage_environment  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
SMALL_ROWS = int(os.environ.get("BENCH_SMALL_ROWS", "10000"))
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SURNAMES = "王李张刘陈杨黄赵吴周"


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class RssSampler:
    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_kib())
            time.sleep(0.05)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_kib())


def write_csv(path: Path, rows: int, tag: str) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write("姓名,邮箱,手机号,标签\n")
        for n in range(rows):
            name = f"{SURNAMES[n % 10]}{n}" if n % 2 else f"Candidate {n}"
            email = f"{tag}.{n}@example.com" if n % 100 else "not-an-email"
            phone = f"13{n % 10}{n:08d}"[:11]
            tags = "campus;java" if n % 10 == 0 else ""
            out.write(f"{name},{email},{phone},{tags}\n")


def run(container: Any, s3: Any, tenant_id: str, rows: int, tag: str) -> dict[str, Any]:
    from chalicelib.pool.services.candidate_import import upload_prefix

    path = Path(tempfile.mkdtemp(prefix="tl-import-")) / f"{tag}.csv"
    write_csv(path, rows, tag)
    key = f"{upload_prefix(tenant_id)}{tag}.csv"
    s3.upload_file(str(path), container.settings.reports_bucket, key)
    size = path.stat().st_size
    path.unlink()
    before = rss_kib()
    with RssSampler() as sampler:
        started = time.perf_counter()
        result = container.candidate_import.import_object(tenant_id, key, None, "bench", T0)
        seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = container.candidate_import.import_object(tenant_id, key, None, "bench", T0)
    again_seconds = time.perf_counter() - started
    assert again["created"] == 0 and again["unchanged"] == result["created"] + result["merged"]
    return {"rows": rows, "file_mb": round(size / 1e6, 2), "seconds": round(seconds, 1),
            "rows_per_s": round(rows / seconds, 1),
            "created": result["created"], "merged": result["merged"],
            "rejected": result["rejected"], "tags_added": result["tags_added"],
            "rss_before_mib": round(before / 1024, 1),
            "rss_peak_mib": round(sampler.peak / 1024, 1),
            "rss_growth_mib": round((sampler.peak - before) / 1024, 1),
            "reimport_seconds": round(again_seconds, 1),
            "reimport_rows_per_s": round(rows / again_seconds, 1)}


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="tl-import-"))
    cloud = LocalCloud(CloudConfig(data_dir=data, dynamodb_port=free_port(),
                                   moto_port=free_port(), in_memory=True))
    with cloud:
        cloud.apply_env()
        os.environ.update(stage_environment("test"))
        provision("test")
        import boto3

        from chalicelib.bootstrap import Container
        from chalicelib.config import Settings

        container = Container(Settings.from_env())
        s3 = boto3.client("s3")
        tenant = container.tenants.create_tenant("Bench Co")
        small = run(container, s3, tenant["tenant_id"], SMALL_ROWS, "small")
        large = run(container, s3, tenant["tenant_id"], ROWS, "large")
    result = {
        "small": small, "large": large,
        "process_max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                                     1),
        "note": ("one process holds the benchmark, the import and moto's S3 (the object is in "
                 "moto's memory); DynamoDB Local is a separate JVM. rss_growth is the peak "
                 "resident set during the import minus the resident set before it."),
    }
    print(json.dumps(result, indent=2))
    (ROOT / "benchmarks" / "results" / "pool_import.json").write_text(
        json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
