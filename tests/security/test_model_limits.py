# Model runs cost CPU (issue 12, item 3):
#   - a reader who cannot edit the plan (anonymous on a published plan, a
#     viewer) may ask for at most 20000 draws: more gets 422 naming
#     `draws` and the cap; an editor of the plan's municipality may ask
#     for up to 200000;
#   - concurrent model runs pass a gate (cores - 1 at once, a small queue):
#     a burst of uncached runs gets some 503 with Retry-After instead of
#     taking every thread, and /healthz and a signed-in read stay fast.
# SPDX-License-Identifier: AGPL-3.0-or-later

import os
import socket
import statistics
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
import apilib as A  # noqa: E402

CAP = 20000
BURST = 12


def draw_caps(server, plan, viewer, editor):
    anon = server.client()
    A.begin(f"readers may ask for at most {CAP} draws (422 naming draws and the cap)")
    for who, c in [("anonymous", anon), ("a viewer", viewer)]:
        r = c.get(f"/api/plans/{plan}/pathway?draws={CAP + 1}&seed=3")
        A.check_eq(r.status, 422, f"{who}, draws={CAP + 1}")
        A.check_eq(r.error_field(), "draws", f"{who}: the field")
        msg = ((r.json() or {}).get("error") or {}).get("message", "")
        A.check(str(CAP) in msg, f"{who}: the message names the cap: {msg!r}")
        r = c.get(f"/api/plans/{plan}/pathway?draws=200000&seed=3")
        A.check_eq(r.status, 422, f"{who}, draws=200000")
        r = c.get(f"/api/plans/{plan}/pathway?draws={CAP}&seed=3")
        A.check_eq(r.status, 200, f"{who}, draws={CAP}")
    A.finish()

    A.begin("an editor of the plan may ask for more")
    r = editor.get(f"/api/plans/{plan}/pathway?draws=50000&seed=3")
    A.check_eq(r.status, 200, "editor, draws=50000")
    A.finish()


def gate(server, plan, editor, viewer):
    A.begin(f"{BURST} uncached runs at once: some get 503 with Retry-After, reads stay fast")
    results = []
    lock = threading.Lock()

    # One request every 20 ms, each on a new connection: a thread that runs
    # or waits for a model run does not accept, so each lands on its own
    # thread, as requests from many clients would.
    def run(i):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=60)
        s.sendall((f"GET /api/plans/{plan}/pathway?draws=200000&seed={1000 + i} HTTP/1.1\r\n"
                   f"Host: 127.0.0.1:{server.port}\r\n"
                   f"Cookie: ilmava_session={editor.cookie}\r\n"
                   "Connection: close\r\n\r\n").encode())
        raw = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                raw += chunk
        except OSError as e:
            raw += f" error: {e}".encode()
        s.close()
        head = raw.partition(b"\r\n\r\n")[0].decode("latin-1")
        retry = next((line.partition(":")[2].strip() for line in head.split("\r\n")
                      if line.lower().startswith("retry-after:")), None)
        with lock:
            results.append((A.status_of(raw), retry))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(BURST)]
    for t in threads:
        t.start()
        time.sleep(0.02)
    time.sleep(0.05)
    timings = {"/healthz": [], "/api/municipalities": []}
    while any(t.is_alive() for t in threads):
        for p in timings:
            t0 = time.monotonic()
            r = viewer.get(p, timeout=10)
            timings[p].append((r.status, (time.monotonic() - t0) * 1000))
        time.sleep(0.05)
    for t in threads:
        t.join()
    statuses = sorted(str(s) for s, _ in results)
    print(f"# {BURST} runs: {statuses.count('200')} answered 200, {statuses.count('503')} got 503",
          flush=True)
    busy = [ra for s, ra in results if s == 503]
    A.check(busy, f"no 503 among {BURST} concurrent runs: {statuses}")
    A.check(all(ra for ra in busy), f"a 503 without Retry-After: {results}")
    A.check(all(s in (200, 503) for s, _ in results), f"statuses: {statuses}")
    A.check(any(s == 200 for s, _ in results), f"no run finished: {statuses}")
    for p, samples in timings.items():
        ms = [m for _, m in samples]
        if ms:
            print(f"# during the runs: GET {p}: {len(ms)} answers, median "
                  f"{statistics.median(ms):.1f} ms, max {max(ms):.1f} ms", flush=True)
        A.check(all(s == 200 for s, _ in samples), f"GET {p}: {samples}")
        A.check(ms and statistics.median(ms) < 100,
                f"GET {p} during the runs took {[round(m) for m in ms]} ms (median < 100 ms)")
    A.finish()


def main():
    store = A.Store()
    store.add_user("organiser@test.invalid", "organiser")
    store.add_user("viewer@test.invalid", "viewer", "901")
    store.add_user("editor@test.invalid", "editor", "901")
    server = A.Server(store, "--threads", "16")
    try:
        org = server.client()
        org.login("organiser@test.invalid")
        viewer = server.client()
        viewer.login("viewer@test.invalid")
        editor = server.client()
        editor.login("editor@test.invalid")
        plan = next(p["id"] for p in store.plans() if p.get("municipality") == "901")
        r = org.post(f"/api/plans/{plan}/publish")
        if r.status != 200:
            A.fatal(f"publish plan {plan}: {r}")
        draw_caps(server, plan, viewer, editor)
        gate(server, plan, editor, viewer)
    finally:
        server.stop()
    A.summary()


if __name__ == "__main__":
    main()
