"""A sweep in its own process (for the cross-process overlap test): the same environment as
the test session, its own interpreter, its own connections."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime


def main() -> int:
    from chalicelib.bootstrap import Container
    from chalicelib.clock import parse_instant
    from chalicelib.config import Settings

    at: datetime = parse_instant(sys.argv[1])
    container = Container(Settings.from_env())
    start = float(sys.argv[2])  # a shared start line, so the sweeps really overlap
    time.sleep(max(0.0, start - time.time()))
    report = container.sweep.run(at)
    print(f"{os.getpid()} {time.time():.2f} due={report.due} buckets={report.buckets} "
          f"transitioned={report.transitioned} rounds={report.rounds_sent} "
          f"conflicts={report.conflicts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
