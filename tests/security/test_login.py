# Login limits that cannot be turned against users (issue 12, items 4-7),
# against the real server: failures make the next try wait longer and
# longer (429 login_delayed with Retry-After, no hash while the wait runs);
# a correct password from an address with no failures always gets in,
# however many failures the account has, and signing in to one's own
# account does not make an address clean for another; parallel wrong tries never reach
# the hash more often than the limit allows; the limits are in the store,
# so a restart keeps them and two servers on one store share them; and
# X-Forwarded-For from a client that is not a trusted proxy is ignored.
#
# Clients bind their sockets to addresses in 127.0.0.0/8 (127.0.0.2 ...)
# to be different clients of the server on 127.0.0.1. Every attack is a
# few dozen requests; the waits slept are the real first ones (1 s, 2 s).
# SPDX-License-Identifier: AGPL-3.0-or-later

import http.client
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
import apilib as A  # noqa: E402

FREE_ACCOUNT = 5   # tries an account gets without a wait (src/api/auth.c)
WRONG = "not-the-password"


def login(server, source, email, password, headers=None):
    """POST /api/login from the local address `source`; a Response."""
    body = json.dumps({"email": email, "password": password})
    h = {"Content-Type": "application/json", "Origin": server.origin}
    h.update(headers or {})
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60,
                                      source_address=(source, 0))
    try:
        conn.request("POST", "/api/login", body=body, headers=h)
        r = conn.getresponse()
        return A.Response(r.status, r.getheaders(), r.read())
    finally:
        conn.close()


def code(r):
    return ((r.json() or {}).get("error") or {}).get("code")


def failures(store, kind, name):
    """The count the store keeps for an address or an account (0: no row)."""
    rows = store.query("SELECT failures FROM login_limit WHERE kind = ? AND name = ?",
                       (kind, name))
    return rows[0][0] if rows else 0


def set_waiting(store, email):
    """Puts an account at 1000 failures and a 15-minute wait, as a long
    attack would (written to the store while the server runs)."""
    con = sqlite3.connect(store.db, timeout=10)
    try:
        with con:
            con.execute("UPDATE login_limit SET failures = 1000, next_ms = ? "
                        "WHERE kind = 'account' AND name = ?",
                        (int(time.time() * 1000) + 900_000, email))
    finally:
        con.close()


def check_delayed(r, what, retry_max=None):
    """r is 429 login_delayed with a whole Retry-After (at most retry_max);
    returns the Retry-After as a number (0 when missing)."""
    A.check_eq(r.status, 429, what)
    A.check_eq(code(r), "login_delayed", f"{what}: error code")
    A.check(A.session_cookie(r) is None, f"{what}: sets a cookie")
    retry = r.header("Retry-After") or ""
    A.check(retry.isdigit() and int(retry) >= 1, f"{what}: Retry-After {retry!r}")
    n = int(retry) if retry.isdigit() else 0
    if retry_max is not None:
        A.check(n <= retry_max, f"{what}: Retry-After {n}, at most {retry_max} expected")
    return n


def growing_delays(store, server):
    A.begin("failures make the next try wait longer: 1 s, 2 s, 4 s (429 login_delayed, "
            "Retry-After), and nothing is hashed while a wait runs")
    email, src = "growing@test.invalid", "127.0.0.2"
    for i in range(FREE_ACCOUNT):
        A.check_eq(login(server, src, email, WRONG).status, 401, f"free try {i + 1}")
    retries = []
    for wait in (1, 2, 4):
        retries.append(check_delayed(login(server, src, email, WRONG),
                                     f"a wrong try at once (wait {wait} s)", wait))
        r = login(server, src, email, store.passwords[email])
        check_delayed(r, f"the right password from the same address (wait {wait} s)", wait)
        if wait < 4:
            time.sleep(wait + 0.05)
            A.check_eq(login(server, src, email, WRONG).status, 401,
                       f"a wrong try after waiting {wait} s")
    A.check(retries == sorted(retries) and retries[-1] > retries[0],
            f"Retry-After grows: {retries}")
    # 5 free tries and two after waiting reached the hash; the 429s did not.
    A.check_eq(failures(store, "account", email), FREE_ACCOUNT + 2, "the account's count")
    A.check_eq(failures(store, "address", src), FREE_ACCOUNT + 2, "the address's count")
    # X-Forwarded-For from a client that is not a trusted proxy changes
    # nothing: it cannot pose as a clean address.
    r = login(server, src, email, store.passwords[email],
              headers={"X-Forwarded-For": "127.0.0.99"})
    check_delayed(r, "the right password with a made-up X-Forwarded-For")
    A.finish()


