# Bad input: malformed JSON, bodies that are not objects, wrong types and
# unknown fields (422 naming the field), bodies over 8 MiB, huge numbers,
# NaN, negative years, the wrong Content-Type, bad query parameters,
# unknown paths and wrong methods. After each, the store is unchanged.
# SPDX-License-Identifier: AGPL-3.0-or-later

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402

MAX_BODY = 8 * 1024 * 1024
JSON = "application/json"


def main():
    store = A.Store()
    store.add_user("organiser@test.invalid", "organiser")
    store.add_user("editor@test.invalid", "editor", "901")
    server = A.Server(store)
    try:
        run(store, server)
    finally:
        rc = server.stop()
    A.begin("the server stops cleanly")
    A.check_eq(rc, 0, "exit code after SIGTERM")
    A.check("ilmava: stopped" in server.log_text(), "no 'stopped' line")
    A.finish()
    A.summary()


def run(store, server):
    ed = server.client()
    ed.login("editor@test.invalid")
    org = server.client()
    org.login("organiser@test.invalid")
    anon = server.client()
    doc = ed.get("/api/plans/1").json()
    v = doc["version"]
    n_measures = len(doc["measures"])
    mid = doc["measures"][0]["measure_id"]
    target = dict(doc["target"])

    def state():
        d = ed.get("/api/plans/1").json()
        return store.dump(), d["version"], len(d["measures"])

    base = state()

    def expect(name, client, method, path, status, field=None, statuses=None, **kw):
        """One bad request: its status (one of `statuses` when given), the
        field its error names (exactly, or for measure bodies, whose fields
        the reader names "measure.FIELD", its last component), and the
        store unchanged."""
        A.begin(name)
        r = client.request(method, path, **kw)
        ok = (r.status in statuses) if statuses else (r.status == status)
        A.check(ok, f"{method} {path}: got {r!r}, expected {statuses or status}")
        if r.status >= 400:
            j = r.json()
            A.check(isinstance(j, dict) and isinstance(j.get("error"), dict)
                    and isinstance(j["error"].get("code"), str)
                    and isinstance(j["error"].get("message"), str),
                    f"not a JSON error: {r!r}")
        if field is not None:
            got = r.error_field()
            suffix_ok = "/measures" in path and got is not None and got.endswith("." + field)
            A.check(got == field or suffix_ok,
                    f"the error names field {got!r}, expected {field!r}: {r!r}")
        now = state()
        A.check_eq(now[1], base[1], "plan 1's version afterwards")
        A.check_eq(now[2], base[2], "plan 1's measure count afterwards")
        A.check(now[0] == base[0], "the store changed: " + A.dump_difference(base[0], now[0]))
        A.finish()
        return r

    measure = {"id": "new-measure", "sector": "waste", "start": 2026, "full": 2030,
               "share": 0.1}
    new_plan = {"base_year": 2007, "target_year": 2035, "reduction": 0.5}

    # ---- not JSON: 400 ----
    for path, method in (("/api/plans/1", "PUT"), ("/api/plans/1/measures", "POST"),
                         ("/api/municipalities/901/plans", "POST"),
                         (f"/api/measures/{mid}", "PUT"), ("/api/plans/1/comments", "POST")):
        for body, what in (('{"version": 1,', "cut short"), ("not json", "not JSON"),
                           ("", "empty"), ('{"version":1,"version":2}', "a duplicate key"),
                           (b'{"name":"\xff\xfe"}', "invalid UTF-8"),
                           ("{'name': 'x'}", "single quotes")):
            expect(f"malformed JSON ({what}) to {method} {path}: 400", ed, method, path, 400,
                   body=body, content_type=JSON)
    expect("malformed JSON to POST /api/login: 400", anon, "POST", "/api/login", 400,
           body='{"email":', content_type=JSON)

    # ---- JSON that is not an object: 400 ----
    for body in ("[]", "[1, 2]", '[{"version": 1}]', '"text"', "null", "42", "true"):
        expect(f"a JSON {body} body to PUT /api/plans/1: 400", ed, "PUT", "/api/plans/1",
               400, body=body, content_type=JSON)
    expect("a JSON array to POST measures: 400", ed, "POST", "/api/plans/1/measures", 400,
           body='[{"id":"x"}]', content_type=JSON)
    expect("a JSON array to POST plans: 400", ed, "POST", "/api/municipalities/901/plans",
           400, body="[]", content_type=JSON)
    expect("a JSON array to PUT measure: 400", ed, "PUT", f"/api/measures/{mid}", 400,
           body="[]", content_type=JSON)
    expect("a JSON array to POST /api/login: 400", anon, "POST", "/api/login", 400,
           body="[]", content_type=JSON)

    # ---- wrong types: 422 naming the field ----
    cases = [
        ("PUT", "/api/plans/1", {"version": v, "name": 42}, "name"),
        ("PUT", "/api/plans/1", {"version": str(v)}, "version"),
        ("PUT", "/api/plans/1", {"version": 1.5}, "version"),
        ("PUT", "/api/plans/1", {"name": "no version"}, "version"),
        ("PUT", "/api/plans/1", {"version": v, "target": dict(target, reduction="high")},
         "target.reduction"),
        ("PUT", "/api/plans/1", {"version": v, "target": "2035"}, "target"),
        ("PUT", "/api/plans/1", {"version": v, "measures": {}}, "measures"),
        ("PUT", "/api/plans/1", {"version": v, "settings": {"draws": "many"}},
         "settings.draws"),
        ("POST", "/api/municipalities/901/plans", dict(new_plan, base_year="2007"),
         "base_year"),
        ("POST", "/api/municipalities/901/plans", dict(new_plan, target_year=2035.5),
         "target_year"),
        ("POST", "/api/municipalities/901/plans", dict(new_plan, reduction="0.8"), "reduction"),
        ("POST", "/api/municipalities/901/plans", dict(new_plan, scope=1), "scope"),
        ("POST", "/api/municipalities/901/plans", dict(new_plan, name=["x"]), "name"),
        ("POST", "/api/plans/1/measures", dict(measure, start="2026"), "start"),
        ("POST", "/api/plans/1/measures", dict(measure, share=True), "share"),
        ("POST", "/api/plans/1/measures", dict(measure, id=7), "id"),
        ("PUT", f"/api/measures/{mid}", {"share": "0.5"}, "share"),
        ("PUT", f"/api/measures/{mid}", {"capex": [1]}, "capex"),
        ("POST", "/api/plans/1/comments", {"body": 5}, "body"),
    ]
    for method, path, body, field in cases:
        expect(f"wrong type of {field} in {method} {path}: 422", ed, method, path, 422,
               field=field, json_body=body)
    expect("wrong type of email in POST /api/login: 422", anon, "POST", "/api/login", 422,
           field="email", json_body={"email": 5, "password": "long enough password"})

    # ---- unknown fields: 422 naming the field ----
    cases = [
        ("PUT", "/api/plans/1", {"version": v, "colour": "red"}, "colour"),
        ("PUT", "/api/plans/1", {"version": v, "target": dict(target, colour="red")},
         "target.colour"),
        ("POST", "/api/municipalities/901/plans", dict(new_plan, colour="red"), "colour"),
        ("POST", "/api/plans/1/measures", dict(measure, colour="red"), "colour"),
        ("PUT", f"/api/measures/{mid}", {"colour": "red"}, "colour"),
        ("POST", "/api/plans/1/comments", {"body": "x", "colour": "red"}, "colour"),
    ]
    for method, path, body, field in cases:
        expect(f"unknown field {field} in {method} {path}: 422", ed, method, path, 422,
               field=field, json_body=body)
    expect("unknown field in POST /api/login: 422", anon, "POST", "/api/login", 422,
           field="colour", json_body={"email": "a@b.c", "password": "x" * 12, "colour": 1})

    # ---- out of range, and rules of the model: 422 ----
    cases = [
        ("PUT", "/api/plans/1", {"version": v, "target": dict(target, reduction=1.5)},
         "target.reduction"),
        ("PUT", "/api/plans/1", {"version": v, "municipality": {"code": "902"}},
         "municipality"),
        ("POST", "/api/municipalities/901/plans", dict(new_plan, reduction=-0.1), "reduction"),
        ("POST", "/api/plans/1/measures", dict(measure, share=1.4), "share"),
        ("POST", "/api/plans/1/measures", dict(measure, start=2031), None),
        ("POST", "/api/plans/1/comments", {"body": ""}, None),
        ("POST", "/api/plans/1/comments", {"body": "x" * 10001}, None),
    ]
    for method, path, body, field in cases:
        expect(f"out of range ({field or 'a rule'}) in {method} {path}: 422", ed, method, path,
               422, field=field, json_body=body)

    # ---- huge numbers and NaN ----
    expect("reduction 1e400 in POST plans: 400 or 422", ed, "POST",
           "/api/municipalities/901/plans", None, statuses=(400, 422),
           body='{"base_year":2007,"target_year":2035,"reduction":1e400}', content_type=JSON)
    expect("reduction 1e300 in POST plans: 422", ed, "POST", "/api/municipalities/901/plans",
           422, field="reduction", json_body=dict(new_plan, reduction=1e300))
    expect("reduction 1e300 in PUT plan: 422", ed, "PUT", "/api/plans/1", 422,
           field="target.reduction",
           json_body={"version": v, "target": dict(target, reduction=1e300)})
    expect("share 1e400 in POST measures: 400 or 422", ed, "POST", "/api/plans/1/measures",
           None, statuses=(400, 422),
           body='{"id":"x","sector":"waste","start":2026,"full":2030,"share":1e400}',
           content_type=JSON)
    expect("capex -1e300 in PUT measure: 422", ed, "PUT", f"/api/measures/{mid}", 422,
           field="capex", json_body={"capex": -1e300})
    expect("base_year 10^30 in POST plans: 400 or 422", ed, "POST",
           "/api/municipalities/901/plans", None, statuses=(400, 422),
           body='{"base_year":1000000000000000000000000000000,"target_year":2035,'
                '"reduction":0.5}', content_type=JSON)
    expect("version 2^63 in PUT plan: 400 or 422", ed, "PUT", "/api/plans/1", None,
           statuses=(400, 422), body='{"version":9223372036854775808,"name":"x"}',
           content_type=JSON)
    for token in ("NaN", "Infinity", "-Infinity"):
        expect(f"reduction {token} (not JSON): 400", ed, "POST",
               "/api/municipalities/901/plans", 400,
               body=f'{{"base_year":2007,"target_year":2035,"reduction":{token}}}',
               content_type=JSON)
    expect("share NaN in PUT measure (not JSON): 400", ed, "PUT", f"/api/measures/{mid}", 400,
           body='{"share":NaN}', content_type=JSON)

    # ---- negative years: 422 ----
    expect("base_year -2007 in POST plans: 422", ed, "POST", "/api/municipalities/901/plans",
           422, field="base_year", json_body=dict(new_plan, base_year=-2007))
    expect("target_year -1 in POST plans: 422", ed, "POST", "/api/municipalities/901/plans",
           422, field="target_year", json_body=dict(new_plan, target_year=-1))
    expect("target.base_year -2007 in PUT plan: 422", ed, "PUT", "/api/plans/1", 422,
           field="target.base_year",
           json_body={"version": v, "target": dict(target, base_year=-2007)})
    expect("start -2026 in POST measures: 422", ed, "POST", "/api/plans/1/measures", 422,
           field="start", json_body=dict(measure, start=-2026))
    expect("full -2030 in PUT measure: 422", ed, "PUT", f"/api/measures/{mid}", 422,
           field="full", json_body={"full": -2030})
    r = expect("year -5 in an inventory CSV: 422", ed, "POST",
               "/api/municipalities/901/inventory", 422,
               body="municipality,year,sector,ets,t\n901,-5,waste,false,1\n",
               content_type="text/csv")
    A.begin("the CSV error names the line")
    A.check("line 2" in r.body.decode(), f"no line number: {r!r}")
    A.finish()
    expect("negative t in an inventory CSV: 422", ed, "POST",
           "/api/municipalities/901/inventory", 422,
           body="municipality,year,sector,ets,t\n901,2024,waste,false,1\n"
                "901,2024,machinery,false,-3\n", content_type="text/csv")

    # ---- the wrong Content-Type: 415 ----
    for method, path, ct, body in (
            ("PUT", "/api/plans/1", "text/plain", f'{{"version":{v},"name":"x"}}'),
            ("PUT", "/api/plans/1", None, f'{{"version":{v},"name":"x"}}'),
            ("PUT", "/api/plans/1", "application/x-www-form-urlencoded", "version=1"),
            ("POST", "/api/plans/1/measures", "text/csv", '{"id":"x"}'),
            ("POST", "/api/municipalities/901/plans", "application/jsonp", "{}"),
            ("PUT", f"/api/measures/{mid}", "text/html", '{"notes":"x"}'),
            ("POST", "/api/plans/1/comments", "multipart/form-data; boundary=x", "--x--"),
            ("POST", "/api/municipalities/901/inventory", JSON,
             "municipality,year,sector,ets,t\n901,2024,waste,false,1\n"),
            ("POST", "/api/municipalities/901/inventory", None,
             "municipality,year,sector,ets,t\n901,2024,waste,false,1\n")):
        expect(f"Content-Type {ct} to {method} {path}: 415", ed, method, path, 415,
               body=body, content_type=ct)
    expect("Content-Type text/plain to POST /api/login: 415", anon, "POST", "/api/login", 415,
           body='{"email":"a@b.c","password":"xxxxxxxxxxxx"}', content_type="text/plain")
    # ... and a parameter on the right type is fine.
    expect("application/json; charset=utf-8 passes the type check (then 422)", ed, "PUT",
           "/api/plans/1", 422, field="colour", body=f'{{"version":{v},"colour":1}}',
           content_type=JSON + "; charset=utf-8")

    # ---- bad query parameters: 422 naming the parameter ----
    for path, field in (
            ("/api/municipalities/901/inventory?scope=x", "scope"),
            ("/api/municipalities/901/inventory?scope=", "scope"),
            ("/api/municipalities/901/inventory?from=-5", "from"),
            ("/api/municipalities/901/inventory?from=abc", "from"),
            ("/api/municipalities/901/inventory?to=2020x", "to"),
            ("/api/municipalities/901/inventory?from=2020&to=2010", "from"),
            ("/api/plans/1/pathway?draws=-1", "draws"),
            ("/api/plans/1/pathway?draws=abc", "draws"),
            ("/api/plans/1/pathway?draws=200001", "draws"),
            ("/api/plans/1/pathway?draws=99999999999999999999999", "draws"),
            ("/api/plans/1/pathway?seed=-1", "seed"),
            ("/api/municipalities/901/peers?k=0", "k"),
            ("/api/municipalities/901/peers?k=51", "k"),
            ("/api/municipalities/901/peers?k=-1", "k"),
            ("/api/municipalities/901/peers?k=%2B5", "k"),
            ("/api/municipalities/901/peers?k=%205", "k"),
            ("/api/plans/1/pathway?seed=1x", "seed"),
            ("/api/plans/1/audit?limit=", "limit"),
            ("/api/plans/1/audit?limit=0", "limit"),
            ("/api/plans/1/audit?limit=1001", "limit"),
            ("/api/plans/1/audit?before=-5", "before")):
        expect(f"GET {path}: 422", ed, "GET", path, 422, field=field)
    expect("GET /api/audit?plan=x: 422", org, "GET", "/api/audit?plan=x", 422, field="plan")

    # ---- unknown paths: 404; wrong methods: 405 with Allow ----
    for path in ("/api/nothing", "/api/plans", "/api/plans/999999", "/api/plans/abc",
                 "/api/plans/0", "/api/plans/-1", "/api/plans/1/nothing",
                 "/api/plans/999999/pathway", "/nothing", "/assets/nothing.js",
                 "/api/municipalities/999",
                 "/api/municipalities/999/plans", "/api/municipalities/abc/inventory"):
        expect(f"GET {path} as organiser: 404", org, "GET", path, 404)
    expect("PUT /api/measures/999999: 404", ed, "PUT", "/api/measures/999999", 404,
           json_body={"notes": "x"})
    expect("DELETE /api/plans/999999: 404", ed, "DELETE", "/api/plans/999999", 404)
    for method, path, allow in (("PATCH", "/api/plans/1", {"GET", "PUT", "DELETE"}),
                                ("DELETE", "/api/sectors", {"GET"}),
                                ("GET", "/api/login", {"POST"}),
                                ("PUT", "/api/audit", {"GET"}),
                                ("POST", "/api/plans/1/pathway", {"GET"}),
                                ("GET", "/api/plans/1/publish", {"POST"})):
        r = expect(f"{method} {path}: 405", ed, method, path, 405)
        A.begin(f"{method} {path}: Allow header")
        got = {m.strip() for m in (r.header("Allow") or "").split(",") if m.strip()}
        A.check(allow <= got and method not in got,
                f"Allow: {r.header('Allow')!r}, expected {sorted(allow)}")
        A.finish()

    # ---- bodies over 8 MiB: 413 ----
    port = server.port
    head = (f"PUT /api/plans/1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Origin: {server.origin}\r\nCookie: ilmava_session={ed.cookie}\r\n"
            f"X-CSRF-Token: {ed.csrf}\r\nContent-Type: application/json\r\n")
    A.begin("Content-Length 8 MiB + 1: 413 before the body is sent")
    raw = A.raw_request(port, (head + f"Content-Length: {MAX_BODY + 1}\r\n\r\n").encode())
    A.check_eq(A.status_of(raw), 413, f"status ({raw[:200]!r})")
    A.finish()
    A.begin("a chunked body of 9 MiB: 413")
    chunk = b"x" * (1024 * 1024)
    body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(9)) + b"0\r\n\r\n"
    raw = A.raw_request(port, (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + body,
                        read_timeout=30)
    A.check_eq(A.status_of(raw), 413, f"status ({raw[:200]!r})")
    A.finish()
    # Exactly 8 MiB is allowed through to the handler (which refuses the
    # comment as too long); one byte more is 413.
    prefix, suffix = b'{"body":"', b'"}'
    fill = MAX_BODY - len(prefix) - len(suffix)
    exact = prefix + b"x" * fill + suffix
    expect("a body of exactly 8 MiB reaches the handler: 422", ed, "POST",
           "/api/plans/1/comments", 422, body=exact, content_type=JSON)
    A.begin("a body of 8 MiB + 1 sent in full: 413")
    head2 = head.replace("PUT /api/plans/1 ", "POST /api/plans/1/comments ")
    raw = A.raw_request(port, (head2 + f"Content-Length: {MAX_BODY + 1}\r\n\r\n").encode()
                        + prefix + b"x" * (fill + 1) + suffix, read_timeout=30)
    A.check_eq(A.status_of(raw), 413, f"status ({raw[:200]!r})")
    A.finish()

    A.begin("after all the bad input: the store, plan 1 and the server are as before")
    now = state()
    A.check(now[0] == base[0], "the store changed: " + A.dump_difference(base[0], now[0]))
    A.check_eq((now[1], now[2]), (base[1], base[2]), "plan 1's version and measure count")
    A.check_eq(ed.get("/healthz").status, 200, "GET /healthz")
    r = ed.put("/api/plans/1", {"version": v, "name": "a good change at last"})
    A.check_eq(r.status, 200, "a valid PUT still works")
    A.check_eq(n_measures, len(r.json()["measures"]), "measures after the valid PUT")
    A.finish()


if __name__ == "__main__":
    main()
