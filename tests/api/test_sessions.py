# CSRF and sessions: changing requests without the right Origin or
# X-CSRF-Token are refused and change nothing; the session cookie's
# attributes; wrong passwords; the failed-login waits; idle and maximum
# session lifetimes; logout; `user disable` and `user passwd` on the
# command line while the server runs; passwords never in the log or the
# store.
# SPDX-License-Identifier: AGPL-3.0-or-later

import http.client
import json
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402

EVIL = "http://evil.example"


def main():
    store = A.Store()
    store.add_user("organiser@test.invalid", "organiser")
    store.add_user("anna@test.invalid", "editor", "901")
    store.add_user("bert@test.invalid", "editor", "901")
    store.add_user("victim@test.invalid", "editor", "901")
    store.add_user("leaving@test.invalid", "editor", "901")
    store.add_user("forgetful@test.invalid", "viewer", "901")
    server = A.Server(store)
    # Short-lived sessions, on their own servers (same store).
    idle_server = A.Server(store, "--session-idle", "2")
    max_server = A.Server(store, "--session-max", "2")
    wrong_passwords = []
    try:
        # Logged in first, checked after the other cases: the sleep overlaps.
        idle_c = idle_server.client()
        idle_c.login("anna@test.invalid")
        busy_c = idle_server.client()
        busy_c.login("victim@test.invalid")
        max_c = max_server.client()
        max_c.login("anna@test.invalid")
        t_login = time.monotonic()
        A.begin("short sessions work right after login")
        A.check_eq(idle_c.get("/api/me").status, 200, "GET /api/me with --session-idle 2")
        A.check_eq(max_c.get("/api/me").status, 200, "GET /api/me with --session-max 2")
        A.finish()

        # A session in use stays alive however short the idle period:
        # its use is recorded at least every half idle period.
        A.begin("a session in use does not expire as idle (--session-idle 2, 4 s of use)")
        for i in range(8):
            A.check_eq(busy_c.get("/api/me").status, 200, f"GET /api/me #{i + 1}, 0.5 s apart")
            time.sleep(0.5)
        A.finish()

        csrf_cases(store, server)
        login_cases(store, server, wrong_passwords)
        logout_cases(store, server)
        cli_cases(store, server, wrong_passwords)

        A.begin("an idle session ends (--session-idle 2, 3 s later: 401)")
        time.sleep(max(0.0, 3.2 - (time.monotonic() - t_login)))
        r = idle_c.get("/api/me")
        A.check_eq(r.status, 401, "GET /api/me after 3 s idle")
        cookie = A.session_cookie(r)
        A.check(cookie == "", f"the expired session's cookie is not cleared: {r.headers}")
        A.finish()
        A.begin("a session ends at its maximum age (--session-max 2, 3 s later: 401)")
        A.check_eq(max_c.get("/api/me").status, 401, "GET /api/me 3 s after login")
        A.finish()
    finally:
        rcs = [s.stop() for s in (server, idle_server, max_server)]
    A.begin("the servers stop with exit code 0")
    A.check_eq(rcs, [0, 0, 0], "exit codes")
    A.finish()

    A.begin("passwords are never in the access log nor in the store's files")
    log = server.log_text() + idle_server.log_text() + max_server.log_text()
    A.check("POST /api/login 200" in log, "the access log has no login line:\n" + log[-500:])
    files = [os.path.join(store.dir, f) for f in os.listdir(store.dir)]
    blobs = {f: open(f, "rb").read() for f in files if os.path.isfile(f)}
    for pw in list(store.passwords.values()) + wrong_passwords:
        A.check(pw not in log, f"the password {pw!r} is in the access log")
        for f, data in blobs.items():
            A.check(pw.encode() not in data,
                    f"the password {pw!r} is in {os.path.basename(f)}")
    A.finish()
    A.summary()