def clean_address_gets_in(store, server):
    A.begin("a correct password from an address with no failures gets in, however many "
            "failures the account has; a success clears the counts")
    email, attacker, owner = "official@test.invalid", "127.0.0.3", "127.0.0.4"
    for i in range(FREE_ACCOUNT):
        A.check_eq(login(server, attacker, email, WRONG).status, 401, f"attacker's try {i + 1}")
    check_delayed(login(server, attacker, email, store.passwords[email]),
                  "the right password from the attacker's address")
    set_waiting(store, email)  # as if the attack had gone on for hours
    t0 = time.monotonic()
    r = login(server, owner, email, store.passwords[email])
    took = time.monotonic() - t0
    A.check_eq(r.status, 200, "the owner's login from a clean address")
    A.check(A.session_cookie(r), "the owner's login sets the session cookie")
    A.check_eq(failures(store, "account", email), 0, "the account's count after the success")
    A.check_eq(failures(store, "address", owner), 0, "the owner's address after the success")
    A.check_eq(failures(store, "address", attacker), FREE_ACCOUNT,
               "the attacker's address keeps its count")
    # The owner's success lifted the account's wait: the attacker starts
    # over with the account's free tries, still counted on its address.
    A.check_eq(login(server, attacker, email, WRONG).status, 401, "the attacker's next try")
    # A wrong password from a clean address is one try, then that address
    # waits with the account like any other.
    email2, fresh = "official2@test.invalid", "127.0.0.5"
    for i in range(FREE_ACCOUNT):
        login(server, attacker, email2, WRONG)
    set_waiting(store, email2)  # long enough for the slow steps below
    A.check_eq(login(server, fresh, email2, WRONG).status, 401, "a clean address's wrong try")
    check_delayed(login(server, fresh, email2, store.passwords[email2]),
                  "the same address's next try while the account waits")
    # Signing in to an account of its own clears the attacker's address
    # count, but does not make it clean for the account it guesses on.
    A.check_eq(login(server, attacker, "insider@test.invalid",
                     store.passwords["insider@test.invalid"]).status, 200,
               "the attacker signs in to its own account")
    A.check_eq(failures(store, "address", attacker), 0, "the attacker's address count")
    check_delayed(login(server, attacker, email2, WRONG),
                  "the attacker's next try on the waiting account")
    A.check(took < 10, f"the owner's login took {took:.1f} s")
    A.finish()


def parallel_tries(store, server):
    A.begin("parallel wrong tries: with 3 failures, 8 at once reach the hash exactly "
            "2 times (5 free tries); the rest get 429")
    email, src = "parallel@test.invalid", "127.0.0.6"
    for i in range(3):
        A.check_eq(login(server, src, email, WRONG).status, 401, f"failure {i + 1}")
    statuses = burst(server, src, email, 8)
    A.check_eq(statuses.count(401), FREE_ACCOUNT - 3, f"tries that were hashed ({statuses})")
    A.check_eq(statuses.count(429), 8 - (FREE_ACCOUNT - 3), f"tries refused ({statuses})")
    A.check_eq(failures(store, "account", email), FREE_ACCOUNT, "the account's count")
    A.finish()

    A.begin("parallel tries from a clean address on a waiting account: exactly 1 is hashed")
    statuses = burst(server, "127.0.0.7", email, 8)
    A.check_eq(statuses.count(401), 1, f"tries that were hashed ({statuses})")
    A.check_eq(statuses.count(429), 7, f"tries refused ({statuses})")
    A.check_eq(failures(store, "account", email), FREE_ACCOUNT + 1, "the account's count")
    A.finish()


