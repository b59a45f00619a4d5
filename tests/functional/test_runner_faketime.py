"""The local runner's glue keeps polling when the clock is faked (`make test-shifted`).

libfaketime fakes CLOCK_MONOTONIC too but does not intercept sem_clockwait, which Python
3.11's timed waits (`Event.wait(timeout)`, `Thread.join(timeout)`) use: such a wait for
0.2 s became a wait of 400 days, and the pump stalled after its first idle poll (every
browser test that waited for the stream then timed out). The runner sleeps in steps instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PUMP = """
import threading, time, types
from infra.local.runner import LocalRunner

class Poller:
    polls = 0
    def poll_once(self):
        Poller.polls += 1
        return 0

runner = types.SimpleNamespace(_stop=threading.Event(), _pump_lock=threading.Lock(),
                               _pollers=[Poller()])
runner._pause = types.MethodType(LocalRunner._pause, runner)
threading.Thread(target=LocalRunner._pump_forever, args=(runner,), daemon=True).start()
time.sleep(2)
runner._stop.set()
print(Poller.polls)
"""


@pytest.mark.skipif(shutil.which("faketime") is None,
                    reason="faketime is installed by `make test` (Makefile: faketime)")
def test_the_pump_keeps_polling_under_a_clock_400_days_ahead() -> None:
    done = subprocess.run(["faketime", "-f", "+400d", sys.executable, "-c", PUMP], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=60, check=True)
    # idle polls every 0.2 s for 2 s: about 10 (it was 1, then a wait that never ended)
    assert int(done.stdout.strip()) >= 4, done.stderr