def csrf_cases(store, server):
    anna = server.client()
    anna.login("anna@test.invalid")
    bert = server.client()
    bert.login("bert@test.invalid")
    doc = anna.get("/api/plans/1").json()
    version = doc["version"]
    measure = doc["measures"][0]["measure_id"]
    before = store.dump()
    A.begin("changing requests without the right Origin or CSRF token: 403, nothing changes")
    attempts = [
        ("no X-CSRF-Token", dict(csrf=False), "bad_csrf_token"),
        ("a wrong X-CSRF-Token", dict(csrf="0" * 64), "bad_csrf_token"),
        ("an empty X-CSRF-Token", dict(csrf=""), "bad_csrf_token"),
        ("another session's X-CSRF-Token", dict(csrf=bert.csrf), "bad_csrf_token"),
        ("a foreign Origin", dict(origin=EVIL), "bad_origin"),
        ("Origin null", dict(origin="null"), "bad_origin"),
        ("the right Origin with another port",
         dict(origin=f"http://127.0.0.1:{server.port + 1}"), "bad_origin"),
        ("no Origin", dict(origin=False), "bad_origin"),
    ]
    requests = [
        ("PUT", "/api/plans/1", dict(json_body={"version": version, "name": "CSRF was here"})),
        ("POST", "/api/plans/1/measures",
         dict(json_body={"id": "csrf", "sector": "waste", "start": 2026, "full": 2030,
                         "share": 0.1})),
        ("PUT", f"/api/measures/{measure}", dict(json_body={"notes": "csrf"})),
        ("DELETE", f"/api/measures/{measure}", {}),
        ("DELETE", "/api/plans/1", {}),
        ("POST", "/api/plans/1/publish", {}),
        ("POST", "/api/plans/1/comments", dict(json_body={"body": "csrf"})),
        ("POST", "/api/municipalities/901/plans",
         dict(json_body={"base_year": 2007, "target_year": 2030, "reduction": 0.5})),
        ("POST", "/api/municipalities/901/inventory",
         dict(body="municipality,year,sector,ets,t\n901,2024,waste,false,1\n",
              content_type="text/csv")),
        ("POST", "/api/logout", {}),
    ]
    for what, how, code in attempts:
        for method, path, kw in requests:
            r = anna.request(method, path, **kw, **how)
            A.check(r.status == 403, f"{method} {path} with {what}: got {r!r}, expected 403")
            j = r.json() or {}
            A.check_eq(j.get("error", {}).get("code"), code, f"{method} {path} with {what}: "
                       "error code")
    # Anonymous: the Origin rule applies before signing in, too.
    anon = server.client()
    r = anon.post("/api/login", {"email": "anna@test.invalid",
                                 "password": store.passwords["anna@test.invalid"]},
                  origin=EVIL)
    A.check_eq(r.status, 403, "login with a foreign Origin")
    A.check(A.session_cookie(r) is None, "a refused login sets a cookie")
    r = anon.post("/api/login", {"email": "anna@test.invalid",
                                 "password": store.passwords["anna@test.invalid"]},
                  origin=False)
    A.check_eq(r.status, 403, "login without Origin")
    A.check_eq(anon.post("/api/plans/1/optimize", origin=EVIL).status, 403,
               "anonymous POST optimize with a foreign Origin")
    after = store.dump()
    A.check(before == after, "the store changed: " + A.dump_difference(before, after))
    r = anna.get("/api/plans/1")
    A.check_eq(r.json()["version"], version, "plan 1's version")
    A.check_eq(len(r.json()["measures"]), len(doc["measures"]), "plan 1's measure count")
    A.check_eq(anna.get("/api/me").status, 200, "the session after the refused logouts")
    # And with the right token and Origin the same change goes through.
    r = anna.put("/api/plans/1", {"version": version, "name": "with the token"})
    A.check_eq(r.status, 200, "PUT with the right Origin and token")
    A.finish()


def login_cases(store, server, wrong_passwords):
    A.begin("login: the session cookie is HttpOnly and SameSite=Strict; /api/me agrees")
    c = server.client()
    r = c.login("bert@test.invalid")
    cookies = [v for v in r.all_headers("Set-Cookie") if v.startswith("ilmava_session=")]
    A.check_eq(len(cookies), 1, "ilmava_session cookies set")
    attrs = [a.strip().lower() for a in (cookies[0].split(";")[1:] if cookies else [])]
    A.check("httponly" in attrs, f"no HttpOnly: {cookies}")
    A.check("samesite=strict" in attrs, f"no SameSite=Strict: {cookies}")
    A.check("path=/" in attrs, f"no Path=/: {cookies}")
    A.check("secure" not in attrs, f"Secure without --behind-tls: {cookies}")
    A.check(len(c.cookie or "") >= 32, f"a short session token: {c.cookie!r}")
    A.check_eq(r.header("Cache-Control"), "no-store", "Cache-Control of the login reply")
    me = c.get("/api/me")
    A.check_eq(me.status, 200, "GET /api/me")
    A.check_eq((me.json() or {}).get("csrf_token"), c.csrf, "/api/me's csrf_token")
    A.check_eq((me.json() or {}).get("user", {}).get("email"), "bert@test.invalid", "email")
    A.check("password" not in me.body.decode(), "/api/me mentions a password")
    A.finish()

    A.begin("login: a wrong password or an unknown email is 401 bad_login")
    anon = server.client()
    wrong = "not-the-password-1"
    wrong_passwords.append(wrong)
    r = anon.post("/api/login", {"email": "bert@test.invalid", "password": wrong})
    A.check_eq(r.status, 401, "wrong password")
    A.check_eq((r.json() or {}).get("error", {}).get("code"), "bad_login", "error code")
    A.check(A.session_cookie(r) is None, "a failed login sets a cookie")
    r2 = anon.post("/api/login", {"email": "nobody@test.invalid", "password": wrong})
    A.check_eq(r2.status, 401, "unknown email")
    A.check_eq(r2.body, r.body, "the unknown email's reply equals the wrong password's")
    A.check_eq(anon.get("/api/me").status, 401, "GET /api/me without a session")
    forged = server.client()
    forged.cookie = "ab" * 32
    A.check_eq(forged.get("/api/me").status, 401, "GET /api/me with a made-up cookie")
    A.finish()

    A.begin("login: after 5 failures on an account, the next try from that address waits "
            "(429 login_delayed with Retry-After), even with the right password; the owner "
            "gets in from another address")
    email = "victim@test.invalid"
    for i in range(5):
        pw = f"wrong-password-{i}"
        wrong_passwords.append(pw)
        r = anon.post("/api/login", {"email": email, "password": pw})
        A.check_eq(r.status, 401, f"failure {i + 1}")
    r = anon.post("/api/login", {"email": email, "password": "wrong-password-5"})
    wrong_passwords.append("wrong-password-5")
    A.check_eq(r.status, 429, "the sixth attempt")
    A.check_eq((r.json() or {}).get("error", {}).get("code"), "login_delayed", "error code")
    retry = r.header("Retry-After")
    A.check(retry is not None and retry.isdigit() and 1 <= int(retry) <= 60,
            f"Retry-After: {retry!r} (a short wait, not a lock)")
    r = anon.post("/api/login", {"email": email, "password": store.passwords[email]})
    A.check_eq(r.status, 429, "the right password during the wait")
    A.check(A.session_cookie(r) is None, "a delayed login sets a cookie")
    r = anon.post("/api/login", {"email": email.upper(), "password": store.passwords[email]})
    A.check_eq(r.status, 429, "the right password, email in capitals, during the wait")
    # The owner, from an address with no failures, is not locked out.
    owner = A.Response(0, [], b"")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60,
                                        source_address=("127.0.0.2", 0))
    try:
        conn.request("POST", "/api/login",
                     body=json.dumps({"email": email, "password": store.passwords[email]}),
                     headers={"Content-Type": "application/json", "Origin": server.origin})
        resp = conn.getresponse()
        owner = A.Response(resp.status, resp.getheaders(), resp.read())
    finally:
        conn.close()
    A.check_eq(owner.status, 200, "the right password from another address (127.0.0.2)")
    # Another account is not held.
    other = server.client()
    r = other.login("bert@test.invalid")
    A.check_eq(r.status, 200, "another account's login")
    A.finish()


