# Issue 12, item 10: a store that vanished is never recreated empty.
#
# - `serve` and the other commands refuse a missing store and an empty one
#   (after `truncate -s0`), naming the file and saying how to create one,
#   and leave the file as it was; `--create` makes a new store.
# - /healthz reports readiness: 200 on a good store; 503 with the reason
#   when the file under a running server is emptied or its schema is not
#   the server's; it stays fast.
# SPDX-License-Identifier: AGPL-3.0-or-later

import os
import sqlite3
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
import apilib as A  # noqa: E402


def run(db, *args):
    return subprocess.run([A.BIN, "--db", db, *args], capture_output=True, text=True,
                          timeout=30, stdin=subprocess.DEVNULL)


def refused(db, what, size):
    """Every store command, serve included, refuses `db`: exit 2, a message
    naming the file and --create, and the file as it was."""
    commands = [("serve", "--listen", "127.0.0.1:0"), ("municipalities",), ("plan", "list"),
                ("demo",), ("import", "inventory", "/dev/null"), ("peers", "901"),
                ("user", "list")]
    for cmd in commands:
        A.begin(f"{' '.join(cmd[:2])} on {what}: refused, the file left as it was")
        r = run(db, *cmd)
        A.check_eq(r.returncode, 2, f"exit code (stderr {r.stderr!r})")
        A.check(db in r.stderr and "--create" in r.stderr, f"stderr: {r.stderr!r}")
        if size is None:
            A.check(not os.path.exists(db), "the file was created")
        else:
            A.check_eq(os.path.getsize(db), size, "the file's size")
        A.finish()


def main():
    store = A.Store()
    missing = os.path.join(store.dir, "missing.db")
    refused(missing, "a missing store", None)

    empty = os.path.join(store.dir, "empty.db")
    subprocess.run(["cp", store.db, empty], check=True)
    os.truncate(empty, 0)
    refused(empty, "a store truncated to 0 bytes", 0)

    A.begin("--create makes a new store of a missing file and of an empty one")
    r = run(missing, "--create", "municipalities")
    A.check_eq(r.returncode, 0, f"missing (stderr {r.stderr!r})")
    r = run(empty, "--create", "demo")
    A.check_eq(r.returncode, 0, f"empty (stderr {r.stderr!r})")
    r = run(empty, "plan", "list")
    A.check_eq(r.returncode, 0, f"reopened without --create (stderr {r.stderr!r})")
    A.finish()

    A.begin("serve --create on an empty file starts and is ready")
    fresh = A.Store(demo=False)
    os.truncate(fresh.db, 0)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(fresh.db + suffix):
            os.remove(fresh.db + suffix)
    server = A.Server(fresh, "--create")
    r = server.client().get("/healthz")
    A.check_eq(r.status, 200, f"healthz ({r!r})")
    server.stop()
    A.finish()

    healthz(store)
    A.summary()


def healthz(store):
    server = A.Server(store)
    c = server.client()
    try:
        A.begin("healthz on a good store: 200, fast")
        times = []
        for _ in range(20):
            t0 = time.monotonic()
            r = c.get("/healthz")
            times.append(time.monotonic() - t0)
            A.check_eq(r.status, 200, f"healthz ({r!r})")
        times.sort()
        print(f"# healthz median {1000 * times[10]:.1f} ms, max {1000 * times[-1]:.1f} ms")
        A.check(times[10] < 0.1, f"median {times[10]:.3f} s")
        A.finish()

        A.begin("healthz when the schema is not the server's: 503 with the reason")
        con = sqlite3.connect(store.db, timeout=10)
        (version,) = con.execute("PRAGMA user_version").fetchone()
        con.execute(f"PRAGMA user_version = {version + 1}")
        con.commit()
        r = c.get("/healthz")
        A.check_eq(r.status, 503, f"healthz ({r!r})")
        A.check("schema" in r.body.decode(), f"the reason: {r!r}")
        A.check(r.header("Retry-After") is not None, "Retry-After")
        con.execute(f"PRAGMA user_version = {version}")
        con.commit()
        con.close()
        r = c.get("/healthz")
        A.check_eq(r.status, 200, f"healthz after the repair ({r!r})")
        A.finish()

        A.begin("healthz after `truncate -s0` under the running server: 503")
        os.truncate(store.db, 0)
        t0 = time.monotonic()
        r = c.get("/healthz")
        took = time.monotonic() - t0
        A.check_eq(r.status, 503, f"healthz ({r!r})")
        A.check(took < 1, f"took {took:.2f} s")
        A.check("not found" not in r.body.decode(), f"{r!r}")
        A.finish()
    finally:
        server.kill()


if __name__ == "__main__":
    main()
