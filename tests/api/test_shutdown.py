# Shutdown: writers add measures (each with a unique key) from threads
# while the server gets SIGTERM. It exits 0 with "stopped"; every addition
# that got a 2xx is in the store afterwards (sqlite3 and `ilmava plan
# export`); every 409 is not; a request in flight finishes; requests after
# the stop are refused (connection refused or 503), never a 2xx. SIGINT
# stops it the same way. GET /healthz works.
# SPDX-License-Identifier: AGPL-3.0-or-later

import http.client
import json
import os
import signal
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402

WRITERS = 8


def main():
    store = A.Store()
    store.add_user("organiser@test.invalid", "organiser")
    sigterm_case(store)
    sigint_case(store)
    early_signal_case(store)
    A.summary()


def sigterm_case(store):
    server = A.Server(store)
    org = server.client()
    org.login("organiser@test.invalid")

    A.begin("GET /healthz")
    r = server.client().get("/healthz")
    A.check_eq(r.status, 200, "status")
    j = r.json() or {}
    A.check_eq(j.get("status"), "ok", "status field")
    A.check(isinstance(j.get("schema"), int) and j["schema"] >= 1, f"schema: {j}")
    A.finish()

    # A plan per writer, so that writers rarely conflict.
    plans = []
    for i in range(WRITERS):
        r = org.post("/api/municipalities/901/plans",
                     {"name": f"writer {i}", "base_year": 2007, "target_year": 2035,
                      "reduction": 0.5})
        if r.status != 201:
            server.kill()
            A.fatal(f"cannot create the writers' plans: {r!r}")
        plans.append(r.json()["id"])

    records = []  # (plan, key, started, outcome): outcome is a status or an exception
    lock = threading.Lock()
    stop_writing = threading.Event()
    exited_at = [None]

    def writer(w):
        plan, n = plans[w], 0
        while not stop_writing.is_set():
            n += 1
            key = f"w{w}-{n}"
            started = time.monotonic()
            try:
                r = org.post(f"/api/plans/{plan}/measures",
                             {"id": key, "sector": "waste", "start": 2026, "full": 2030,
                              "share": 0.001}, timeout=30)
                outcome = r.status
            except (OSError, http.client.HTTPException) as e:
                outcome = e
            with lock:
                records.append((plan, key, started, outcome))
            if not isinstance(outcome, int):
                time.sleep(0.05)

    # A slow request in flight when the signal comes: it must finish.
    slow = {}
    slow_sent = threading.Event()

    def slow_request():
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            conn.request("GET", f"/api/plans/{plans[0]}/pathway?draws=200000&seed=11",
                         headers={"Cookie": f"ilmava_session={org.cookie}"})
            slow_sent.set()
            r = conn.getresponse()
            slow["r"] = A.Response(r.status, r.getheaders(), r.read())
        except (OSError, http.client.HTTPException) as e:
            slow["r"] = e
        finally:
            slow_sent.set()
            conn.close()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    slow_thread = threading.Thread(target=slow_request)
    slow_thread.start()
    slow_sent.wait(10)
    time.sleep(0.2)  # for the server to take the request up
    signalled_at = time.monotonic()
    server.send(signal.SIGTERM)
    try:
        rc = server.proc.wait(30)
    except Exception:  # noqa: BLE001
        rc = None
    exited_at[0] = time.monotonic()
    # Writers go on for a moment after the exit.
    time.sleep(0.3)
    stop_writing.set()
    for t in threads:
        t.join(30)
    slow_thread.join(30)
    server.stop()

    A.begin("SIGTERM during writes: exit code 0 and 'stopped' on stderr")
    A.check_eq(rc, 0, "exit code")
    log = server.log_text()
    A.check("stopped" in log, "no 'stopped' on stderr:\n" + log[-400:])
    A.check(all(not t.is_alive() for t in threads), "writers still running")
    A.finish()

    statuses = [o for *_, o in records if isinstance(o, int)]
    errors = [o for *_, o in records if not isinstance(o, int)]
    n_ok = sum(1 for s in statuses if 200 <= s < 300)
    print(f"# {len(records)} writes: {n_ok} 2xx, {statuses.count(409)} 409, "
          f"{statuses.count(503)} 503, {len(errors)} without a response "
          f"({sorted({type(e).__name__ for e in errors})})")

    A.begin("the writers wrote before the stop")
    A.check(n_ok >= WRITERS, f"only {n_ok} writes succeeded before SIGTERM")
    A.finish()

    A.begin("a request in flight at SIGTERM finishes with 200")
    r = slow.get("r")
    A.check(isinstance(r, A.Response) and r.status == 200, f"the slow pathway: {r!r}")
    A.finish()

    A.begin("every 2xx write is in the store; every 409 is not")
    con = store.connect()
    try:
        rows = con.execute("SELECT plan_id, key FROM measure").fetchall()
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    A.check_eq(integrity, "ok", "PRAGMA integrity_check")
    stored = set(rows)
    for plan, key, started, outcome in records:
        if isinstance(outcome, int) and 200 <= outcome < 300:
            A.check((plan, key) in stored, f"{key} (plan {plan}) got {outcome} but is missing")
        elif outcome == 409:
            A.check((plan, key) not in stored, f"{key} (plan {plan}) got 409 but is stored")
        elif isinstance(outcome, int):
            A.check(outcome == 503, f"{key}: unexpected status {outcome}")
    # The command line sees the same.
    for plan in plans:
        r = store.cli("plan", "export", str(plan))
        if not A.check_eq(r.returncode, 0, f"plan export {plan} ({r.stderr.strip()})"):
            continue
        keys = {m["id"] for m in json.loads(r.stdout).get("measures", [])}
        want = {k for p, k, _, o in records if p == plan and isinstance(o, int)
                and 200 <= o < 300}
        A.check(want <= keys, f"plan {plan}: the CLI lacks {sorted(want - keys)[:5]}")
        A.check_eq(keys, {k for p, k in stored if p == plan}, f"plan {plan}: CLI vs sqlite3")
    A.finish()

    A.begin("requests after the stop: refused or 503, never a 2xx")
    # In flight at the signal: a 2xx (then stored, checked above), a 409,
    # a 503 or no response. Sent after the exit: refused.
    for _, key, started, outcome in records:
        if started > signalled_at and isinstance(outcome, int):
            A.check(outcome in (409, 503) or 200 <= outcome < 300,
                    f"{key}: {outcome} after SIGTERM")
    after_exit = [(k, o) for _, k, started, o in records if started > exited_at[0]]
    A.check(len(after_exit) >= 1, "no writer tried after the exit")
    for key, outcome in after_exit:
        A.check(isinstance(outcome, ConnectionRefusedError) or outcome == 503,
                f"{key}, sent after the exit: {outcome!r}")
    # And a fresh client now.
    try:
        r = server.client().get("/healthz", timeout=5)
        A.check(r.status == 503, f"GET /healthz after the stop: {r!r}")
    except ConnectionRefusedError:
        pass
    except OSError as e:
        A.check(False, f"GET /healthz after the stop: {e!r}, expected connection refused")
    A.finish()


def sigint_case(store):
    A.begin("SIGINT: exit code 0 and 'stopped' on stderr")
    server = A.Server(store)
    r = server.client().get("/healthz")
    A.check_eq(r.status, 200, "GET /healthz before")
    rc = server.stop(signal.SIGINT)
    A.check_eq(rc, 0, "exit code")
    A.check("stopped" in server.log_text(), "no 'stopped':\n" + server.log_text()[-300:])
    A.check(store.cli("plan", "list").returncode == 0, "the store opens after the stop")
    A.finish()


def early_signal_case(store):
    # The serving line says the server is up, so a supervisor (or `make
    # run`'s user) may stop it at once: the signal must get the clean
    # stop, not the default action.
    A.begin("a signal right after the serving line stops the server cleanly (10 tries)")
    for i in range(10):
        sig = signal.SIGTERM if i % 2 == 0 else signal.SIGINT
        server = A.Server(store)
        rc = server.stop(sig)
        if not A.check(rc == 0 and "stopped" in server.log_text(),
                       f"try {i + 1}, {sig.name} at once: exit code {rc} "
                       f"(a negative code is death by that signal), stderr:\n"
                       + server.log_text()[-300:]):
            break
    A.finish()


if __name__ == "__main__":
    main()