def logout_cases(store, server):
    A.begin("logout ends the session: the old cookie gets 401 afterwards")
    c = server.client()
    c.login("bert@test.invalid")
    token = c.cookie
    before = store.query("SELECT count(*) FROM session")[0][0]
    r = c.post("/api/logout")
    A.check_eq(r.status, 204, "POST /api/logout")
    A.check_eq(A.session_cookie(r), "", "the cookie is cleared")
    A.check_eq(store.query("SELECT count(*) FROM session")[0][0], before - 1,
               "sessions in the store")
    c.cookie = token
    A.check_eq(c.get("/api/me").status, 401, "GET /api/me with the old cookie")
    A.check_eq(c.put("/api/plans/1", {"version": 1, "name": "x"}).status, 404,
               "PUT an unpublished plan with the old cookie")
    A.check_eq(c.post("/api/logout").status, 401, "a second logout")
    A.finish()


def cli_cases(store, server, old_passwords):
    A.begin("`ilmava user disable` ends the user's session at once")
    c = server.client()
    c.login("leaving@test.invalid")
    A.check_eq(c.get("/api/me").status, 200, "GET /api/me before")
    r = store.cli("user", "disable", "leaving@test.invalid")
    A.check_eq(r.returncode, 0, f"user disable exit code ({r.stderr.strip()})")
    A.check_eq(c.get("/api/me").status, 401, "GET /api/me after user disable")
    A.check_eq(c.get("/api/municipalities/901/plans").status, 401,
               "GET a municipality's plans after user disable")
    r = server.client().post("/api/login", {"email": "leaving@test.invalid",
                                            "password": store.passwords["leaving@test.invalid"]})
    A.check_eq(r.status, 401, "login of the disabled user")
    A.finish()

    A.begin("`ilmava user passwd` ends the user's sessions; the new password works")
    c = server.client()
    c.login("forgetful@test.invalid")
    new = "a-brand-new-password-42"
    r = store.cli("user", "passwd", "forgetful@test.invalid", "--password-stdin",
                  input=new + "\n")
    A.check_eq(r.returncode, 0, f"user passwd exit code ({r.stderr.strip()})")
    A.check_eq(c.get("/api/me").status, 401, "GET /api/me after user passwd")
    old = store.passwords["forgetful@test.invalid"]
    old_passwords.append(old)  # still checked against the log and the files
    store.passwords["forgetful@test.invalid"] = new
    r = server.client().post("/api/login", {"email": "forgetful@test.invalid", "password": old})
    A.check_eq(r.status, 401, "login with the old password")
    r = server.client().post("/api/login", {"email": "forgetful@test.invalid", "password": new})
    A.check_eq(r.status, 200, "login with the new password")
    A.finish()


if __name__ == "__main__":
    main()
