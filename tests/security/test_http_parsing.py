# HTTP parsing (issue 12, items 12 to 15 and the address part of 4):
#   - framing a proxy could read differently (two different Content-Length,
#     Content-Length with Transfer-Encoding: chunked, HTTP/1.1 without
#     Host) gets 400 before any handler runs;
#   - too many query parameters and too long a URI get 414, too many
#     headers 431: our JSON error with our security headers, and a log line;
#   - a path with an encoded NUL or another control character gets 404;
#   - the expected Origin comes from the listen address or --origin, never
#     from the request's Host;
#   - `serve --trusted-proxy` refuses what is not an address or a range.
# SPDX-License-Identifier: AGPL-3.0-or-later

import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
import apilib as A  # noqa: E402

SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                    "X-Frame-Options": "DENY"}


def head_of(raw):
    """The header lines of a raw response as {lower-case name: value}."""
    head = raw.partition(b"\r\n\r\n")[0].decode("latin-1")
    out = {}
    for line in head.split("\r\n")[1:]:
        k, _, v = line.partition(":")
        out[k.strip().lower()] = v.strip()
    return out


def body_of(raw):
    return raw.partition(b"\r\n\r\n")[2]


def check_ours(raw, status, what):
    """raw is our JSON error with `status` and the security headers."""
    A.check_eq(A.status_of(raw), status, f"{what}: status")
    h = head_of(raw)
    for k, v in SECURITY_HEADERS.items():
        A.check_eq(h.get(k.lower()), v, f"{what}: {k}")
    A.check_eq(h.get("content-type"), "application/json", f"{what}: Content-Type")
    A.check(b'"error"' in body_of(raw), f"{what}: a JSON error, got {A.short(body_of(raw))}")


def login_body(server, store):
    return ('{"email":"editor@test.invalid","password":"%s"}'
            % store.passwords["editor@test.invalid"])


def framing(store, server):
    port = server.port
    host = f"127.0.0.1:{port}"
    origin = server.origin
    body = login_body(server, store)
    n = len(body)
    cases = [
        ("two different Content-Length headers",
         f"POST /api/login HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\n"
         f"Content-Type: application/json\r\nContent-Length: {n}\r\nContent-Length: {n + 5}\r\n"
         f"Connection: close\r\n\r\n{body}     "),
        ("Content-Length and Transfer-Encoding: chunked",
         f"POST /api/login HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\n"
         f"Content-Type: application/json\r\nContent-Length: 5\r\n"
         f"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
         f"{n:x}\r\n{body}\r\n0\r\n\r\n"),
        ("HTTP/1.1 without Host",
         f"POST /api/login HTTP/1.1\r\nOrigin: {origin}\r\n"
         f"Content-Type: application/json\r\nContent-Length: {n}\r\n"
         f"Connection: close\r\n\r\n{body}"),
        ("a header name with a space (Content-Length : N)",
         f"POST /api/login HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\n"
         f"Content-Type: application/json\r\nContent-Length : {n}\r\n"
         f"Connection: close\r\n\r\n{body}"),
        ("two Host headers",
         f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nHost: evil.example\r\n"
         f"Connection: close\r\n\r\n"),
    ]
    for name, raw in cases:
        A.begin(f"400 before any handler: {name}")
        before = len(server.log)
        r = A.raw_request(port, raw.encode(), read_timeout=5)
        check_ours(r, 400, name)
        time.sleep(0.2)
        new = "".join(server.log[before:])
        # The login handler never ran: a login would write a session.
        A.check(" 200 " not in new, f"{name}: a handler answered: {new}")
        A.check_eq(len(store.query("SELECT * FROM session")), 0, f"{name}: sessions")
    A.begin("the same login, framed well, works (200); HTTP/1.0 without Host too")
    r = A.raw_request(port, (f"POST /api/login HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\n"
                             f"Content-Type: application/json\r\nContent-Length: {n}\r\n"
                             f"Connection: close\r\n\r\n{body}").encode())
    A.check_eq(A.status_of(r), 200, "a well-framed login")
    r = A.raw_request(port, b"GET /healthz HTTP/1.0\r\n\r\n")
    A.check_eq(A.status_of(r), 200, "HTTP/1.0 without Host")
    A.finish()


