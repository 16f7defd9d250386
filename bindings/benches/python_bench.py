"""Through the Python bindings: the time from parse_invite to the
verification number against `certbridge send` on 127.0.0.1, and a password
check of the shared vector's key. Run by scripts/bench-bindings.sh; prints
p50/p90/max over the runs."""

import json
import math
from pathlib import Path
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
        return cb.SaveResult(status=cb.ItemStatus.REJECTED, code=None, reason="benchmark", location=None, replaced=None)

    def load_outgoing(self):
        return []


class Listener(cb.SessionListener):
    def __init__(self):
        self.events = queue.Queue()

    def on_event(self, event):
        self.events.put((time.perf_counter(), event))


def to_number():
    """One run: ms from parse_invite to the verification number."""
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
            break
        if isinstance(event, cb.SessionEvent.FAILED):
            raise SystemExit(f"failed: {event.detail}")
    session.cancel()
    desktop.kill()
    desktop.wait()
    desktop.stdout.close()
    desktop.stdin.close()
    return (at - start) * 1000


# One warm-up run: the first session also starts the library's runtime.
to_number()
times = [to_number() for _ in range(RUNS)]



def report(what, times):
    times.sort()
    p90 = times[math.ceil(len(times) * 0.9) - 1]
    print(f"{what}, {len(times)} runs: p50 {statistics.median(times):.2f} ms, "
          f"p90 {p90:.2f} ms, max {times[-1]:.2f} ms")


report("parse_invite → verification number", times)

vector = Path(VECTOR)
expected = json.loads((vector / "expected.json").read_text())
password = expected["password"]
files = cb.CertificateFiles(sign_cert=(vector / "signCert.der").read_bytes(),
                            sign_key=(vector / "signPri.key").read_bytes(), km_cert=None, km_key=None)
checks = []
for _ in range(RUNS * 10):
    start = time.perf_counter()
    if not cb.check_password(files, password):
        raise SystemExit("the vector's password was refused")
    checks.append((time.perf_counter() - start) * 1000)
report(f"check_password ({expected['signPri_iterations']}-iteration key)", checks)
