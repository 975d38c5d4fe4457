# Denial of service (issue 12, items 1 and 2): clients that withhold their
# bodies or trickle their headers must not take the server from everyone
# else. Every connection goes to 127.0.0.0/8; the whole test is bounded
# (about 20 s).
#   - 50 connections send a header with Content-Length and no body (each
#     from its own 127.0.0.x): /healthz and a signed-in read still answer
#     200 at once;
#   - 300 connections from 127.0.0.2 send one header byte a second: at most
#     the per-address cap of them stay open, a client on 127.0.0.1 is
#     served meanwhile, and a connection still sending its header after the
#     header deadline (10 s) is closed.
# SPDX-License-Identifier: AGPL-3.0-or-later

import os
import selectors
import socket
import statistics
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
import apilib as A  # noqa: E402

FAST_MS = 100         # what "at once" means for a read
PER_ADDRESS = 64      # the server's default per-address connection cap
HEADER_DEADLINE = 10  # seconds, the server's default


def connect_from(source, port, timeout=5):
    """A TCP connection to 127.0.0.1:port from the local address `source`."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def timed(client, path):
    """(status, milliseconds) of one GET on a new connection."""
    t = time.monotonic()
    try:
        r = client.get(path, timeout=5)
        status = r.status
    except OSError as e:
        status = f"error: {e}"
    return status, (time.monotonic() - t) * 1000


def probe(client, paths, rounds=5, pause=0.1):
    """Timings of `rounds` GETs of each path: {path: [(status, ms), ...]}."""
    out = {p: [] for p in paths}
    for _ in range(rounds):
        for p in paths:
            out[p].append(timed(client, p))
        time.sleep(pause)
    return out


def check_fast(results, what):
    for path, samples in results.items():
        statuses = [s for s, _ in samples]
        ms = [m for _, m in samples]
        print(f"# {what}: GET {path}: {len(ms)} answers, median {statistics.median(ms):.1f} ms, "
              f"max {max(ms):.1f} ms", flush=True)
        A.check(all(s == 200 for s in statuses), f"{what}: GET {path} statuses {statuses}")
        A.check(statistics.median(ms) < FAST_MS and max(ms) < 1000,
                f"{what}: GET {path} took {[round(m) for m in ms]} ms "
                f"(median must be < {FAST_MS} ms, each < 1 s)")


def is_closed(s):
    """Whether the server closed s (EOF or reset); never blocks."""
    try:
        s.setblocking(False)
        data = s.recv(4096)
        return data == b"" or data.startswith(b"HTTP/")
    except BlockingIOError:
        return False
    except OSError:
        return True


def withheld_bodies(store, server, viewer, editor):
    A.begin("50 withheld bodies: /healthz and a signed-in read answer at once")
    socks = []
    try:
        for i in range(50):
            # Each from its own address, so that the per-address cap does
            # not hide what the pool of store handles does.
            s = connect_from(f"127.0.0.{10 + i}", server.port)
            if i % 2 == 0:
                head = (f"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                        f"Origin: {server.origin}\r\nContent-Type: application/json\r\n"
                        "Content-Length: 10\r\n\r\n")
            else:
                # Signed in and authorised at header time, then nothing.
                head = (f"PUT /api/plans/1 HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                        f"Origin: {server.origin}\r\nX-CSRF-Token: {editor.csrf}\r\n"
                        f"Cookie: ilmava_session={editor.cookie}\r\n"
                        "Content-Type: application/json\r\nContent-Length: 10\r\n\r\n")
            s.sendall(head.encode())
            socks.append(s)
        time.sleep(0.5)
        results = probe(viewer, ["/healthz", "/api/municipalities"])
        check_fast(results, "with 50 bodies withheld")
        open_now = sum(not is_closed(s) for s in socks)
        A.check(open_now == 50, f"the 50 slow uploads are still waiting: {open_now} open")
    finally:
        for s in socks:
            s.close()
    A.finish()


def slowloris(store, server, viewer):
    A.begin(f"300 slow headers from 127.0.0.2: at most {PER_ADDRESS} held, 127.0.0.1 served")
    sel = selectors.DefaultSelector()
    socks = []
    header = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 64
    started = time.monotonic()
    for _ in range(300):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind(("127.0.0.2", 0))
        try:
            s.connect(("127.0.0.1", server.port))
        except BlockingIOError:
            pass
        socks.append(s)
    closed_at = {}
    sent = {id(s): 0 for s in socks}

    def tick():
        now = time.monotonic()
        for s in socks:
            if id(s) in closed_at:
                continue
            try:
                s.send(header[sent[id(s)] % len(header):][:1])
                sent[id(s)] += 1
            except BlockingIOError:
                pass
            except OSError:
                closed_at[id(s)] = now
                continue
            if is_closed(s):
                closed_at[id(s)] = now

    probes = []
    held_at_3s = None
    second = 0
    try:
        while time.monotonic() - started < HEADER_DEADLINE + 3.5:
            tick()
            second += 1
            if second == 3:
                held_at_3s = 300 - len(closed_at)
            probes.append(probe(viewer, ["/healthz", "/api/municipalities"], rounds=1, pause=0))
            next_tick = started + second
            time.sleep(max(0.0, next_tick - time.monotonic()))
        merged = {"/healthz": [], "/api/municipalities": []}
        for p in probes:
            for k, v in p.items():
                merged[k] += v
        check_fast(merged, "during the slow headers")
        A.check(held_at_3s is not None and held_at_3s <= PER_ADDRESS,
                f"connections from 127.0.0.2 held after 3 s: {held_at_3s} (cap {PER_ADDRESS})")
        A.finish()

        A.begin(f"a header still trickling after {HEADER_DEADLINE} s is cut off")
        still_open = [s for s in socks if id(s) not in closed_at]
        A.check(not still_open,
                f"{len(still_open)} connections still open after "
                f"{time.monotonic() - started:.1f} s of one byte a second")
        # Those refused over the cap were closed in the first seconds; the
        # ones let in were cut near the deadline, not before.
        late = sorted(t - started for t in closed_at.values() if t - started > 3)
        print(f"# held after 3 s: {held_at_3s}; cut after "
              f"{', '.join(f'{t:.1f}' for t in late[:1] + late[-1:])} s (first, last)", flush=True)
        A.check(0 < len(late) <= PER_ADDRESS,
                f"{len(late)} connections were held past 3 s (at most {PER_ADDRESS})")
        A.check(all(t >= HEADER_DEADLINE - 1.5 for t in late),
                f"a held header was cut before the deadline, after {late[:3]} s")
    finally:
        for s in socks:
            s.close()
    A.finish()


def main():
    store = A.Store()
    store.add_user("viewer@test.invalid", "viewer", "901")
    store.add_user("editor@test.invalid", "editor", "901")
    server = A.Server(store)
    viewer = server.client()
    viewer.login("viewer@test.invalid")
    editor = server.client()
    editor.login("editor@test.invalid")
    try:
        withheld_bodies(store, server, viewer, editor)
        slowloris(store, server, viewer)
        A.begin("the server is still serving")
        A.check_eq(viewer.get("/api/me").status, 200, "GET /api/me after the attacks")
    finally:
        server.stop()
    A.summary()


if __name__ == "__main__":
    main()
