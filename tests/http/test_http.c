/* Tests of the HTTP layer (src/http/) against the real server on 127.0.0.1
 * with an ephemeral port, driven by a small raw-socket HTTP/1.1 client:
 * routing, authorisation, body caps, headers, cookies, the access log, the
 * graceful stop, signals, timeouts, limits and concurrency; the guard
 * (framing, URI and header caps, control characters in paths, trusted
 * proxies, the per-address cap, header and body deadlines) and the prepare
 * callback.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <regex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/http.h"

#define MAX_BODY 1024

/* ---- A tiny HTTP/1.1 client ---- */

typedef struct reply {
    int status;      /* 0 when no response came: closed, reset or timed out */
    char head[8192]; /* status line and headers */
    char *body;      /* NUL-terminated; free with reply_free */
    size_t body_len;
} reply;

static void reply_free(reply *r)
{
    free(r->body);
    r->body = NULL;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Connects to 127.0.0.1:port; returns the socket or -1 with errno set. A
 * read waits at most timeout_ms, so that a broken server fails a test
 * instead of hanging it. */
static int connect_to(int port, long timeout_ms)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* As connect_to, from the local address `from` (e.g. "127.0.0.2"). */
static int connect_from(const char *from, int port, long timeout_ms)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in local = {0};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, from, &local.sin_addr);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0 ||
        connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Whether the server has closed fd: waits at most timeout_ms for it. */
static bool closed_within(int fd, long timeout_ms)
{
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[512];
    for (;;) {
        ssize_t k = recv(fd, buf, sizeof buf, 0);
        if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            return true;
        if (k < 0 && errno != EINTR)
            return false;
    }
}

static bool send_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, s, n, MSG_NOSIGNAL);
        if (k <= 0)
            return false;
        s += k;
        n -= (size_t)k;
    }
    return true;
}

/* Finds header `name` (case-insensitive) in a header block; copies the
 * n-th occurrence's value (0 is the first) into out. */
static bool header_nth(const char *head, const char *name, int nth, char *out, size_t cap)
{
    size_t nlen = strlen(name);
    for (const char *line = strstr(head, "\r\n"); line && line[2];
         line = strstr(line + 2, "\r\n")) {
        const char *l = line + 2;
        if (strncasecmp(l, name, nlen) == 0 && l[nlen] == ':' && nth-- == 0) {
            const char *v = l + nlen + 1;
            v += strspn(v, " ");
            size_t len = strcspn(v, "\r");
            snprintf(out, cap, "%.*s", (int)len, v);
            return true;
        }
    }
    return false;
}

static bool header(const reply *r, const char *name, char *out, size_t cap)
{
    return header_nth(r->head, name, 0, out, cap);
}

/* Reads one response from fd. `head_only`: a reply to HEAD, without body. */
static void read_reply(int fd, bool head_only, reply *r)
{
    memset(r, 0, sizeof *r);
    size_t n = 0;
    char *end = NULL;
    while (!(end = strstr(r->head, "\r\n\r\n"))) {
        if (n + 1 >= sizeof r->head)
            return;
        ssize_t k = recv(fd, r->head + n, sizeof r->head - 1 - n, 0);
        if (k <= 0)
            return;
        n += (size_t)k;
        r->head[n] = '\0';
    }
    size_t head_len = (size_t)(end - r->head) + 4;
    char cl[32] = "0";
    header(r, "Content-Length", cl, sizeof cl);
    size_t want = head_only ? 0 : (size_t)strtoull(cl, NULL, 10);
    r->body = calloc(1, want + 1);
    size_t have = n - head_len < want ? n - head_len : want;
    memcpy(r->body, r->head + head_len, have);
    r->head[head_len] = '\0';
    while (have < want) {
        ssize_t k = recv(fd, r->body + have, want - have, 0);
        if (k <= 0)
            return;
        have += (size_t)k;
    }
    r->body_len = have;
    int status = 0;
    if (sscanf(r->head, "HTTP/1.%*d %d", &status) == 1)
        r->status = status;
}

/* Sends a raw request on a new connection and reads the response. */
static void raw(int port, const char *request, reply *r)
{
    memset(r, 0, sizeof *r);
    int fd = connect_to(port, 5000);
    assert_true(fd >= 0);
    assert_true(send_all(fd, request, strlen(request)));
    read_reply(fd, strncmp(request, "HEAD ", 5) == 0, r);
    close(fd);
}

/* METHOD path with extra header lines (each ending in \r\n, or NULL). */
static void req(int port, const char *method, const char *path, const char *headers, reply *r)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s %s HTTP/1.1\r\nHost: test\r\nConnection: close\r\n%s\r\n", method,
             path, headers ? headers : "");
    raw(port, buf, r);
}

static void assert_security_headers(const reply *r)
{
    char v[512];
    assert_true(header(r, "X-Content-Type-Options", v, sizeof v));
    assert_string_equal(v, "nosniff");
    assert_true(header(r, "Referrer-Policy", v, sizeof v));
    assert_string_equal(v, "no-referrer");
    assert_true(header(r, "X-Frame-Options", v, sizeof v));
    assert_string_equal(v, "DENY");
}

/* ---- The toy application ---- */

enum { ROLE_PUBLIC, ROLE_USER, ROLE_ADMIN, ROLE_OWNER };

typedef struct test_app {
    atomic_int handler_calls;
    atomic_int slow_started;
    atomic_int slow_done;
} test_app;

static int count(void *app)
{
    test_app *a = app;
    return atomic_fetch_add(&a->handler_calls, 1) + 1;
}

static int h_health(void *app, http_request *r)
{
    count(app);
    return http_reply_json(r, 200, "{\"ok\":true}");
}

static int h_ok(void *app, http_request *r)
{
    count(app);
    return http_reply(r, 200, "text/plain", "ok", 2);
}

static int h_plan_measures(void *app, http_request *r)
{
    count(app);
    char doc[256];
    snprintf(doc, sizeof doc, "{\"id\":\"%s\",\"none\":%s}", http_param(r, "id"),
             http_param(r, "nope") ? "false" : "true");
    return http_reply_json(r, 200, doc);
}

static int h_plan_measure(void *app, http_request *r)
{
    count(app);
    char doc[256];
    snprintf(doc, sizeof doc, "%s/%s", http_param(r, "plan"), http_param(r, "measure"));
    return http_reply(r, 200, "text/plain", doc, strlen(doc));
}

/* Echoes the id and two query parameters, so that concurrent clients can
 * check that they got their own answer. */
static int h_items(void *app, http_request *r)
{
    count(app);
    const char *q = http_query(r, "q"), *flag = http_query(r, "flag");
    char doc[512];
    snprintf(doc, sizeof doc, "id=%s q=%s flag=%s", http_param(r, "id"), q ? q : "(null)",
             flag ? flag : "(null)");
    return http_reply(r, 200, "text/plain", doc, strlen(doc));
}

static int h_echo(void *app, http_request *r)
{
    count(app);
    if (http_require_content_type(r, "application/json") != 0)
        return 0;
    char doc[128];
    /* The body must be NUL-terminated right after its length. */
    snprintf(doc, sizeof doc, "{\"len\":%zu,\"nul\":%s}", http_body_len(r),
             http_body(r)[http_body_len(r)] == '\0' ? "true" : "false");
    return http_reply_json(r, 200, doc);
}