def burst(server, src, email, k):
    """k wrong logins at once, each on its own connection; their statuses."""
    go = threading.Barrier(k)
    out = [None] * k

    def one(i):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60,
                                          source_address=(src, 0))
        try:
            conn.connect()
            go.wait(10)
            conn.request("POST", "/api/login",
                         body=json.dumps({"email": email, "password": f"{WRONG}-{i}"}),
                         headers={"Content-Type": "application/json",
                                  "Origin": server.origin})
            out[i] = conn.getresponse().status
        except OSError as e:
            out[i] = repr(e)
        finally:
            conn.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(k)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def kept_and_shared(store, server, other):
    A.begin("the limits are in the store: a second server on it sees them")
    email, src = "shared@test.invalid", "127.0.0.8"
    for i in range(FREE_ACCOUNT):
        A.check_eq(login(server, src, email, WRONG).status, 401, f"try {i + 1}")
    check_delayed(login(other, src, email, WRONG), "the next try, on the second server", 1)
    A.finish()

    A.begin("the limits survive a restart")
    A.check_eq(server.stop(), 0, "the server stops with 0")
    restarted = A.Server(store)
    A.check_eq(failures(store, "account", email), FREE_ACCOUNT, "the account's count")
    time.sleep(1.05)  # the 1 s wait of the 5th failure
    A.check_eq(login(restarted, src, email, WRONG).status, 401, "a try after the wait")
    # Had the restart forgotten the count, this would be a free try.
    check_delayed(login(restarted, src, email, WRONG), "the next try at once: 2 s", 2)
    A.check_eq(login(restarted, "127.0.0.9", email, store.passwords[email]).status, 200,
               "the owner, from a clean address")
    A.finish()
    return restarted


def behind_a_proxy(store):
    """With --trusted-proxy (once the server has it), the limits count the
    client's own address: one client's failures do not hold another client
    of the same proxy."""
    usage = subprocess.run([A.BIN, "serve", "--help"], capture_output=True, text=True)
    if "--trusted-proxy" not in usage.stdout + usage.stderr:
        print("# behind a proxy: skipped (serve has no --trusted-proxy)")
        return
    A.begin("behind a trusted proxy, the limits count each client's own address")
    server = A.Server(store, "--trusted-proxy", "127.0.0.10")
    try:
        email, proxy = "proxied@test.invalid", "127.0.0.10"
        bad = {"X-Forwarded-For": "198.51.100.1"}
        good = {"X-Forwarded-For": "198.51.100.2"}
        for i in range(FREE_ACCOUNT):
            A.check_eq(login(server, proxy, email, WRONG, bad).status, 401, f"try {i + 1}")
        check_delayed(login(server, proxy, email, WRONG, bad), "the guessing client's next try")
        A.check_eq(failures(store, "address", "198.51.100.1"), FREE_ACCOUNT,
                   "the guessing client's count")
        r = login(server, proxy, email, store.passwords[email], good)
        A.check_eq(r.status, 200, "another client of the proxy, with the right password")
    finally:
        server.stop()
    A.finish()


def main():
    store = A.Store()
    for email in ("growing@test.invalid", "official@test.invalid", "official2@test.invalid",
                  "parallel@test.invalid", "shared@test.invalid", "proxied@test.invalid",
                  "insider@test.invalid"):
        store.add_user(email, "editor", "901")
    server = A.Server(store)
    other = A.Server(store)
    try:
        growing_delays(store, server)
        clean_address_gets_in(store, server)
        parallel_tries(store, server)
        server = kept_and_shared(store, server, other)
        behind_a_proxy(store)
    finally:
        server.stop()
        other.stop()
    A.summary()


if __name__ == "__main__":
    main()
