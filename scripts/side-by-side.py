#!/usr/bin/env python3
"""CertBridge side by side with magic-wormhole, moving the same certificate
folder on this machine.

Runs magic-wormhole's mailbox server and transit relay and a certbridge-relay
on 127.0.0.1, then alternates complete transfers: `certbridge send` /
`certbridge scan` over the LAN path and through the relay, and
`wormhole send` / `wormhole receive` with a fixed code, as it comes (direct
connection when one works, else the transit relay after its 2 s head start
for direct connections) and with --no-listen (transit relay at once; not in
--brief). Each transfer is checked byte for byte.

With --rtt-ms N (root: it makes a network namespace), the receiving side
(the scanner, the wormhole receiver) runs in a namespace of its own and
reaches everything through a latency-injecting proxy (scripts/
latency_proxy.py) at N ms round trip: the "phone" is far away, the desktop,
the relays and the mailbox are near each other. The proxy also counts, for
CertBridge, the round trips from the scan to the verification number and
from the confirmation to done, with connection setup (TCP, the WebSocket
upgrade) apart from the protocol's own. With --rtt-ms 0 the proxy is used
without delay (the test suite's brief run); without --rtt-ms, nothing is
proxied.

Prints a table; --json FILE writes every figure.
"""

import argparse
import json
import os
import queue
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import latency_proxy  # noqa: E402

EVENT_TIMEOUT = 60
CERT_FILES = ("signCert.der", "signPri.key", "kmCert.der", "kmPri.key")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited ({proc.returncode}) before listening")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"{what} did not listen on {port} within {timeout}s")