static int h_slow(void *app, http_request *r)
{
    test_app *a = app;
    count(app);
    atomic_store(&a->slow_started, 1);
    sleep_ms(300);
    int rc = http_reply(r, 200, "text/plain", "slow", 4);
    atomic_store(&a->slow_done, 1);
    return rc;
}

static int h_page(void *app, http_request *r)
{
    count(app);
    static const char page[] = "<!doctype html><title>t</title>";
    return http_reply(r, 200, "text/html; charset=utf-8", page, sizeof page - 1);
}

static int h_login(void *app, http_request *r)
{
    count(app);
    /* cmocka's asserts must not run on the server's threads: report instead. */
    if (http_set_cookie(r, "session", "abc123", 3600) != 0 ||
        http_set_cookie(r, "flash", "x", -1) != 0)
        return -1;
    return http_reply_json(r, 200, "{}");
}

/* Tries bad headers and cookies; reports the return codes. */
static int h_bad_headers(void *app, http_request *r)
{
    count(app);
    char doc[256];
    snprintf(doc, sizeof doc, "%d %d %d %d %d %d", http_add_header(r, "X-A", "1\r\nX-Evil: 1"),
             http_add_header(r, "Bad Name", "1"), http_set_cookie(r, "s", "a;b", 10),
             http_set_cookie(r, "s", "a b", 10), http_set_cookie(r, "s=", "a", 10),
             http_add_header(r, "X-Good", "yes"));
    int rc = http_reply(r, 200, "text/plain", doc, strlen(doc));
    /* A second reply changes nothing; the client sees it in X-Second. */
    char second[16];
    snprintf(second, sizeof second, "%d", http_reply_json(r, 500, "{}"));
    http_add_header(r, "X-Second", second);
    return rc;
}

static int h_whoami(void *app, http_request *r)
{
    count(app);
    const char *s = http_cookie(r, "session");
    return http_reply(r, 200, "text/plain", s ? s : "(none)", strlen(s ? s : "(none)"));
}

static int h_me(void *app, http_request *r)
{
    count(app);
    char doc[128];
    snprintf(doc, sizeof doc, "{\"user\":\"%s\"}", http_user(r));
    return http_reply_json(r, 200, doc);
}

static int h_fail(void *app, http_request *r)
{
    (void)r;
    count(app);
    return -1;
}

static int h_client(void *app, http_request *r)
{
    count(app);
    const char *c = http_client_addr(r);
    return http_reply(r, 200, "text/plain", c, strlen(c));
}

static int h_error(void *app, http_request *r)
{
    count(app);
    return http_reply_error(r, 422, "invalid", "say \"hi\"\n", "measures[0].share");
}

static const http_route ROUTES[] = {
    {"GET", "/healthz", h_health, ROLE_PUBLIC},
    {"GET", "/things", h_ok, ROLE_PUBLIC},
    {"POST", "/things", h_ok, ROLE_PUBLIC},
    {"GET", "/api/plans/{id}/measures", h_plan_measures, ROLE_USER},
    {"GET", "/api/plans/{plan}/measures/{measure}", h_plan_measure, ROLE_PUBLIC},
    {"GET", "/items/{id}", h_items, ROLE_PUBLIC},
    {"GET", "/admin", h_ok, ROLE_ADMIN},
    {"GET", "/owned/{id}", h_ok, ROLE_OWNER},
    {"POST", "/echo", h_echo, ROLE_PUBLIC},
    {"GET", "/slow", h_slow, ROLE_PUBLIC},
    {"GET", "/page", h_page, ROLE_PUBLIC},
    {"POST", "/login", h_login, ROLE_PUBLIC},
    {"GET", "/bad-headers", h_bad_headers, ROLE_PUBLIC},
    {"GET", "/whoami", h_whoami, ROLE_PUBLIC},
    {"GET", "/me", h_me, ROLE_USER},
    {"GET", "/fail", h_fail, ROLE_PUBLIC},
    {"GET", "/client", h_client, ROLE_PUBLIC},
    {"GET", "/error", h_error, ROLE_PUBLIC},
};
#define N_ROUTES (sizeof ROUTES / sizeof ROUTES[0])

/* The user comes from X-Test-User, as a session cookie would in the app. */
static int authorize(void *app, http_request *r, const http_route *route)
{
    (void)app;
    const char *user = http_header(r, "X-Test-User");
    if (user) {
        if (strcmp(user, "custom") == 0) {
            http_reply_error(r, 403, "csrf", "The X-CSRF-Token header is missing", NULL);
            return 403;
        }
        if (strcmp(user, "weird") == 0)
            return 418;
        http_set_user(r, user);
        http_set_authenticated(r);
    }
    if (route->required == ROLE_PUBLIC)
        return 0;
    if (!user)
        return 401;
    if (route->required == ROLE_ADMIN && strcmp(user, "admin") != 0)
        return 403;
    /* Someone else's record: pretend it does not exist. */
    if (route->required == ROLE_OWNER && strcmp(http_param(r, "id"), "999") == 0)
        return 404;
    return 0;
}

/* ---- The shared server ---- */

static test_app APP;
static http_server *SRV;
static FILE *SRV_LOG;
static int PORT;

static int start(const http_server_options *o, http_server **out)
{
    ilm_errors err = {0};
    int rc = http_start(ROUTES, N_ROUTES, authorize, &APP, o, out, &err);
    for (int i = 0; i < err.count; i++)
        fprintf(stderr, "%s\n", err.msg[i]);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    SRV_LOG = tmpfile();
    /* test_concurrency's 64 clients all come from 127.0.0.1. */
    http_server_options o = {.listen = "127.0.0.1:0",
                             .threads = 4,
                             .max_body = MAX_BODY,
                             .max_per_address = 128,
                             .log = SRV_LOG};
    if (start(&o, &SRV) != 0)
        return -1;
    PORT = http_port(SRV);
    return PORT > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    http_stop(SRV);
    fclose(SRV_LOG);
    return 0;
}

static int calls(void) { return atomic_load(&APP.handler_calls); }

/* ---- Tests ---- */

