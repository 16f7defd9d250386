"""Time from parse_invite to the verification number, through the Python
bindings, against `certbridge send` on 127.0.0.1. Run by
scripts/bench-bindings.sh; prints p50/p90/max over the runs."""

import json
import os
import queue
import statistics
import subprocess
import sys
import time

import certbridge_ffi as cb

BIN = os.environ["CERTBRIDGE_BIN"]
VECTOR = os.environ["CERTBRIDGE_VECTOR"]
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 30


class Store(cb.CertificateStore):
    def list(self):
        return []

    def save(self, certificate):
        return cb.SaveResult(status=cb.ItemStatus.REJECTED, reason="benchmark", location=None)

    def load_outgoing(self):
        return []


class Listener(cb.SessionListener):
    def __init__(self):
        self.events = queue.Queue()

    def on_event(self, event):
        self.events.put((time.perf_counter(), event))


times = []
for _ in range(RUNS):
    desktop = subprocess.Popen([BIN, "send", VECTOR, "--allow-expired", "--json", "--listen", "127.0.0.1"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    text = next(json.loads(l)["text"] for l in desktop.stdout if json.loads(l)["event"] == "invite")
    listener = Listener()
    start = time.perf_counter()
    cb.parse_invite(text)
    session = cb.ScanSession(text, "bench", Store(), listener)
    session.start()
    while True:
        at, event = listener.events.get(timeout=30)
        if isinstance(event, cb.SessionEvent.VERIFICATION_NUMBER):
            times.append((at - start) * 1000)
            break
        if isinstance(event, cb.SessionEvent.FAILED):
            raise SystemExit(f"failed: {event.message}")
    session.cancel()
    desktop.kill()
    desktop.wait()
    desktop.stdout.close()
    desktop.stdin.close()

times.sort()
print(f"parse_invite → verification number, {RUNS} runs: p50 {statistics.median(times):.2f} ms, "
      f"p90 {times[int(len(times) * 0.9) - 1]:.2f} ms, max {times[-1]:.2f} ms")
