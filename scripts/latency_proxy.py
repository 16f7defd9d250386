"""A TCP proxy that adds latency and records what crosses it, for
scripts/side-by-side.py (`tc netem` is not available where the suite runs).

The proxy listens inside a network namespace (the "far" device's, made with
`unshare --net`) on 127.0.0.1 and forwards each connection to the same or
another port on 127.0.0.1 in the proxy's own namespace, so that a program in
the far namespace reaches servers on this machine only through it, with the
addresses it was given. Every chunk is delayed by the one-way delay in its
direction, in order; TCP connection setup is modelled too: the server sees a
connection 1.5 round trips after the client opened it (SYN, SYN-ACK, ACK),
and the client's first bytes arrive no earlier.

It records, for every chunk, the connection, the direction, the time it was
read (time.monotonic(), comparable with the caller's clock), its size, and
whether it starts an HTTP request or response (the WebSocket upgrade) or a
WebSocket close frame. No bytes are recorded.
"""

import asyncio
import ctypes
import fcntl
import os
import socket
import struct
import threading
import time

CLONE_NEWNET = 0x40000000
SIOCSIFFLAGS = 0x8914
IFF_UP, IFF_LOOPBACK, IFF_RUNNING = 0x1, 0x8, 0x40

_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns: {os.strerror(err)} (needs root)")


def _loopback_up():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", IFF_UP | IFF_LOOPBACK | IFF_RUNNING))


def listen_in(netns_path, port):
    """A listening socket on 127.0.0.1:port inside the namespace at netns_path.

    Only the calling thread changes namespace, and it changes back; the
    socket stays in the namespace it was made in.
    """
    here = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    there = os.open(netns_path, os.O_RDONLY)
    try:
        _setns(there)
        try:
            _loopback_up()
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", port))
            sock.listen(64)
            sock.setblocking(False)
            return sock
        finally:
            _setns(here)
    finally:
        os.close(here)
        os.close(there)


class Proxy:
    """Runs in a thread of its own; `records` and `connections` grow as it works."""

    def __init__(self, netns_path, forwards, one_way_ms):
        self.netns_path = netns_path
        self.forwards = forwards  # [(listen_port, upstream_port, label)]
        self.delay = one_way_ms / 1000
        self.records = []  # dicts: conn, label, dir, t, n, kind
        self.connections = []  # dicts: conn, label, opened, upstream_at
        self._lock = threading.Lock()
        self._loop = None
        self._ids = 0
        self._ready = threading.Event()
        self._error = None
        self._thread = threading.Thread(target=self._run, name="latency-proxy", daemon=True)

    def start(self):
        self._thread.start()
        self._ready.wait(10)
        if self._error:
            raise self._error
        return self

    def stop(self):
        if self._loop:
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def snapshot(self):
        with self._lock:
            return list(self.records), list(self.connections)

    def clear(self):
        with self._lock:
            self.records.clear()
            self.connections.clear()

    def _run(self):
        try:
            sockets = [(listen_in(self.netns_path, lp), up, label) for lp, up, label in self.forwards]
        except Exception as e:  # reported to start()
            self._error = e
            self._ready.set()
            return
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        for sock, up, label in sockets:
            handler = lambda r, w, up=up, label=label: self._serve(r, w, up, label)  # noqa: E731
            self._loop.run_until_complete(asyncio.start_server(handler, sock=sock))
        self._ready.set()
        self._loop.run_forever()

    def _record(self, **fields):
        with self._lock:
            self.records.append(fields)

    async def _serve(self, client_r, client_w, upstream_port, label):
        opened = time.monotonic()
        self._ids += 1
        conn = self._ids
        # SYN there, SYN-ACK back, ACK there: the server accepts 1.5 round
        # trips after the client connected, and the bytes the client sent at
        # once arrive with that ACK, not before.
        setup_done = opened + 3 * self.delay
        upstream = asyncio.get_running_loop().create_future()

        async def connect():
            await asyncio.sleep(max(0, setup_done - time.monotonic()))
            try:
                r, w = await asyncio.open_connection("127.0.0.1", upstream_port)
            except OSError as e:
                upstream.set_exception(e)
                return
            w.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self.connections.append({"conn": conn, "label": label, "opened": opened})
            upstream.set_result((r, w))

        async def upstream_writer():
            return (await upstream)[1]

        async def client_writer():
            return client_w

        async def down():
            try:
                up_r, _ = await upstream
            except OSError:
                client_w.close()
                return
            await self._pipe(conn, label, "down", up_r, client_writer, not_before=0)

        client_w.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await asyncio.gather(
            connect(),
            self._pipe(conn, label, "up", client_r, upstream_writer, not_before=setup_done - self.delay),
            down(),
            return_exceptions=True,
        )

    async def _pipe(self, conn, label, direction, reader, get_writer, not_before):
        """Copies reader to the writer get_writer() gives, each chunk due one
        delay after it was read (and no earlier than not_before + delay)."""
        queue = asyncio.Queue()

        async def deliver():
            writer = await get_writer()
            try:
                while True:
                    due, data = await queue.get()
                    await asyncio.sleep(max(0, due - time.monotonic()))
                    if data is None:
                        break
                    writer.write(data)
                    await writer.drain()
                writer.write_eof()
            except (OSError, RuntimeError):
                writer.close()

        sender = asyncio.ensure_future(deliver())
        last_due = 0
        try:
            while True:
                data = await reader.read(65536)
                now = time.monotonic()
                last_due = max(now + self.delay, not_before + self.delay, last_due)
                if not data:
                    break
                kind = chunk_kind(data)
                self._record(conn=conn, label=label, dir=direction, t=now, n=len(data), kind=kind)
                queue.put_nowait((last_due, data))
        except (ConnectionError, OSError):
            pass
        queue.put_nowait((last_due, None))
        try:
            await sender
        except (ConnectionError, OSError):
            pass


def chunk_kind(data):
    """What a chunk starts with: the WebSocket upgrade's request or response,
    a WebSocket close frame (FIN + opcode 8: sent alone, as the closing
    handshake is), or anything else."""
    if data[:4] == b"GET ":
        return "http-request"
    if data[:5] == b"HTTP/":
        return "http-response"
    if data[0] == 0x88:
        return "ws-close"
    return "data"


def runs(records):
    """Direction runs of a sequence of chunk records, as (dir, bytes, kind)."""
    out = []
    for r in sorted(records, key=lambda r: r["t"]):
        if out and out[-1][0] == r["dir"]:
            d, n, kinds = out[-1]
            out[-1] = (d, n + r["n"], kinds | {r["kind"]})
        else:
            out.append((r["dir"], r["n"], {r["kind"]}))
    return out