static void test_healthz(void **state)
{
    (void)state;
    reply r;
    req(PORT, "GET", "/healthz", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"ok\":true}");
    char v[256];
    assert_true(header(&r, "Content-Type", v, sizeof v));
    assert_string_equal(v, "application/json");
    assert_security_headers(&r);
    assert_false(header(&r, "Content-Security-Policy", v, sizeof v));
    assert_false(header(&r, "Cache-Control", v, sizeof v));
    reply_free(&r);

    req(PORT, "HEAD", "/healthz", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(header(&r, "Content-Length", v, sizeof v));
    assert_string_equal(v, "11");
    reply_free(&r);
}

static void test_not_found(void **state)
{
    (void)state;
    int before = calls();
    /* No route; a trailing slash; an empty parameter; a prefix; the root. */
    const char *paths[] = {"/nope", "/healthz/", "/api/plans//measures", "/api", "/"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        reply r;
        req(PORT, "GET", paths[i], NULL, &r);
        assert_int_equal(r.status, 404);
        assert_string_equal(r.body,
                            "{\"error\":{\"code\":\"not_found\",\"message\":\"Not found\"}}");
        char v[256];
        assert_true(header(&r, "Content-Type", v, sizeof v));
        assert_string_equal(v, "application/json");
        assert_security_headers(&r);
        reply_free(&r);
    }
    assert_int_equal(calls(), before);
}

static void test_method_not_allowed(void **state)
{
    (void)state;
    int before = calls();
    reply r;
    char v[256];
    req(PORT, "DELETE", "/things", NULL, &r);
    assert_int_equal(r.status, 405);
    assert_true(header(&r, "Allow", v, sizeof v));
    assert_string_equal(v, "GET, HEAD, POST");
    assert_string_equal(r.body, "{\"error\":{\"code\":\"method_not_allowed\","
                                "\"message\":\"Method not allowed\"}}");
    assert_security_headers(&r);
    reply_free(&r);

    req(PORT, "POST", "/healthz", "Content-Length: 0\r\n", &r);
    assert_int_equal(r.status, 405);
    assert_true(header(&r, "Allow", v, sizeof v));
    assert_string_equal(v, "GET, HEAD");
    reply_free(&r);

    /* A pattern route: the path is known whatever the id. */
    req(PORT, "PUT", "/api/plans/5/measures", "Content-Length: 0\r\n", &r);
    assert_int_equal(r.status, 405);
    reply_free(&r);
    assert_int_equal(calls(), before);
}

static void test_path_params(void **state)
{
    (void)state;
    reply r;
    req(PORT, "GET", "/api/plans/17/measures", "X-Test-User: alice\r\n", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"id\":\"17\",\"none\":true}");
    reply_free(&r);

    req(PORT, "GET", "/api/plans/a-1/measures/m_2", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "a-1/m_2");
    reply_free(&r);

    /* Percent-decoded before matching. */
    req(PORT, "GET", "/items/x%20y", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "id=x y q=(null) flag=(null)");
    reply_free(&r);
}

static void test_query(void **state)
{
    (void)state;
    reply r;
    req(PORT, "GET", "/items/5?q=hello%20world&flag", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "id=5 q=hello world flag=");
    reply_free(&r);

    req(PORT, "GET", "/items/5?other=1&q=%C3%A4", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "id=5 q=\xc3\xa4 flag=(null)");
    reply_free(&r);
}

static void test_authorize(void **state)
{
    (void)state;
    int before = calls();
    reply r;
    req(PORT, "GET", "/admin", NULL, &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.body, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"Sign in "
                                "first\"}}");
    assert_security_headers(&r);
    reply_free(&r);

    req(PORT, "GET", "/admin", "X-Test-User: bob\r\n", &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(r.body, "{\"error\":{\"code\":\"forbidden\",\"message\":\"Not allowed\"}}");
    reply_free(&r);

    req(PORT, "GET", "/owned/999", "X-Test-User: bob\r\n", &r);
    assert_int_equal(r.status, 404);
    assert_string_equal(r.body, "{\"error\":{\"code\":\"not_found\",\"message\":\"Not found\"}}");
    reply_free(&r);

    /* The callback's own error reply wins over the default one. */
    req(PORT, "GET", "/admin", "X-Test-User: custom\r\n", &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(r.body, "{\"error\":{\"code\":\"csrf\",\"message\":\"The X-CSRF-Token "
                                "header is missing\"}}");
    reply_free(&r);

    /* A status the server does not expect refuses (500), never allows. */
    req(PORT, "GET", "/healthz", "X-Test-User: weird\r\n", &r);
    assert_int_equal(r.status, 500);
    reply_free(&r);

    /* A refusal never reaches the handler, nor reads a body. */
    req(PORT, "GET", "/api/plans/1/measures", NULL, &r);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    req(PORT, "GET", "/admin", "Content-Length: 5\r\n", &r);
    assert_int_equal(r.status, 401);
    reply_free(&r);
    assert_int_equal(calls(), before);

    req(PORT, "GET", "/admin", "X-Test-User: admin\r\n", &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    req(PORT, "GET", "/owned/1", "X-Test-User: bob\r\n", &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    assert_int_equal(calls(), before + 2);
}

static void post_json(int port, const char *path, size_t len, reply *r)
{
    char *buf = malloc(len + 512);
    int n = snprintf(buf, 512,
                     "POST %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     path, len);
    memset(buf + n, 'x', len);
    buf[(size_t)n + len] = '\0';
    raw(port, buf, r);
    free(buf);
}

/* A chunked request with `len` body bytes in chunks of at most 100. */
static void post_chunked(int port, size_t len, reply *r)
{
    size_t cap = 512 + len + (len / 100 + 1) * 8;
    char *buf = malloc(cap);
    size_t n = (size_t)snprintf(buf, cap,
                                "POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                                "Content-Type: application/json\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n");
    for (size_t left = len; left > 0;) {
        size_t c = left < 100 ? left : 100;
        n += (size_t)snprintf(buf + n, cap - n, "%zx\r\n", c);
        memset(buf + n, 'y', c);
        n += c;
        n += (size_t)snprintf(buf + n, cap - n, "\r\n");
        left -= c;
    }
    snprintf(buf + n, cap - n, "0\r\n\r\n");
    raw(port, buf, r);
    free(buf);
}

static void test_body_cap(void **state)
{
    (void)state;
    reply r;
    char expect[64];
    post_json(PORT, "/echo", MAX_BODY, &r);
    assert_int_equal(r.status, 200);
    snprintf(expect, sizeof expect, "{\"len\":%d,\"nul\":true}", MAX_BODY);
    assert_string_equal(r.body, expect);
    reply_free(&r);

    int before = calls();
    /* Refused from Content-Length alone: only the headers are sent. */
    char head[256];
    snprintf(head, sizeof head,
             "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
             "Content-Length: %d\r\n\r\n",
             MAX_BODY + 1);
    raw(PORT, head, &r);
    assert_int_equal(r.status, 413);
    assert_string_equal(r.body, "{\"error\":{\"code\":\"payload_too_large\",\"message\":\"The "
                                "request body is larger than 1024 bytes\"}}");
    assert_security_headers(&r);
    reply_free(&r);

    /* A client that waits for 100 Continue gets the 413 instead. */
    raw(PORT,
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        "Expect: 100-continue\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        &r);
    assert_int_equal(r.status, 413);
    reply_free(&r);

    /* Chunked: counted while it streams. */
    post_chunked(PORT, MAX_BODY + 1, &r);
    assert_int_equal(r.status, 413);
    reply_free(&r);
    assert_int_equal(calls(), before);

    post_chunked(PORT, MAX_BODY, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, expect);
    reply_free(&r);

    /* Far over the cap: cut off, and still no handler. */
    before = calls();
    post_chunked(PORT, 4 * MAX_BODY, &r);
    assert_int_not_equal(r.status, 200);
    reply_free(&r);
    assert_int_equal(calls(), before);
}

static void test_content_type(void **state)
{
    (void)state;
    reply r;
    raw(PORT,
        "POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: text/plain\r\n"
        "Content-Length: 2\r\n\r\n{}",
        &r);
    assert_int_equal(r.status, 415);
    assert_string_equal(r.body, "{\"error\":{\"code\":\"unsupported_media_type\",\"message\":"
                                "\"expected Content-Type: application/json\"}}");
    reply_free(&r);

    raw(PORT, "POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}",
        &r);
    assert_int_equal(r.status, 415);
    reply_free(&r);

    raw(PORT,
        "POST /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
        "Content-Type: Application/JSON ; charset=utf-8\r\nContent-Length: 2\r\n\r\n{}",
        &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"len\":2,\"nul\":true}");
    reply_free(&r);
}

static void test_html_headers(void **state)
{
    (void)state;
    reply r;
    char v[512];
    req(PORT, "GET", "/page", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_security_headers(&r);
    assert_true(header(&r, "Content-Security-Policy", v, sizeof v));
    assert_string_equal(v, "default-src 'self'; script-src 'self'; style-src 'self'; "
                           "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                           "frame-ancestors 'none'");
    reply_free(&r);
}

static void test_no_store(void **state)
{
    (void)state;
    reply r;
    char v[256];
    req(PORT, "GET", "/me", "X-Test-User: alice\r\n", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"user\":\"alice\"}");
    assert_true(header(&r, "Cache-Control", v, sizeof v));
    assert_string_equal(v, "no-store");
    assert_security_headers(&r);
    reply_free(&r);

    req(PORT, "GET", "/healthz", NULL, &r);
    assert_false(header(&r, "Cache-Control", v, sizeof v));
    reply_free(&r);
}

static void test_cookies(void **state)
{
    (void)state;
    reply r;
    char v[512];
    req(PORT, "POST", "/login", "Content-Length: 0\r\n", &r);
    assert_int_equal(r.status, 200);
    assert_true(header_nth(r.head, "Set-Cookie", 0, v, sizeof v));
    assert_string_equal(v, "session=abc123; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict");
    assert_true(header_nth(r.head, "Set-Cookie", 1, v, sizeof v));
    assert_string_equal(v, "flash=x; Path=/; HttpOnly; SameSite=Strict");
    assert_security_headers(&r);
    reply_free(&r);

    req(PORT, "GET", "/whoami", "Cookie: a=1; session=s3cr3t; b=2\r\n", &r);
    assert_string_equal(r.body, "s3cr3t");
    reply_free(&r);
    req(PORT, "GET", "/whoami", NULL, &r);
    assert_string_equal(r.body, "(none)");
    reply_free(&r);

    /* Behind TLS, the same cookie is Secure. */
    http_server *tls;
    http_server_options o = {
        .listen = "127.0.0.1:0", .threads = 1, .behind_tls = true, .log = SRV_LOG};
    assert_int_equal(start(&o, &tls), 0);
    req(http_port(tls), "POST", "/login", "Content-Length: 0\r\n", &r);
    assert_true(header_nth(r.head, "Set-Cookie", 0, v, sizeof v));
    assert_string_equal(v,
                        "session=abc123; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict; Secure");
    reply_free(&r);
    http_stop(tls);
}

static void test_bad_headers(void **state)
{
    (void)state;
    reply r;
    char v[256];
    req(PORT, "GET", "/bad-headers", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "-1 -1 -1 -1 -1 0");
    assert_false(header(&r, "X-Evil", v, sizeof v));
    assert_false(header(&r, "Set-Cookie", v, sizeof v));
    assert_true(header(&r, "X-Good", v, sizeof v));
    assert_true(header(&r, "X-Second", v, sizeof v));
    assert_int_equal(atoi(v), ILM_EINVAL);
    reply_free(&r);
}

static void test_errors(void **state)
{
    (void)state;
    reply r;
    req(PORT, "GET", "/error", NULL, &r);
    assert_int_equal(r.status, 422);
    assert_string_equal(r.body,
                        "{\"error\":{\"code\":\"invalid\",\"message\":\"say \\\"hi\\\"\\n\","
                        "\"field\":\"measures[0].share\"}}");
    reply_free(&r);

    /* A handler that fails without replying gives 500. */
    req(PORT, "GET", "/fail", NULL, &r);
    assert_int_equal(r.status, 500);
    assert_string_equal(r.body,
                        "{\"error\":{\"code\":\"internal\",\"message\":\"Internal error\"}}");
    reply_free(&r);

    req(PORT, "GET", "/client", NULL, &r);
    assert_string_equal(r.body, "127.0.0.1");
    reply_free(&r);
}

/* Refusals keep the connection open too: a 404 or 401 costs no reconnect. */
static void test_keep_alive(void **state)
{
    (void)state;
    int fd = connect_to(PORT, 5000);
    assert_true(fd >= 0);
    const char *rq[][2] = {
        {"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n", "404"},
        {"GET /admin HTTP/1.1\r\nHost: t\r\n\r\n", "401"},
        {"DELETE /things HTTP/1.1\r\nHost: t\r\n\r\n", "405"},
        {"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
         "Content-Length: 2\r\n\r\n{}",
         "200"},
        {"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", "200"},
    };
    for (size_t i = 0; i < sizeof rq / sizeof rq[0]; i++) {
        assert_true(send_all(fd, rq[i][0], strlen(rq[i][0])));
        reply r;
        read_reply(fd, false, &r);
        assert_int_equal(r.status, atoi(rq[i][1]));
        char v[64];
        assert_false(header(&r, "Connection", v, sizeof v));
        reply_free(&r);
    }
    close(fd);
}

static void test_json_escape(void **state)
{
    (void)state;
    char buf[128];
    assert_int_equal(http_json_escape(buf, sizeof buf, "a\"b\\c\n\t\x01"), 19);
    assert_string_equal(buf, "\"a\\\"b\\\\c\\n\\t\\u0001\"");
    /* Valid UTF-8 passes; invalid bytes, overlong forms, surrogates and
     * cut sequences become U+FFFD. */
    http_json_escape(buf, sizeof buf, "\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80");
    assert_string_equal(buf, "\"\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80\"");
    http_json_escape(buf, sizeof buf, "\xff|\xc0\xaf|\xed\xa0\x80|\xe2\x82");
    assert_string_equal(buf, "\"\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\"");
    /* snprintf-like: truncated, NUL-terminated, full length returned. */
    assert_int_equal(http_json_escape(buf, 4, "abcdef"), 8);
    assert_string_equal(buf, "\"ab");
    assert_int_equal(http_json_escape(NULL, 0, ""), 2);
}

static void test_start_errors(void **state)
{
    (void)state;
    ilm_errors err = {0};
    void *sentinel = malloc(1);
    http_server *s = sentinel; /* to see that a failed start sets it to NULL */
    http_server_options o = {.listen = "nonsense"};
    assert_int_equal(http_start(ROUTES, N_ROUTES, authorize, &APP, &o, &s, &err), ILM_EINVAL);
    assert_null(s);
    assert_string_equal(
        err.msg[0], "listen \"nonsense\": expected ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080");

    ilm_errors_clear(&err);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", PORT);
    o.listen = addr;
    assert_int_equal(http_start(ROUTES, N_ROUTES, authorize, &APP, &o, &s, &err), ILM_EIO);
    assert_null(s);
    char expect[128];
    snprintf(expect, sizeof expect, "listen 127.0.0.1:%d: Address already in use", PORT);
    assert_string_equal(err.msg[0], expect);

    ilm_errors_clear(&err);
    o.listen = "127.0.0.1:0";
    assert_int_equal(http_start(ROUTES, N_ROUTES, NULL, &APP, &o, &s, &err), ILM_EINVAL);
    assert_null(s);

    static const http_route bad[] = {
        {"GET", "/ok/{id}", h_ok, 0},       /* fine */
        {"GET", "no-slash", h_ok, 0},       /* not absolute */
        {"GET", "/a/{id}/b/{id}", h_ok, 0}, /* a name twice */
        {"GET", "/a/x{id}", h_ok, 0},       /* a brace inside a segment */
        {"GET", "/a//b", h_ok, 0},          /* an empty segment */
        {"GET", "/a/{}", h_ok, 0},          /* no name */
        {"BAD METHOD", "/a", h_ok, 0},      /* a space in the method */
        {"GET", "/a", NULL, 0},             /* no handler */
    };
    ilm_errors_clear(&err);
    assert_int_equal(http_start(bad, 8, authorize, &APP, &o, &s, &err), ILM_EINVAL);
    assert_null(s);
    assert_int_equal(err.count, 7);
    assert_string_equal(err.msg[0],
                        "routes[1]: the pattern \"no-slash\" does not start with \"/\"");
    assert_string_equal(err.msg[1], "routes[2]: the pattern \"/a/{id}/b/{id}\" names a parameter "
                                    "twice");
    assert_string_equal(err.msg[2], "routes[3]: the pattern \"/a/x{id}\" has \"{\" or \"}\" "
                                    "inside a segment");
    assert_string_equal(err.msg[3], "routes[4]: the pattern \"/a//b\" has an empty segment");
    assert_string_equal(err.msg[4], "routes[5]: the pattern \"/a/{}\" has a \"{\" segment that "
                                    "is not \"{name}\"");
    assert_string_equal(err.msg[5], "routes[6] (/a): the method is missing or not a token");
    assert_string_equal(err.msg[6], "routes[7] (/a): no handler");
    free(sentinel);
}

/* ---- The access log ---- */

static void test_log(void **state)
{
    (void)state;
    FILE *log = tmpfile();
    http_server *s;
    http_server_options o = {.listen = "127.0.0.1:0", .threads = 2, .log = log};
    assert_int_equal(start(&o, &s), 0);
    int port = http_port(s);
    reply r;
    req(port, "GET", "/healthz", NULL, &r);
    reply_free(&r);
    req(port, "GET", "/items/7?token=SECRETTOKEN123&q=1", NULL, &r);
    reply_free(&r);
    req(port, "GET", "/whoami", "Cookie: session=SECRETCOOKIE456\r\n", &r);
    reply_free(&r);
    req(port, "GET", "/nope", NULL, &r);
    reply_free(&r);
    req(port, "GET", "/admin", "X-Test-User: admin\r\n", &r);
    reply_free(&r);
    /* A newline in the path must not start a forged log line (and a path
     * with a control character is not found). */
    req(port, "GET", "/items/a%0A2020-01-01T00:00:00.000Z%20GET", NULL, &r);
    reply_free(&r);
    /* The log lines are written when requests complete; the stop waits. */
    http_stop(s);

    rewind(log);
    char lines[8][1024];
    int n = 0;
    char all[8192] = "";
    while (n < 8 && fgets(lines[n], sizeof lines[n], log)) {
        strncat(all, lines[n], sizeof all - strlen(all) - 1);
        n++;
    }
    fclose(log);
    assert_int_equal(n, 6);
    assert_null(strstr(all, "SECRETTOKEN123"));
    assert_null(strstr(all, "SECRETCOOKIE456"));
    assert_null(strstr(all, "token"));

    regex_t re;
    assert_int_equal(regcomp(&re,
                             "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "
                             "([A-Z]+) ([^ ]+) ([0-9]{3}) ([0-9]+)ms ([^ ]+)\n$",
                             REG_EXTENDED),
                     0);
    const char *expect[6][4] = {
        {"GET", "/healthz", "200", "-"},
        {"GET", "/items/7", "200", "-"},
        {"GET", "/whoami", "200", "-"},
        {"GET", "/nope", "404", "-"},
        {"GET", "/admin", "200", "admin"},
        {"GET", "/items/a%0A2020-01-01T00:00:00.000Z%20GET", "404", "-"},
    };
    /* Lines are written as requests complete, which need not be the order
     * in which the client sent them: match each expected line once. */
    bool used[6] = {false};
    for (int i = 0; i < n; i++) {
        regmatch_t m[6];
        if (regexec(&re, lines[i], 6, m, 0) != 0)
            fail_msg("log line %d does not match: %s", i, lines[i]);
        char got[4][512];
        int fields[4] = {1, 2, 3, 5};
        for (int f = 0; f < 4; f++) {
            int k = fields[f];
            snprintf(got[f], sizeof got[f], "%.*s", (int)(m[k].rm_eo - m[k].rm_so),
                     lines[i] + m[k].rm_so);
        }
        bool found = false;
        for (int e = 0; e < 6 && !found; e++) {
            found = !used[e] && strcmp(got[0], expect[e][0]) == 0 &&
                    strcmp(got[1], expect[e][1]) == 0 && strcmp(got[2], expect[e][2]) == 0 &&
                    strcmp(got[3], expect[e][3]) == 0;
            used[e] = used[e] || found;
        }
        if (!found)
            fail_msg("unexpected log line: %s", lines[i]);
    }
    regfree(&re);
}

/* ---- Stopping ---- */

typedef struct client_job {
    int port;
    const char *path;
    reply r;
    double done_at;
} client_job;

static void *client_thread(void *arg)
{
    client_job *j = arg;
    char buf[256];
    snprintf(buf, sizeof buf, "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", j->path);
    int fd = connect_to(j->port, 5000);
    if (fd >= 0) {
        send_all(fd, buf, strlen(buf));
        read_reply(fd, false, &j->r);
        close(fd);
    }
    j->done_at = now_s();
    return NULL;
}

static void *stop_thread(void *arg)
{
    http_stop(arg);
    return NULL;
}

static void test_graceful_stop(void **state)
{
    (void)state;
    http_server *s;
    http_server_options o = {.listen = "127.0.0.1:0", .threads = 4, .log = SRV_LOG};
    assert_int_equal(start(&o, &s), 0);
    int port = http_port(s);
    atomic_store(&APP.slow_started, 0);
    atomic_store(&APP.slow_done, 0);

    /* An idle keep-alive connection, opened before the stop. */
    int idle = connect_to(port, 5000);
    assert_true(idle >= 0);
    const char *rq = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
    assert_true(send_all(idle, rq, strlen(rq)));
    reply r;
    read_reply(idle, false, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);

    client_job slow = {.port = port, .path = "/slow"};
    pthread_t ct, st;
    assert_int_equal(pthread_create(&ct, NULL, client_thread, &slow), 0);
    while (!atomic_load(&APP.slow_started))
        sleep_ms(1);
    assert_int_equal(pthread_create(&st, NULL, stop_thread, s), 0);

    /* New connections are refused while the slow request is still running. */
    double t0 = now_s();
    int fd;
    while ((fd = connect_to(port, 1000)) >= 0 && now_s() - t0 < 0.2) {
        close(fd);
        sleep_ms(2);
    }
    assert_int_equal(fd, -1);
    assert_int_equal(errno, ECONNREFUSED);
    assert_int_equal(atomic_load(&APP.slow_done), 0);

    /* A new request on the idle connection is not run: 503, or closed. */
    int before = calls();
    send_all(idle, rq, strlen(rq)); /* may fail: the server may have closed it */
    read_reply(idle, false, &r);
    assert_true(r.status == 503 || r.status == 0);
    if (r.status == 503) {
        char v[64];
        assert_true(header(&r, "Connection", v, sizeof v));
        assert_string_equal(v, "close");
    }
    reply_free(&r);
    close(idle);

    assert_int_equal(pthread_join(ct, NULL), 0);
    assert_int_equal(pthread_join(st, NULL), 0);
    assert_int_equal(slow.r.status, 200);
    assert_string_equal(slow.r.body, "slow");
    reply_free(&slow.r);
    assert_int_equal(calls(), before);

    assert_int_equal(connect_to(port, 1000), -1);
    assert_int_equal(errno, ECONNREFUSED);
}

typedef struct serve_job {
    http_server *srv;
    int rc;
} serve_job;

static void *serve_thread(void *arg)
{
    serve_job *j = arg;
    j->rc = http_serve_until_signal(j->srv);
    return NULL;
}

static void test_signal(void **state)
{
    (void)state;
    http_server *s;
    http_server_options o = {.listen = "127.0.0.1:0", .threads = 2, .log = SRV_LOG};
    /* Blocked before the threads exist, as an application's main() would,
     * so that SIGTERM cannot end the test process. */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    assert_int_equal(start(&o, &s), 0);
    int port = http_port(s);

    serve_job job = {.srv = s, .rc = 0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, serve_thread, &job), 0);
    reply r;
    req(port, "GET", "/healthz", NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);

    client_job slow = {.port = port, .path = "/slow"};
    pthread_t ct;
    atomic_store(&APP.slow_started, 0);
    assert_int_equal(pthread_create(&ct, NULL, client_thread, &slow), 0);
    while (!atomic_load(&APP.slow_started))
        sleep_ms(1);
    /* Process-directed, as from kill(1): every thread blocks it, so only
     * the sigwait in http_serve_until_signal can take it. */
    kill(getpid(), SIGTERM);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(job.rc, SIGTERM);
    assert_int_equal(pthread_join(ct, NULL), 0);
    assert_int_equal(slow.r.status, 200);
    reply_free(&slow.r);
    assert_int_equal(connect_to(port, 1000), -1);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ---- Slow clients and limits ---- */

static void test_timeout(void **state)
{
    (void)state;
    http_server *s;
    http_server_options o = {.listen = "127.0.0.1:0", .threads = 1, .timeout_s = 1, .log = SRV_LOG};
    assert_int_equal(start(&o, &s), 0);
    int fd = connect_to(http_port(s), 5000);
    assert_true(fd >= 0);
    const char *part = "GET /healthz HTTP/1.1\r\nHost: t\r\n";
    assert_true(send_all(fd, part, strlen(part)));
    double t0 = now_s();
    char c;
    ssize_t k = recv(fd, &c, 1, 0);
    double waited = now_s() - t0;
    assert_true(k <= 0 && !(k < 0 && errno == EAGAIN));
    assert_true(waited > 0.5 && waited < 4.0);
    close(fd);
    http_stop(s);
}

static void test_connection_limit(void **state)
{
    (void)state;
    http_server *s;
    http_server_options o = {
        .listen = "127.0.0.1:0", .threads = 1, .max_connections = 1, .log = SRV_LOG};
    assert_int_equal(start(&o, &s), 0);
    int port = http_port(s);
    int holder = connect_to(port, 5000);
    assert_true(holder >= 0);
    assert_true(send_all(holder, "GET /healthz HTTP/1.1\r\n", 23));
    sleep_ms(100);

    /* The only slot is taken: the second client is not served. */
    int fd = connect_to(port, 500);
    if (fd >= 0) {
        const char *rq = "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
        send_all(fd, rq, strlen(rq));
        reply r;
        read_reply(fd, false, &r);
        assert_int_not_equal(r.status, 200);
        reply_free(&r);
        close(fd);
    }
    /* Once the slot is free, clients are served again. */
    close(holder);
    sleep_ms(100);
    reply r;
    req(port, "GET", "/healthz", NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    http_stop(s);
}

/* ---- The guard: framing, caps, deadlines, addresses ---- */

static void test_framing(void **state)
{
    (void)state;
    int before = calls();
    const char *bad[] = {
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n"
        "Connection: close\r\n\r\nabcd",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n"
        "Connection: close\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n",
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length : 3\r\nConnection: close\r\n\r\nabc",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        reply r;
        raw(PORT, bad[i], &r);
        if (r.status != 400)
            fail_msg("request %zu: status %d, expected 400", i, r.status);
        assert_security_headers(&r);
        assert_non_null(strstr(r.body, "\"bad_request\""));
        reply_free(&r);
    }
    assert_int_equal(calls(), before);
    /* The same content length twice is not ambiguous; HTTP/1.0 needs no Host. */
    reply r;
    raw(PORT,
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 3\r\n"
        "Content-Type: application/json\r\nConnection: close\r\n\r\nabc",
        &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    raw(PORT, "GET /healthz HTTP/1.0\r\n\r\n", &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
}

static void test_uri_limits(void **state)
{
    (void)state;
    size_t cap = 64 + 8 * (HTTP_QUERY_MAX + 300) + HTTP_URI_MAX;
    char *rq = malloc(cap);
    assert_non_null(rq);
    int before = calls();
    /* More parameters than the cap: 414 from us, not a silent drop. */
    size_t n = (size_t)snprintf(rq, cap, "GET /items/1?");
    for (int i = 0; i < HTTP_QUERY_MAX + 300; i++)
        n += (size_t)snprintf(rq + n, cap - n, "%sp%d=1", i ? "&" : "", i);
    snprintf(rq + n, cap - n, " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    reply r;
    raw(PORT, rq, &r);
    assert_int_equal(r.status, 414);
    assert_security_headers(&r);
    assert_non_null(strstr(r.body, "\"uri_too_long\""));
    reply_free(&r);
    /* Exactly the cap is fine. */
    n = (size_t)snprintf(rq, cap, "GET /items/1?");
    for (int i = 0; i < HTTP_QUERY_MAX; i++)
        n += (size_t)snprintf(rq + n, cap - n, "%sp%d=1", i ? "&" : "", i);
    snprintf(rq + n, cap - n, " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    raw(PORT, rq, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    /* A target over HTTP_URI_MAX. */
    n = (size_t)snprintf(rq, cap, "GET /items/1?q=");
    memset(rq + n, 'a', HTTP_URI_MAX);
    n += HTTP_URI_MAX;
    snprintf(rq + n, cap - n, " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    raw(PORT, rq, &r);
    assert_int_equal(r.status, 414);
    assert_security_headers(&r);
    reply_free(&r);
    free(rq);
    assert_int_equal(calls(), before + 1);
}

static void test_header_limits(void **state)
{
    (void)state;
    char *rq = malloc(64 * 1024);
    assert_non_null(rq);
    size_t n = (size_t)snprintf(rq, 64 * 1024, "GET /healthz HTTP/1.1\r\nHost: t\r\n");
    for (int i = 0; i < HTTP_HEADERS_MAX + 1; i++)
        n += (size_t)snprintf(rq + n, 64 * 1024 - n, "X-H%d: v\r\n", i);
    snprintf(rq + n, 64 * 1024 - n, "Connection: close\r\n\r\n");
    reply r;
    raw(PORT, rq, &r);
    assert_int_equal(r.status, 431);
    assert_security_headers(&r);
    assert_non_null(strstr(r.body, "\"headers_too_large\""));
    reply_free(&r);
    n = (size_t)snprintf(rq, 64 * 1024, "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ");
    memset(rq + n, 'v', HTTP_HEADER_BYTES_MAX);
    n += HTTP_HEADER_BYTES_MAX;
    snprintf(rq + n, 64 * 1024 - n, "\r\nConnection: close\r\n\r\n");
    raw(PORT, rq, &r);
    assert_int_equal(r.status, 431);
    reply_free(&r);
    free(rq);
}

static void test_control_in_path(void **state)
{
    (void)state;
    int before = calls();
    const char *paths[] = {"/items/7%00.png", "/items/7%00",  "/items/a%0ab",
                           "/items/a%1Fb",    "/items/a%7fb", "/healthz%00"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        reply r;
        req(PORT, "GET", paths[i], NULL, &r);
        if (r.status != 404)
            fail_msg("%s: status %d, expected 404", paths[i], r.status);
        assert_security_headers(&r);
        reply_free(&r);
    }
    assert_int_equal(calls(), before);
    /* A percent-encoded printable byte is still fine. */
    reply r;
    req(PORT, "GET", "/items/a%20b", NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
}

/* GET /client with an X-Forwarded-For header (NULL: none). */
static void client_seen(int port, const char *from, const char *xff, char *out, size_t cap)
{
    int fd = connect_from(from, port, 5000);
    assert_true(fd >= 0);
    char rq[512];
    snprintf(rq, sizeof rq, "GET /client HTTP/1.1\r\nHost: t\r\n%s%s%sConnection: close\r\n\r\n",
             xff ? "X-Forwarded-For: " : "", xff ? xff : "", xff ? "\r\n" : "");
    assert_true(send_all(fd, rq, strlen(rq)));
    reply r;
    read_reply(fd, false, &r);
    close(fd);
    assert_int_equal(r.status, 200);
    snprintf(out, cap, "%s", r.body);
    reply_free(&r);
}

static void test_forwarded_for(void **state)
{
    (void)state;
    char got[128];
    /* The shared server trusts no proxy: X-Forwarded-For is ignored. */
    client_seen(PORT, "127.0.0.1", "203.0.113.9", got, sizeof got);
    assert_string_equal(got, "127.0.0.1");

    const char *trusted[] = {"127.0.0.1", "10.0.0.0/8"};
    http_server *s;
    http_server_options o = {.listen = "127.0.0.1:0",
                             .threads = 1,
                             .trusted_proxies = trusted,
                             .n_trusted_proxies = 2,
                             .log = SRV_LOG};
    assert_int_equal(start(&o, &s), 0);
    int port = http_port(s);
    client_seen(port, "127.0.0.1", NULL, got, sizeof got);
    assert_string_equal(got, "127.0.0.1");
    client_seen(port, "127.0.0.1", "203.0.113.9", got, sizeof got);
    assert_string_equal(got, "203.0.113.9");
    /* The rightmost address that is not a trusted proxy: what the client
     * wrote itself on the left is not believed. */
    client_seen(port, "127.0.0.1", "198.51.100.1, 203.0.113.9, 10.1.2.3", got, sizeof got);
    assert_string_equal(got, "203.0.113.9");
    client_seen(port, "127.0.0.1", "::ffff:203.0.113.7", got, sizeof got);
    assert_string_equal(got, "203.0.113.7");
    client_seen(port, "127.0.0.1", "2001:db8::1", got, sizeof got);
    assert_string_equal(got, "2001:db8::1");
    /* Unreadable: the last trusted hop stays the answer. */
    client_seen(port, "127.0.0.1", "nonsense", got, sizeof got);
    assert_string_equal(got, "127.0.0.1");
    client_seen(port, "127.0.0.1", "203.0.113.9, 10.0.0.7, nonsense", got, sizeof got);
    assert_string_equal(got, "127.0.0.1");
    /* A peer that is not trusted: its X-Forwarded-For is ignored. */
    client_seen(port, "127.0.0.2", "203.0.113.9", got, sizeof got);
    assert_string_equal(got, "127.0.0.2");
    http_stop(s);

    /* Bad ranges stop the start with a message naming them. */
    const char *bad[] = {"10.0.0.0/33"};
    o.trusted_proxies = bad;
    o.n_trusted_proxies = 1;
    ilm_errors err = {0};
    assert_int_equal(http_start(ROUTES, N_ROUTES, authorize, &APP, &o, &s, &err), ILM_EINVAL);
    assert_true(err.count > 0 && strstr(err.msg[0], "10.0.0.0/33"));
}

static void test_per_address_cap(void **state)
{
    (void)state;
    const char *trusted[] = {"127.0.0.3"};
    http_server *s;
    http_server_options o = {.listen = "127.0.0.1:0",
                             .threads = 2,
                             .max_per_address = 3,
                             .trusted_proxies = trusted,
                             .n_trusted_proxies = 1,
                             .log = SRV_LOG};
    assert_int_equal(start(&o, &s), 0);
    int port = http_port(s);
    int held[3];
    for (int i = 0; i < 3; i++) {
        held[i] = connect_from("127.0.0.2", port, 5000);
        assert_true(held[i] >= 0);
        assert_true(send_all(held[i], "GET /healthz HTTP/1.1\r\n", 23));
    }
    sleep_ms(100);
    /* A fourth from the same address is closed at once... */
    int extra = connect_from("127.0.0.2", port, 5000);
    if (extra >= 0) {
        assert_true(closed_within(extra, 2000));
        close(extra);
    }
    /* ... while another address, and a trusted proxy, are served. */
    int others[5];
    for (int i = 0; i < 5; i++) {
        others[i] = connect_from("127.0.0.3", port, 5000);
        assert_true(others[i] >= 0);
    }
    for (int i = 0; i < 5; i++) {
        const char *rq = "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
        assert_true(send_all(others[i], rq, strlen(rq)));
        reply r;
        read_reply(others[i], false, &r);
        assert_int_equal(r.status, 200);
        reply_free(&r);
        close(others[i]);
    }
    reply r;
    req(port, "GET", "/healthz", NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    /* A slot that frees up can be taken again. */
    close(held[0]);
    sleep_ms(200);
    int again = connect_from("127.0.0.2", port, 5000);
    assert_true(again >= 0);
    const char *rq = "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    assert_true(send_all(again, rq, strlen(rq)));
    read_reply(again, false, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    close(again);
    close(held[1]);
    close(held[2]);
    http_stop(s);
}

static void test_deadlines(void **state)
{
    (void)state;
    http_server *s;
    http_server_options o = {.listen = "127.0.0.1:0",
                             .threads = 2,
                             .header_deadline_s = 1,
                             .body_grace_s = 1,
                             .body_min_rate = 100,
                             .log = SRV_LOG};
    assert_int_equal(start(&o, &s), 0);
    int port = http_port(s);

    /* A header that trickles (never idle long enough for MHD's timeout)
     * is cut off after its deadline. */
    int fd = connect_to(port, 5000);
    assert_true(fd >= 0);
    const char *part = "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ";
    assert_true(send_all(fd, part, strlen(part)));
    double t0 = now_s();
    bool closed = false;
    for (int i = 0; i < 30 && !closed; i++) {
        send(fd, "a", 1, MSG_NOSIGNAL);
        closed = closed_within(fd, 100);
    }
    double took = now_s() - t0;
    assert_true(closed);
    if (took < 0.8 || took > 2.5)
        fail_msg("the slow header was cut after %.2f s; its deadline is 1 s", took);
    close(fd);

    /* A body slower than 100 B/s after 1 s of grace is cut off. */
    fd = connect_to(port, 5000);
    const char *head = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n"
                       "Content-Type: application/json\r\n\r\n";
    assert_true(send_all(fd, head, strlen(head)));
    t0 = now_s();
    closed = false;
    for (int i = 0; i < 40 && !closed; i++) {
        send(fd, "b", 1, MSG_NOSIGNAL);
        closed = closed_within(fd, 100);
    }
    took = now_s() - t0;
    assert_true(closed);
    if (took < 0.8 || took > 2.5)
        fail_msg("the slow body was cut after %.2f s; grace 1 s at 100 B/s", took);
    close(fd);

    /* A body at a good rate, and a quick keep-alive client, are served. */
    fd = connect_to(port, 5000);
    assert_true(send_all(fd, head, strlen(head)));
    char chunk[250];
    memset(chunk, 'c', sizeof chunk);
    for (int i = 0; i < 4; i++) {
        sleep_ms(300);
        assert_true(send_all(fd, chunk, sizeof chunk));
    }
    reply r;
    read_reply(fd, false, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    /* The same connection's next request, sent at once, is served too. */
    const char *next = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
    assert_true(send_all(fd, next, strlen(next)));
    read_reply(fd, false, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    close(fd);
    http_stop(s);
}

/* A prepare callback that counts, and refuses when X-Busy is sent. */
static atomic_int PREPARED;

static int prepare(void *app, http_request *r)
{
    (void)app;
    atomic_fetch_add(&PREPARED, 1);
    /* The body is in by now. */
    if (strcmp(http_method(r), "POST") == 0 && http_body_len(r) == 0)
        return http_reply_error(r, 500, NULL, "prepare ran before the body", NULL), 1;
    if (http_header(r, "X-Busy")) {
        http_add_header(r, "Retry-After", "1");
        http_reply_error(r, 503, NULL, "busy", NULL);
        return 1;
    }
    return 0;
}

static void test_prepare(void **state)
{
    (void)state;
    http_server *s;
    http_server_options o = {
        .listen = "127.0.0.1:0", .threads = 1, .prepare = prepare, .log = SRV_LOG};
    assert_int_equal(start(&o, &s), 0);
    int port = http_port(s);
    int before = calls();
    reply r;
    req(port, "GET", "/healthz", NULL, &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    assert_int_equal(atomic_load(&PREPARED), 1);
    raw(port,
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
        "Content-Type: application/json\r\nConnection: close\r\n\r\nhello",
        &r);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    assert_int_equal(calls(), before + 2);
    /* Refused: the handler does not run; the callback's reply goes out. */
    req(port, "GET", "/healthz", "X-Busy: 1\r\n", &r);
    assert_int_equal(r.status, 503);
    char v[16];
    assert_true(header(&r, "Retry-After", v, sizeof v));
    reply_free(&r);
    assert_int_equal(calls(), before + 2);
    /* Not for requests refused before: a 404 never reaches it. */
    int prepared = atomic_load(&PREPARED);
    req(port, "GET", "/nope", NULL, &r);
    assert_int_equal(r.status, 404);
    reply_free(&r);
    assert_int_equal(atomic_load(&PREPARED), prepared);
    http_stop(s);
}

/* ---- Concurrency ---- */

#define N_CLIENTS 64
#define N_REQUESTS 50

typedef struct burst_job {
    int port;
    int id;
    int ok;
} burst_job;

/* Even clients reuse one keep-alive connection, odd ones open one per
 * request; each checks it got the answer to its own request. */
static void *burst_thread(void *arg)
{
    burst_job *j = arg;
    bool keep = j->id % 2 == 0;
    int fd = -1;
    for (int i = 0; i < N_REQUESTS; i++) {
        if (fd < 0)
            fd = connect_to(j->port, 10000);
        if (fd < 0)
            continue;
        char rq[256], expect[128];
        snprintf(rq, sizeof rq, "GET /items/%d?q=%d-%d HTTP/1.1\r\nHost: t\r\n%s\r\n", j->id, j->id,
                 i, keep ? "" : "Connection: close\r\n");
        snprintf(expect, sizeof expect, "id=%d q=%d-%d flag=(null)", j->id, j->id, i);
        reply r;
        if (send_all(fd, rq, strlen(rq))) {
            read_reply(fd, false, &r);
            if (r.status == 200 && r.body && strcmp(r.body, expect) == 0)
                j->ok++;
            reply_free(&r);
        }
        if (!keep) {
            close(fd);
            fd = -1;
        }
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

static void test_concurrency(void **state)
{
    (void)state;
    pthread_t t[N_CLIENTS];
    burst_job jobs[N_CLIENTS];
    for (int i = 0; i < N_CLIENTS; i++) {
        jobs[i] = (burst_job){.port = PORT, .id = i, .ok = 0};
        assert_int_equal(pthread_create(&t[i], NULL, burst_thread, &jobs[i]), 0);
    }
    int ok = 0;
    for (int i = 0; i < N_CLIENTS; i++) {
        pthread_join(t[i], NULL);
        ok += jobs[i].ok;
    }
    assert_int_equal(ok, N_CLIENTS * N_REQUESTS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthz),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_method_not_allowed),
        cmocka_unit_test(test_path_params),
        cmocka_unit_test(test_query),
        cmocka_unit_test(test_authorize),
        cmocka_unit_test(test_body_cap),
        cmocka_unit_test(test_content_type),
        cmocka_unit_test(test_html_headers),
        cmocka_unit_test(test_no_store),
        cmocka_unit_test(test_cookies),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_keep_alive),
        cmocka_unit_test(test_json_escape),
        cmocka_unit_test(test_start_errors),
        cmocka_unit_test(test_log),
        cmocka_unit_test(test_graceful_stop),
        cmocka_unit_test(test_signal),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_connection_limit),
        cmocka_unit_test(test_framing),
        cmocka_unit_test(test_uri_limits),
        cmocka_unit_test(test_header_limits),
        cmocka_unit_test(test_control_in_path),
        cmocka_unit_test(test_forwarded_for),
        cmocka_unit_test(test_per_address_cap),
        cmocka_unit_test(test_deadlines),
        cmocka_unit_test(test_prepare),
        cmocka_unit_test(test_concurrency),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
