# The harness the API tests share: a temporary store made with the real
# binary, the real server on an ephemeral port, a small HTTP client with a
# session cookie and CSRF token, and checks with a summary.
# A test imports it, calls begin(NAME), and ends with summary().
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Shared harness of the ilmava API tests (standard library only)."""

import atexit
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77

ME = os.path.splitext(os.path.basename(sys.argv[0]))[0]
BIN = os.environ.get("ILMAVA_BIN", "")
if not BIN or not os.access(BIN, os.X_OK):
    print(f"# {ME}: ILMAVA_BIN is not set to the ilmava binary; skipped")
    sys.exit(SKIP)

# ---- checks and the summary ----

_passed = 0
_failed = 0
_failed_names = []
_case = None
_case_why = []
_started = time.monotonic()


def begin(name):
    """Starts a named case; its checks are reported together."""
    global _case, _case_why
    if _case is not None:
        finish()
    _case = name
    _case_why = []


def check(cond, message):
    """Records a failure with its message unless cond holds; returns cond."""
    if not cond:
        _case_why.append(message)
    return bool(cond)


def check_eq(got, want, what):
    return check(got == want, f"{what}: got {short(got)}, expected {short(want)}")


def finish():
    global _case, _passed, _failed
    if _case is None:
        return
    if _case_why:
        _failed += 1
        _failed_names.append(_case)
        print(f"not ok - {_case}")
        for why in _case_why[:40]:
            for line in str(why).splitlines():
                print(f"#   {line}")
        if len(_case_why) > 40:
            print(f"#   ... and {len(_case_why) - 40} more")
    else:
        _passed += 1
        print(f"ok - {_case}")
    sys.stdout.flush()
    _case = None


def summary():
    finish()
    took = time.monotonic() - _started
    print(f"# {ME}: {_passed} passed, {_failed} failed ({took:.1f} s)")
    if _failed:
        print(f"# {ME}: FAILED: {', '.join(_failed_names)}")
        sys.exit(1)
    sys.exit(0)


def fatal(message):
    """A failure after which the test cannot go on."""
    if _case is not None:
        check(False, message)
        finish()
    else:
        print(f"not ok - setup\n#   {message}")
    print(f"# {ME}: FAILED (stopped early)")
    sys.exit(1)


def short(v, n=300):
    s = v if isinstance(v, str) else repr(v)
    return s if len(s) <= n else s[:n] + f"... ({len(s)} chars)"


# ---- the store and the command line ----


class Store:
    """A temporary directory with a new store (`ilmava --create`), filled
    by `ilmava demo` unless demo=False (then it holds only the sectors)."""

    def __init__(self, demo=True):
        self.dir = tempfile.mkdtemp(prefix=f"ilmava-{ME}.")
        self.db = os.path.join(self.dir, "store.db")
        self.passwords = {}
        atexit.register(self.remove)
        # A missing store is refused without --create: make it here, once.
        r = self.cli("--create", "demo" if demo else "sectors")
        if r.returncode != 0:
            fatal(f"ilmava --create {'demo' if demo else 'sectors'} failed: {r.stderr}")

    def cli(self, *args, input=None):
        """Runs `ilmava --db DB ARGS...`; returns the CompletedProcess."""
        return subprocess.run([BIN, "--db", self.db, *args], input=input,
                              capture_output=True, text=True, timeout=120)

    def add_user(self, email, role, municipality=None, password=None):
        password = password or f"pw-{role}-" + hashlib.sha256(email.encode()).hexdigest()[:16]
        args = ["user", "add", email, "--role", role]
        if municipality:
            args += ["--municipality", municipality]
        r = self.cli(*args, "--password-stdin", input=password + "\n")
        if r.returncode != 0:
            fatal(f"user add {email} failed ({r.returncode}): {r.stderr}")
        self.passwords[email] = password
        return password

    def plans(self):
        r = self.cli("plan", "list", "--json")
        if r.returncode != 0:
            fatal(f"plan list failed: {r.stderr}")
        return json.loads(r.stdout)

    def connect(self):
        """A read-only SQLite connection to the store."""
        return sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)

    def query(self, sql, params=()):
        con = self.connect()
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def dump(self, skip_tables=("session",)):
        """The whole store as SQL text, without the tables that reads touch
        (sessions record their last use)."""
        con = self.connect()
        try:
            out = []
            for line in con.iterdump():
                if any(line.startswith(f'INSERT INTO "{t}"') for t in skip_tables):
                    continue
                out.append(line)
            return "\n".join(out)
        finally:
            con.close()

    def municipality_dump(self, code):
        """Every row that belongs to municipality `code`: its register row,
        inventory, population, plans, their measures, trends and comments,
        and its audit rows."""
        con = self.connect()
        try:
            q = [
                ("municipality", "SELECT * FROM municipality WHERE code = ?"),
                ("inventory", "SELECT * FROM inventory WHERE municipality = ? ORDER BY 1,2,3,4,5"),
                ("population", "SELECT * FROM population WHERE municipality = ? ORDER BY 1,2"),
                ("plan", "SELECT * FROM plan WHERE municipality = ? ORDER BY id"),
                ("measure", "SELECT * FROM measure WHERE plan_id IN"
                 " (SELECT id FROM plan WHERE municipality = ?) ORDER BY id"),
                ("plan_trend", "SELECT * FROM plan_trend WHERE plan_id IN"
                 " (SELECT id FROM plan WHERE municipality = ?) ORDER BY 1,2"),
                ("comment", "SELECT * FROM comment WHERE plan_id IN"
                 " (SELECT id FROM plan WHERE municipality = ?) ORDER BY id"),
                ("audit", "SELECT * FROM audit WHERE municipality = ? OR plan_id IN"
                 " (SELECT id FROM plan WHERE municipality = ?) ORDER BY id"),
            ]
            out = {}
            for name, sql in q:
                out[name] = con.execute(sql, (code,) * sql.count("?")).fetchall()
            return out
        finally:
            con.close()

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def dump_difference(before, after):
    """A short description of how two dumps (strings or dicts) differ."""
    if isinstance(before, dict):
        out = []
        for k in before:
            if before[k] != after.get(k):
                b, a = set(before[k]), set(after.get(k, []))
                out.append(f"{k}: removed {short(sorted(b - a, key=repr))}, "
                           f"added {short(sorted(a - b, key=repr))}")
        return "; ".join(out)
    b, a = before.splitlines(), after.splitlines()
    sb, sa = set(b), set(a)
    return (f"lines gone: {short([x for x in b if x not in sa][:3])}; "
            f"lines new: {short([x for x in a if x not in sb][:3])}")


# ---- the server ----


SERVING = re.compile(r"serving .* on http://127\.0\.0\.1:(\d+)/")


class Server:
    """`ilmava --db DB serve --listen 127.0.0.1:0`, its port parsed from
    the serving line; stderr (the access log) is kept in `log`."""

    def __init__(self, store, *extra, wrap=(), db=None):
        """`wrap`: a command the server runs under (e.g. unshare);
        `db`: the store's path as the server sees it (default store.db)."""
        self.store = store
        self.log = []
        self.port = None
        self._ready = threading.Event()
        self.proc = subprocess.Popen(
            [*wrap, BIN, "--db", db or store.db, "serve", "--listen", "127.0.0.1:0", *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        atexit.register(self.kill)  # registered after the store: runs before its removal
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._ready.wait(15)
        if self.port is None:
            self.kill()
            fatal("the server did not print its serving line:\n" + "".join(self.log[-10:]))
        self.origin = f"http://127.0.0.1:{self.port}"

    def _read(self):
        for line in self.proc.stderr:
            self.log.append(line)
            m = SERVING.search(line)
            if m and self.port is None:
                self.port = int(m.group(1))
                self._ready.set()
        self._ready.set()

    def log_text(self):
        return "".join(self.log)

    def send(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Sends sig and waits; returns the exit code (None if it hung)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        self._reader.join(5)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def client(self):
        return Client(self)


# ---- HTTP ----


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def all_headers(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def error_field(self):
        j = self.json()
        try:
            return j["error"].get("field")
        except (TypeError, KeyError, AttributeError):
            return None

    def __repr__(self):
        return f"{self.status} {short(self.body.decode('utf-8', 'replace'), 200)}"


class Client:
    """One user's view of the server: a session cookie and CSRF token once
    logged in. Each request is a new connection."""

    def __init__(self, server):
        self.server = server
        self.cookie = None
        self.csrf = None
        self.email = None
        self.user = None

    def request(self, method, path, body=None, json_body=None, content_type=None,
                headers=None, origin=True, csrf=True, timeout=60):
        """Sends a request. json_body is encoded as JSON; body is bytes or
        str as is. origin/csrf: True sends the right one, False none, a
        string sends that string."""
        h = {}
        if json_body is not None:
            body = json.dumps(json_body)
            content_type = content_type or "application/json"
        if isinstance(body, str):
            body = body.encode()
        if content_type:
            h["Content-Type"] = content_type
        if method not in ("GET", "HEAD"):
            if origin is True:
                h["Origin"] = self.server.origin
            elif origin:
                h["Origin"] = origin
            if csrf is True and self.csrf:
                h["X-CSRF-Token"] = self.csrf
            elif isinstance(csrf, str):
                h["X-CSRF-Token"] = csrf
        if self.cookie:
            h["Cookie"] = f"ilmava_session={self.cookie}"
        if headers:
            h.update(headers)
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            return Response(r.status, r.getheaders(), data)
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json_body=None, **kw):
        return self.request("POST", path, json_body=json_body, **kw)

    def put(self, path, json_body=None, **kw):
        return self.request("PUT", path, json_body=json_body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, email, password=None, expect=200):
        """Signs in; on success keeps the cookie and the CSRF token."""
        if password is None:
            password = self.server.store.passwords[email]
        r = self.post("/api/login", {"email": email, "password": password})
        if r.status == 200 and expect == 200:
            self.cookie = session_cookie(r)
            self.csrf = r.json()["csrf_token"]
            self.email = email
            self.user = r.json()["user"]
        elif expect == 200:
            fatal(f"login of {email} failed: {r}")
        return r


def session_cookie(r):
    """The value of the ilmava_session cookie a response sets, or None."""
    for v in r.all_headers("Set-Cookie"):
        m = re.match(r"\s*ilmava_session=([^;]*)", v)
        if m:
            return m.group(1)
    return None


def raw_request(port, data, read_timeout=10):
    """Sends raw bytes on a new connection and returns what comes back
    until the server closes it or stays silent for read_timeout."""
    s = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    try:
        try:
            s.sendall(data)
        except OSError:
            pass
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out:
                head, _, rest = out.partition(b"\r\n\r\n")
                m = re.search(rb"(?i)content-length:\s*(\d+)", head)
                if m and len(rest) >= int(m.group(1)):
                    break
        return out
    finally:
        s.close()


def status_of(raw):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    return int(m.group(1)) if m else None