def limits(store, server):
    port = server.port
    A.begin("600 query parameters: 414, our headers, and a log line")
    before = len(server.log)
    q = "&".join(f"p{i}=1" for i in range(600))
    r = A.raw_request(port, f"GET /healthz?{q} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                      .encode(), read_timeout=5)
    check_ours(r, 414, "600 parameters")
    A.check(b"256" in body_of(r), f"the message names the cap: {body_of(r)}")
    time.sleep(0.2)
    new = "".join(server.log[before:])
    A.check(" 414 " in new, f"the access log has the 414: {new!r}")
    A.finish()

    A.begin("50000 empty parameters in a 100 KB query: 414 at once, not a dropped connection")
    t = time.monotonic()
    r = A.raw_request(port, ("GET /healthz?" + "&" * 100000 + " HTTP/1.1\r\nHost: x\r\n"
                             "Connection: close\r\n\r\n").encode(), read_timeout=5)
    check_ours(r, 414, "100 KB of '&'")
    A.check(time.monotonic() - t < 2, f"took {time.monotonic() - t:.1f} s")
    A.finish()

    A.begin("256 query parameters are fine")
    q = "&".join(f"p{i}=1" for i in range(256))
    r = A.raw_request(port, f"GET /healthz?{q} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                      .encode())
    A.check_eq(A.status_of(r), 200, "256 parameters")
    A.finish()

    A.begin("a 9000-byte request target: 414 with our headers")
    r = A.raw_request(port, ("GET /healthz?x=" + "a" * 9000 + " HTTP/1.1\r\nHost: x\r\n"
                             "Connection: close\r\n\r\n").encode())
    check_ours(r, 414, "9000-byte target")
    A.finish()

    A.begin("150 request headers, or 20 KB of them: 431 with our headers")
    many = "".join(f"X-H{i}: v\r\n" for i in range(150))
    r = A.raw_request(port, f"GET /healthz HTTP/1.1\r\nHost: x\r\n{many}Connection: close\r\n\r\n"
                      .encode())
    check_ours(r, 431, "150 headers")
    big = "".join(f"X-H{i}: {'v' * 1000}\r\n" for i in range(20))
    r = A.raw_request(port, f"GET /healthz HTTP/1.1\r\nHost: x\r\n{big}Connection: close\r\n\r\n"
                      .encode())
    check_ours(r, 431, "20 KB of headers")
    A.finish()


def control_paths(server):
    port = server.port
    A.begin("a path with an encoded NUL or another control character: 404")
    ok = A.raw_request(port, b"GET /assets/app.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    A.check_eq(A.status_of(ok), 200, "/assets/app.js itself")
    for path in ["/assets/app.js%00.png", "/assets/app.js%00", "/assets/app.js%0a",
                 "/assets/app%0D.js", "/assets/app.js%7f", "/healthz%00", "/%1b[2J"]:
        r = A.raw_request(port, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                          .encode())
        check_ours(r, 404, path)
        A.check(b"import" not in body_of(r) and b"function" not in body_of(r),
                f"{path}: served a script")
    A.finish()


def origin(store, server):
    A.begin("Origin is checked against the listen address, never against Host")
    c = server.client()
    body = login_body(server, store)
    for host, org in [("evil.example", "http://evil.example"),
                      (f"evil.example:{server.port}", f"http://evil.example:{server.port}")]:
        r = c.request("POST", "/api/login", body=body, content_type="application/json",
                      origin=org, headers={"Host": host})
        A.check_eq(r.status, 403, f"Host: {host} with Origin: {org}")
        A.check_eq((r.json() or {}).get("error", {}).get("code"), "bad_origin",
                   f"Host: {host}: error code")
    r = c.request("POST", "/api/login", body=body, content_type="application/json",
                  headers={"Host": "evil.example"})
    A.check_eq(r.status, 200, f"Host: evil.example with the server's own Origin {server.origin}")
    A.finish()

    A.begin("--origin sets the expected Origin")
    other = A.Server(store, "--origin", "https://ilmava.example.fi")
    try:
        c = other.client()
        r = c.request("POST", "/api/login", body=body, content_type="application/json",
                      origin="https://ilmava.example.fi")
        A.check_eq(r.status, 200, "the --origin")
        r = c.request("POST", "/api/login", body=body, content_type="application/json")
        A.check_eq(r.status, 403, f"the listen address {other.origin} when --origin is given")
    finally:
        other.stop()
    A.finish()


def trusted_proxy_option(store):
    A.begin("serve --trusted-proxy refuses what is not an address or a range")
    for bad in ["proxy.example", "10.0.0.0/33", "10.0.0.1/", "1.2.3"]:
        r = store.cli("serve", "--listen", "127.0.0.1:0", "--trusted-proxy", bad)
        A.check_eq(r.returncode, 2, f"--trusted-proxy {bad}: exit code")
        A.check(bad in r.stderr and "trusted proxy" in r.stderr,
                f"--trusted-proxy {bad}: message {r.stderr!r}")
    A.finish()
    A.begin("serve --trusted-proxy takes addresses and ranges")
    s = A.Server(store, "--trusted-proxy", "127.0.0.1", "--trusted-proxy", "10.0.0.0/8",
                 "--trusted-proxy", "::1")
    try:
        A.check_eq(s.client().get("/healthz").status, 200, "healthz")
    finally:
        s.stop()
    A.finish()


def main():
    store = A.Store()
    store.add_user("editor@test.invalid", "editor", "901")
    server = A.Server(store)
    try:
        framing(store, server)
        limits(store, server)
        control_paths(server)
        origin(store, server)
        trusted_proxy_option(store)
        A.begin("the server is still serving")
        A.check_eq(server.client().get("/healthz").status, 200, "healthz")
    finally:
        server.stop()
    A.summary()


if __name__ == "__main__":
    main()