class Program:
    """A child process whose stdout lines are read as they come, timestamped."""

    def __init__(self, name, argv):
        self.name = name
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )
        self.lines = queue.Queue()
        self.seen = []
        self.stderr = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put((time.monotonic(), line))
        self.lines.put((time.monotonic(), None))

    def expect(self, event):
        """(time, event) of the next JSON event named `event`."""
        deadline = time.monotonic() + EVENT_TIMEOUT
        while True:
            try:
                t, line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                self.fail(f"no {event!r} event within {EVENT_TIMEOUT}s")
            if line is None:
                self.fail(f"exited before {event!r}")
            v = json.loads(line)
            self.seen.append(v)
            if v.get("event") == event:
                return t, v
            if v.get("event") == "error":
                self.fail(f"error while waiting for {event!r}: {v}")

    def type_line(self, text):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def wait(self):
        try:
            code = self.proc.wait(EVENT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail("did not exit")
        end = time.monotonic()
        if code != 0:
            self.fail(f"exited with {code}")
        return end

    def fail(self, why):
        self.kill()
        raise SystemExit(f"{self.name}: {why}; events {self.seen}; stderr: {''.join(self.stderr)[-2000:]}")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def same_files(src, dst_folder):
    names = sorted(os.listdir(src))
    if sorted(os.listdir(dst_folder)) != names:
        return False
    for n in names:
        with open(os.path.join(src, n), "rb") as a, open(os.path.join(dst_folder, n), "rb") as b:
            if a.read() != b.read():
                return False
    return True


def installed_folder(root):
    """The one certificate folder under an NPKI root (<CA>/USER/<subject>)."""
    found = [d for d, _, files in os.walk(root) if "signCert.der" in files]
    if len(found) != 1:
        raise SystemExit(f"expected one installed certificate under {root}, found {found}")
    return found[0]


class Bench:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.children = []
        self.netns = None
        self.proxy = None
        self.serial = 0

    # --- setup --------------------------------------------------------------

    def start_servers(self):
        a = self.args
        self.mailbox_port, self.transit_port, self.relay_port = free_port(), free_port(), free_port()
        twist = os.path.join(os.path.dirname(a.wormhole), "twist")
        mailbox = subprocess.Popen(
            [twist, "wormhole-mailbox", f"--port=tcp:{self.mailbox_port}:interface=127.0.0.1",
             f"--channel-db={self.work}/mailbox.sqlite"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.work,
        )
        transit = subprocess.Popen(
            [twist, "transitrelay", f"--port=tcp:{self.transit_port}:interface=127.0.0.1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.work,
        )
        relay = subprocess.Popen(
            [a.relay, "--listen", f"127.0.0.1:{self.relay_port}", "--connections-per-ip", "0",
             "--sessions-per-ip", "0", "--log", "warn"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.children += [mailbox, transit, relay]
        wait_port(self.mailbox_port, mailbox, "wormhole-mailbox")
        wait_port(self.transit_port, transit, "transitrelay")
        wait_port(self.relay_port, relay, "certbridge-relay")

    def start_netns(self, rtt_ms):
        """A namespace for the far side, and the proxy into it."""
        self.netns = subprocess.Popen(["unshare", "--net", "sleep", "infinity"])
        self.children.append(self.netns)
        self.netns_path = f"/proc/{self.netns.pid}/ns/net"
        deadline = time.monotonic() + 5
        while os.readlink(self.netns_path) == os.readlink("/proc/self/ns/net"):
            if time.monotonic() > deadline or self.netns.poll() is not None:
                raise SystemExit("could not make a network namespace (unshare --net needs root)")
            time.sleep(0.01)
        self.lan_port = free_port()
        forwards = [
            (self.lan_port, self.lan_port, "lan"),
            (self.relay_port, self.relay_port, "relay"),
            (self.mailbox_port, self.mailbox_port, "mailbox"),
            (self.transit_port, self.transit_port, "transit"),
        ]
        self.proxy = latency_proxy.Proxy(self.netns_path, forwards, rtt_ms / 2).start()

    def far(self, argv):
        """argv run on the far side (in the namespace, when there is one)."""
        if self.netns is None:
            return argv
        return ["nsenter", f"--net={self.netns_path}", "--", *argv]

    def stop(self):
        if self.proxy:
            self.proxy.stop()
        for p in self.children:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.children:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()

    # --- transfers ----------------------------------------------------------

    def certbridge(self, path):
        """One complete `send` → `scan` transfer over `path` ("lan" or "relay")."""
        a = self.args
        self.serial += 1
        root = os.path.join(self.work, f"cb-{self.serial}")
        if self.proxy:
            self.proxy.clear()
        listen = f"127.0.0.1:{self.lan_port}" if self.netns else "127.0.0.1"
        how = ["--listen", listen, "--no-relay"] if path == "lan" else [
            "--no-lan", "--relay", f"ws://127.0.0.1:{self.relay_port}"]
        t0 = time.monotonic()
        desktop = Program("certbridge send", [a.certbridge, "send", a.cert, *a.allow_expired, "--json",
                                              "--name", "bench-pc", *how])
        try:
            _, invite = desktop.expect("invite")
            t_scan = time.monotonic()
            scanner = Program("certbridge scan", self.far([a.certbridge, "scan", invite["text"], "--json",
                                                           "--install-root", root, "--name", "bench-phone"]))
            try:
                t_code, code = scanner.expect("verification_code")
                desktop.expect("enter_code")
                t_typed = time.monotonic()
                desktop.type_line(code["code"])
                t_done_scanner, _ = scanner.expect("done")
                t_done_desktop, _ = desktop.expect("done")
                end = max(scanner.wait(), desktop.wait())
            finally:
                scanner.kill()
        finally:
            desktop.kill()
        result = {
            "tool": "certbridge", "path": path, "wall_s": end - t0,
            "scan_to_number_s": t_code - t_scan, "confirm_to_done_s": max(t_done_scanner, t_done_desktop) - t_typed,
            "confirm_to_done_desktop_s": t_done_desktop - t_typed, "confirm_to_done_scanner_s": t_done_scanner - t_typed,
            "identical": same_files(a.cert, installed_folder(root)),
        }
        if self.proxy:
            time.sleep(0.05)
            records, conns = self.proxy.snapshot()
            t_done = max(t_done_scanner, t_done_desktop)
            result["scan_to_number"] = phase(records, conns, t_scan, t_code)
            result["confirm_to_done"] = phase(records, conns, t_typed, t_done)
        shutil.rmtree(root, ignore_errors=True)
        return result

    def wormhole(self, listen=True):
        """One complete `wormhole send` → `wormhole receive` with a fixed code.

        By default each side also listens for a direct connection and waits
        2 s (magic-wormhole's RELAY_DELAY) for one before it tries the transit
        relay; with listen=False (`--no-listen` on both) there are no direct
        hints, and the transit relay is used at once.
        """
        a = self.args
        self.serial += 1
        out = os.path.join(self.work, f"wh-{self.serial}")
        code = f"{100 + self.serial}-certbridge-bench"
        common = [a.wormhole, "--relay-url", f"ws://127.0.0.1:{self.mailbox_port}/v1",
                  "--transit-helper", f"tcp:127.0.0.1:{self.transit_port}"]
        if self.proxy:
            self.proxy.clear()
        t0 = time.monotonic()
        no_listen = [] if listen else ["--no-listen"]
        sender = Program("wormhole send", [*common, "send", *no_listen, "--hide-progress", "--code", code, a.cert])
        receiver = Program("wormhole receive", self.far([*common, "receive", *no_listen, "--hide-progress",
                                                         "--accept-file", "-o", out, code]))
        try:
            end = max(receiver.wait(), sender.wait())
        finally:
            sender.kill()
            receiver.kill()
        result = {"tool": "magic-wormhole", "path": "default" if listen else "--no-listen", "wall_s": end - t0,
                  "identical": same_files(a.cert, out)}
        if self.proxy:
            records, conns = self.proxy.snapshot()
            result["connections"] = sorted({c["label"] for c in conns})
            result["tcp_connections"] = len(conns)
            result["direction_changes"] = max(0, len(latency_proxy.runs(records)) - 1)
        shutil.rmtree(out, ignore_errors=True)
        return result


def phase(records, conns, start, end):
    """What crossed the proxy between start and end: TCP connections opened,
    WebSocket upgrades, and the protocol's own round trips (runs of bytes in
    one direction, paired up), leaving out the upgrade's request and
    response and the WebSocket closing handshake, which follows the
    transfer and delays nobody.
    """
    inside = [r for r in records if start <= r["t"] <= end and r["kind"] != "ws-close"]
    setup = [r for r in inside if r["kind"] != "data"]
    data = [r for r in inside if r["kind"] == "data"]
    runs = latency_proxy.runs(data)
    return {
        "tcp_connects": sum(1 for c in conns if start <= c["opened"] <= end),
        "websocket_upgrades": sum(1 for r in setup if r["kind"] == "http-request"),
        "runs": [f"{d} {n}B" for d, n, _ in runs],
        "round_trips": (len(runs) + 1) // 2,
    }


def summarize(results, rtt):
    print(f"\nround trip to the far side: {'not proxied' if rtt is None else f'{rtt} ms'}")
    print(f"  {'tool':<15}{'path':<17}{'runs':>5}{'wall median':>13}{'min':>8}{'max':>8}  identical")
    groups = {}
    for r in results:
        groups.setdefault((r["tool"], r["path"]), []).append(r)
    for (tool, path), rs in groups.items():
        walls = [r["wall_s"] for r in rs]
        print(f"  {tool:<15}{path:<17}{len(rs):>5}{statistics.median(walls):>12.3f}s{min(walls):>7.3f}s"
              f"{max(walls):>7.3f}s  {all(r['identical'] for r in rs)}")
    for (tool, path), rs in groups.items():
        if tool != "certbridge":
            if "tcp_connections" in rs[0]:
                print(f"  {tool} {path} through the proxy: {rs[0]['tcp_connections']} TCP connections "
                      f"({', '.join(rs[0]['connections'])}), {rs[0]['direction_changes']} direction changes")
            continue
        def ms(key):
            return f"{1000 * statistics.median(r[key] for r in rs):.0f} ms"

        print(f"  certbridge {path} (medians): scan -> number {ms('scan_to_number_s')}; confirm -> done "
              f"{ms('confirm_to_done_desktop_s')} on the desktop, {ms('confirm_to_done_scanner_s')} on the scanner")
        if "scan_to_number" in rs[0]:
            for name in ("scan_to_number", "confirm_to_done"):
                p = rs[0][name]
                counts = sorted({r[name]["round_trips"] for r in rs})
                print(f"    {name.replace('_', ' ')}: {'/'.join(map(str, counts))} protocol round trip(s) "
                      f"[{', '.join(p['runs'])}]; setup: {p['tcp_connects']} TCP connect(s), "
                      f"{p['websocket_upgrades']} WebSocket upgrade(s)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--certbridge", required=True)
    ap.add_argument("--relay", required=True, help="the certbridge-relay binary")
    ap.add_argument("--wormhole", required=True, help="the wormhole program (twist must be beside it)")
    ap.add_argument("--cert", required=True, help="the certificate folder to move")
    ap.add_argument("--allow-expired", action="store_true")
    ap.add_argument("--rounds", type=int, default=5, help="transfers per tool and path")
    ap.add_argument("--rtt-ms", type=float, help="proxy the far side at this round-trip time (needs root)")
    ap.add_argument("--json", help="write every figure to this file")
    ap.add_argument("--brief", action="store_true", help="magic-wormhole only as it comes (not also --no-listen)")
    args = ap.parse_args()
    args.allow_expired = ["--allow-expired"] if args.allow_expired else []

    work = tempfile.mkdtemp(prefix="certbridge-side-by-side-")
    # Both tools move the same folder: the certificate's files and nothing
    # else (a test-vector folder also holds notes and expected values).
    folder = os.path.join(work, "certificate")
    os.mkdir(folder)
    for name in CERT_FILES:
        if os.path.exists(os.path.join(args.cert, name)):
            shutil.copy(os.path.join(args.cert, name), folder)
    args.cert = folder
    bench = Bench(args, work)
    results = []
    try:
        bench.start_servers()
        if args.rtt_ms is not None:
            bench.start_netns(args.rtt_ms)
        t = time.monotonic()
        subprocess.run([args.wormhole, "--version"], capture_output=True, check=True)
        startup = time.monotonic() - t
        for _ in range(args.rounds):
            transfers = [lambda: bench.certbridge("lan"), bench.wormhole, lambda: bench.certbridge("relay")]
            if not args.brief:
                transfers.append(lambda: bench.wormhole(listen=False))
            for run in transfers:
                r = run()
                results.append(r)
                print(f"  {r['tool']:<15}{r['path']:<17}{r['wall_s']:.3f}s identical={r['identical']}", flush=True)
    finally:
        bench.stop()
        shutil.rmtree(work, ignore_errors=True)
    summarize(results, args.rtt_ms)
    print(f"  (wormhole --version alone takes {startup:.3f}s: Python and Twisted starting)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"rtt_ms": args.rtt_ms, "wormhole_startup_s": startup, "results": results}, fh, indent=1)
    if not all(r["identical"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
