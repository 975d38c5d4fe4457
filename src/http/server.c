/* The server: the listening socket, libmicrohttpd's thread pool, the life of
 * a request (route, authorise, read the capped body, run the handler), the
 * access log, and the graceful stop.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http/internal.h"

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DEFAULT_MAX_BODY ((size_t)1 << 20)
#define DEFAULT_TIMEOUT_S 30u
#define DEFAULT_MAX_CONNECTIONS 512u
#define DEFAULT_MAX_PER_ADDRESS 64u
#define DEFAULT_HEADER_DEADLINE_S 10u
#define DEFAULT_BODY_GRACE_S 10u
#define DEFAULT_BODY_MIN_RATE 1024u
/* MHD's memory per connection. Its default (32 KiB) is so tight that a
 * request with some 500 query parameters exhausts it, and MHD then drops
 * the connection without a word. With more room, our own smaller caps
 * (HTTP_URI_MAX, HTTP_QUERY_MAX, HTTP_HEADERS_MAX, HTTP_HEADER_BYTES_MAX)
 * answer first, with our headers. MHD maps the pool lazily: an idle
 * connection does not cost this much. */
#define CONNECTION_MEMORY (256u * 1024)
#define MAX_THREADS 256u
#define LISTEN_BACKLOG 128
/* The log shows at most this many bytes of a path (after escaping). */
#define LOG_PATH_MAX 400

/* ---- The access log ---- */

/* Appends s with spaces, controls, '%' and non-ASCII bytes written as %XX, so
 * that a line stays one line of space-separated fields whatever the client
 * sent; stops at `max` bytes with "...". */
static size_t log_field(char *dst, size_t cap, size_t n, const char *s, size_t max)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t start = n;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (n - start + 3 > max) {
            n += (size_t)snprintf(dst + n, cap - n, "...");
            break;
        }
        if (*p > 0x20 && *p < 0x7f && *p != '%') {
            dst[n++] = (char)*p;
        } else {
            dst[n++] = '%';
            dst[n++] = hex[*p >> 4];
            dst[n++] = hex[*p & 15];
        }
    }
    dst[n] = '\0';
    return n;
}

/* One line: time (UTC, ISO 8601, ms), method, path, status ("-" when no
 * response went out), duration in ms, user ("-" when anonymous). Only the
 * path is logged: the query string, headers and cookies may carry secrets. */
static void log_request(const http_server *srv, const http_request *req)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (long long)(now.tv_sec - req->started_mono.tv_sec) * 1000 +
                   (now.tv_nsec - req->started_mono.tv_nsec) / 1000000;
    struct tm tm;
    gmtime_r(&req->started.tv_sec, &tm);

    /* Each field is capped, so the line always fits. */
    char line[64 + 3 * 32 + LOG_PATH_MAX + 3 * HTTP_USER_MAX + 64];
    size_t cap = sizeof line;
    size_t n = strftime(line, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    n += (size_t)snprintf(line + n, cap - n, ".%03ldZ ", req->started.tv_nsec / 1000000);
    /* A request that MHD refused before its headers were in has no
     * method; its path is the raw one. */
    n = log_field(line, cap, n, req->method ? req->method : "-", 32);
    line[n++] = ' ';
    n = log_field(line, cap, n, req->path ? req->path : "-", LOG_PATH_MAX);
    if (req->sent_status)
        n += (size_t)snprintf(line + n, cap - n, " %d", req->sent_status);
    else
        n += (size_t)snprintf(line + n, cap - n, " -");
    n += (size_t)snprintf(line + n, cap - n, " %lldms ", ms);
    if (req->user[0])
        n = log_field(line, cap, n, req->user, 3 * HTTP_USER_MAX);
    else
        line[n++] = '-';
    line[n++] = '\n';
    line[n] = '\0';

    flockfile(srv->log);
    fputs(line, srv->log);
    fflush(srv->log);
    funlockfile(srv->log);
}

/* ---- The life of a request ---- */

/* Whether a Content-Length value is over the cap. An invalid value is left
 * to MHD, which answers it with 400 itself. */
static bool content_length_over(const char *v, size_t cap)
{
    unsigned long long n = 0;
    v += strspn(v, " \t");
    for (; *v >= '0' && *v <= '9'; v++) {
        unsigned d = (unsigned)(*v - '0');
        if (n > (ULLONG_MAX - d) / 10)
            return true;
        n = n * 10 + d;
    }
    return n > cap;
}

static bool is_stopping(http_server *srv)
{
    pthread_mutex_lock(&srv->lock);
    bool stopping = srv->stopping;
    pthread_mutex_unlock(&srv->lock);
    return stopping;
}

/* Whether the request announces a body. */
static bool has_body(struct MHD_Connection *conn)
{
    const char *length =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    return (length && strspn(length, " \t0") != strlen(length)) ||
           MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING) !=
               NULL;
}

/* A refusal decided from the headers. With a body coming, it is queued now:
 * MHD then drops the body unread and closes the connection after the
 * response. Without one, it waits for the next call, because MHD closes the
 * connection after any response queued this early, and a 404 or a 401 should
 * not cost a keep-alive connection. */
static enum MHD_Result refuse(http_request *req)
{
    return has_body(req->conn) ? request_queue_reply(req, false) : MHD_YES;
}

/* ---- Checks of the request line and the headers ---- */

/* Whether s[0..2) is a hex pair that encodes a control character. */
static bool encoded_control(const char *s)
{
    int v = 0;
    for (int i = 0; i < 2; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return false;
        v = v * 16 + d;
    }
    return v < 0x20 || v == 0x7f;
}

/* MHD's URI callback: the request line is in, the headers are not, and the
 * URI is still raw (MHD decodes the path in place later, and a "%00" would
 * then silently cut it). The request record starts here. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    http_server *srv = cls;
    http_request *req = calloc(1, sizeof *req);
    if (!req)
        return NULL;
    req->srv = srv;
    req->conn = conn;
    req->hc = guard_conn(conn);
    clock_gettime(CLOCK_REALTIME, &req->started);
    clock_gettime(CLOCK_MONOTONIC, &req->started_mono);

    size_t len = strlen(uri);
    size_t path_len = strcspn(uri, "?");
    req->uri_too_long = len > HTTP_URI_MAX;
    for (size_t i = 0; i < path_len; i++) {
        unsigned char c = (unsigned char)uri[i];
        if (c < 0x20 || c == 0x7f ||
            (c == '%' && i + 2 <= path_len && encoded_control(uri + i + 1)))
            req->bad_path = true;
    }
    if (uri[path_len] == '?') {
        size_t params = 1;
        for (const char *q = uri + path_len + 1; *q; q++)
            params += *q == '&';
        req->too_many_params = params > HTTP_QUERY_MAX;
    }
    if (req->uri_too_long || req->too_many_params) {
        /* MHD parses the query right after this call, a record per
         * parameter, from the connection's memory. The request is refused
         * anyway: turning the separators into '_' (the buffer is MHD's
         * writable read buffer) leaves it one parameter to parse. */
        for (char *q = (char *)(uintptr_t)(uri + path_len); *q; q++)
            if (*q == '&' || *q == ';')
                *q = '_';
    }
    /* The log's path until begin_request has the decoded one. */
    req->path = strndup(uri, path_len < LOG_PATH_MAX ? path_len : LOG_PATH_MAX);
    return req;
}

/* Counts the request's headers, their bytes, and what framing needs. */
typedef struct header_scan {
    size_t count, bytes;
    size_t n_length, n_host, n_te;
    const char *length; /* the first Content-Length */
    bool lengths_differ;
    bool bad_name; /* a name that is not a token, e.g. "Content-Length " */
} header_scan;

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    header_scan *h = cls;
    h->count++;
    h->bytes += (key ? strlen(key) : 0) + (value ? strlen(value) : 0) + 4;
    if (!request_is_token(key)) {
        h->bad_name = true;
        return MHD_YES;
    }
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        const char *v = value ? value : "";
        if (h->n_length++ == 0)
            h->length = v;
        else if (strcmp(h->length, v) != 0)
            h->lengths_differ = true;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0) {
        h->n_host++;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        h->n_te++;
    }
    return MHD_YES;
}

/* The reason to refuse the request line or the headers, into *status and
 * msg; 0 when there is none. Message framing that a proxy in front could
 * read differently (request smuggling) is refused outright. */
static int check_framing(http_request *req, const char *version, char *msg, size_t n)
{
    if (req->uri_too_long) {
        snprintf(msg, n, "The request target is longer than %d bytes", HTTP_URI_MAX);
        return 414;
    }
    if (req->too_many_params) {
        snprintf(msg, n, "The query has more than %d parameters", HTTP_QUERY_MAX);
        return 414;
    }
    header_scan h = {0};
    MHD_get_connection_values(req->conn, MHD_HEADER_KIND, scan_header, &h);
    if (h.count > HTTP_HEADERS_MAX || h.bytes > HTTP_HEADER_BYTES_MAX) {
        snprintf(msg, n, "More than %d request headers or %d bytes of them", HTTP_HEADERS_MAX,
                 HTTP_HEADER_BYTES_MAX);
        return 431;
    }
    if (h.bad_name) {
        /* MHD keeps "Content-Length : 5" as a header named
         * "Content-Length ", which a proxy may read as the length. */
        snprintf(msg, n, "A header name with a space or another character outside a token");
        return 400;
    }
    if (h.lengths_differ) {
        snprintf(msg, n, "Two different Content-Length headers");
        return 400;
    }
    if (h.n_length > 0 && h.n_te > 0) {
        snprintf(msg, n, "Content-Length and Transfer-Encoding together");
        return 400;
    }
    if (h.n_te > 1) {
        snprintf(msg, n, "More than one Transfer-Encoding header");
        return 400;
    }
    if (h.n_te == 1) {
        const char *te = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_TRANSFER_ENCODING);
        if (!te || strcasecmp(te, "chunked") != 0) {
            snprintf(msg, n, "Transfer-Encoding other than chunked");
            return 400;
        }
    }
    if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 ? h.n_host != 1 : h.n_host > 1) {
        snprintf(msg, n, h.n_host ? "More than one Host header" : "HTTP/1.1 needs a Host header");
        return 400;
    }
    return 0;
}

/* Whether the decoded path holds a control character. */
static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* The first call for a request: its headers are in. Everything that can
 * refuse a request without reading its body happens here. */
static enum MHD_Result begin_request(http_server *srv, http_request *req, const char *url,
                                     const char *method, const char *version)
{
    struct MHD_Connection *conn = req->conn;
    req->begun = true;
    free(req->path);
    req->method = strdup(method);
    req->path = strdup(url);
    req->segments = strdup(url);
    if (!req->method || !req->path || !req->segments)
        return MHD_NO;
    guard_client_address(req);
    /* The header is in: from now on a body, if any, must come at the
     * minimum rate (even one that is refused and dropped unread). */
    guard_phase(srv, req->hc, has_body(req->conn) ? PHASE_BODY : PHASE_HANDLER);

    /* Counted under the same lock that http_stop sets `stopping` with, so a
     * request is either counted before the stop looks, or sees `stopping`. */
    pthread_mutex_lock(&srv->lock);
    srv->in_flight++;
    bool stopping = srv->stopping;
    pthread_mutex_unlock(&srv->lock);

    if (stopping) {
        http_reply_error(req, 503, NULL, NULL, NULL);
        return request_queue_reply(req, true);
    }

    char msg[160];
    int status = check_framing(req, version, msg, sizeof msg);
    if (status) {
        /* Framing that cannot be trusted: answer and close, unread. */
        http_reply_error(req, status, NULL, msg, NULL);
        flockfile(srv->log);
        fprintf(srv->log, "ilmava: refused a request: %d %s\n", status, msg);
        funlockfile(srv->log);
        return request_queue_reply(req, true);
    }
    if (req->bad_path || has_control(req->path)) {
        http_reply_error(req, 404, NULL, NULL, NULL);
        return refuse(req);
    }

    char allow[HTTP_ALLOW_MAX];
    router_result found = router_match(req, allow);
    if (found == ROUTER_NOT_FOUND) {
        http_reply_error(req, 404, NULL, NULL, NULL);
        return refuse(req);
    }
    if (found == ROUTER_BAD_METHOD) {
        http_add_header(req, "Allow", allow);
        http_reply_error(req, 405, NULL, NULL, NULL);
        return refuse(req);
    }

    /* The one place where authorisation happens. */
    int verdict = srv->auth(srv->app, req, req->route);
    if (verdict != 0 || req->replied) {
        if (!req->replied) {
            int st = verdict == 401 || verdict == 403 || verdict == 404 ? verdict : 500;
            http_reply_error(req, st, NULL, NULL, NULL);
        }
        return refuse(req);
    }

    const char *length =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length && content_length_over(length, srv->max_body)) {
        snprintf(msg, sizeof msg, "The request body is larger than %zu bytes", srv->max_body);
        http_reply_error(req, 413, NULL, msg, NULL);
        return request_queue_reply(req, false);
    }
    return MHD_YES;
}

/* A piece of the body. MHD cannot send a response while a body is still
 * coming, so after the cap the rest is read and dropped, and 413 goes out at
 * the end; a client that sends another max_body beyond the cap is cut off. */
static enum MHD_Result take_body(http_request *req, const char *data, size_t *size)
{
    size_t max = req->srv->max_body;
    size_t n = *size;
    *size = 0;
    guard_body_bytes(req->srv, req->hc, n);
    if (!req->too_large && n > max - req->body_len) {
        req->too_large = true;
        free(req->body);
        req->body = NULL;
        req->body_len = req->body_cap = 0;
    }
    if (req->too_large) {
        req->discarded += n;
        return req->discarded > max ? MHD_NO : MHD_YES;
    }
    /* Grown by doubling as bytes arrive, not sized from Content-Length, so a
     * client that announces a large body and sends nothing costs nothing. */
    size_t need = req->body_len + n + 1;
    if (need > req->body_cap) {
        size_t cap = req->body_cap ? req->body_cap : 4096;
        while (cap < need)
            cap *= 2;
        if (cap > max + 1)
            cap = max + 1;
        char *grown = realloc(req->body, cap);
        if (!grown)
            return MHD_NO;
        req->body = grown;
        req->body_cap = cap;
    }
    memcpy(req->body + req->body_len, data, n);
    req->body_len += n;
    req->body[req->body_len] = '\0';
    return MHD_YES;
}

/* The last call: the whole request is in. A request without a body that
 * begin_request refused has its reply already. */
static enum MHD_Result finish_request(http_request *req)
{
    http_server *srv = req->srv;
    guard_phase(srv, req->hc, PHASE_HANDLER);
    if (req->too_large) {
        char msg[96];
        snprintf(msg, sizeof msg, "The request body is larger than %zu bytes", srv->max_body);
        http_reply_error(req, 413, NULL, msg, NULL);
    } else if (!req->replied) {
        /* Whatever scarce the handler needs is taken only now, with the
         * whole request in: never while a client is still sending. */
        int rc = srv->prepare ? srv->prepare(srv->app, req) : 0;
        if (rc != 0 && !req->replied)
            http_reply_error(req, 503, NULL, "The server is busy; try again", NULL);
        if (!req->replied)
            req->route->handler(srv->app, req);
    }
    return request_queue_reply(req, is_stopping(srv));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    http_server *srv = cls;
    http_request *req = *con_cls;
    if (!req) {
        /* The URI callback ran out of memory. */
        (void)conn;
        return MHD_NO;
    }
    if (!req->begun)
        return begin_request(srv, req, url, method, version);
    if (req->queued) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size > 0)
        return take_body(req, upload_data, upload_data_size);
    return finish_request(req);
}

/* MHD is done with a request: its response went out, or the connection
 * failed, or the daemon is stopping. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    http_server *srv = cls;
    http_request *req = *con_cls;
    if (!req)
        return;
    *con_cls = NULL;
    /* A keep-alive connection waits for its next request's header. */
    guard_phase(srv, guard_conn(conn), PHASE_HEADER);
    bool counted = req->begun;
    log_request(srv, req);
    request_free(req);
    if (!counted)
        return;
    pthread_mutex_lock(&srv->lock);
    if (--srv->in_flight == 0 && srv->stopping)
        pthread_cond_broadcast(&srv->drained);
    pthread_mutex_unlock(&srv->lock);
}

/* ---- Start and stop ---- */

/* Opens a listening socket on "ADDR:PORT" or "[IPV6]:PORT" into *fd and
 * *port. Returns 0, ILM_EINVAL (not ADDR:PORT) or ILM_EIO, with a message in
 * err. We bind it ourselves, not MHD, so that a failure says why. */
static int open_listener(const char *listen_on, int *fd_out, int *port, ilm_errors *err)
{
    char host[256];
    const char *colon = strrchr(listen_on, ':');
    const char *h = listen_on;
    size_t hlen = colon ? (size_t)(colon - listen_on) : 0;
    const char *ports = colon ? colon + 1 : "";
    size_t plen = strlen(ports);
    bool port_ok =
        plen > 0 && plen <= 5 && strspn(ports, "0123456789") == plen && atoi(ports) <= 65535;
    if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    if (!colon || hlen == 0 || hlen >= sizeof host || !port_ok) {
        ilm_errors_add(err, "listen \"%s\": expected ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080",
                       listen_on);
        return ILM_EINVAL;
    }
    memcpy(host, h, hlen);
    host[hlen] = '\0';

    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int gai = getaddrinfo(host, ports, &hints, &res);
    if (gai != 0) {
        ilm_errors_add(err, "listen %s:%s: %s", host, ports, gai_strerror(gai));
        return ILM_EINVAL;
    }
    int fd = -1, last_errno = 0;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        /* A restart must not wait for the old connections' TIME_WAIT. */
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
            last_errno = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        ilm_errors_add(err, "listen %s:%s: %s", host, ports, strerror(last_errno));
        return ILM_EIO;
    }
    struct sockaddr_storage ss;
    socklen_t sslen = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &sslen);
    *port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)(void *)&ss)->sin6_port)
                                     : ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port);
    *fd_out = fd;
    return 0;
}

static unsigned default_threads(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1)
        cpus = 1;
    return cpus > (long)MAX_THREADS / 2 ? MAX_THREADS : 2u * (unsigned)cpus;
}

static void server_free(http_server *srv)
{
    pthread_cond_destroy(&srv->watchdog_wake);
    pthread_mutex_destroy(&srv->conns_lock);
    pthread_cond_destroy(&srv->drained);
    pthread_mutex_destroy(&srv->lock);
    free(srv->trusted);
    free(srv);
}

int http_start(const http_route *routes, size_t n, http_authorize_fn auth, void *app,
               const http_server_options *o, http_server **out, ilm_errors *err)
{
    static const http_server_options defaults = {0};
    *out = NULL;
    if (!o)
        o = &defaults;
    if (!auth) {
        ilm_errors_add(err, "http_start: no authorise callback; every route needs one");
        return ILM_EINVAL;
    }
    if ((!routes && n > 0) || router_check(routes, n, err) != 0)
        return ILM_EINVAL;

    http_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return ILM_ENOMEM;
    srv->routes = routes;
    srv->n_routes = n;
    srv->auth = auth;
    srv->app = app;
    srv->max_body = o->max_body ? o->max_body : DEFAULT_MAX_BODY;
    srv->behind_tls = o->behind_tls;
    srv->log = o->log ? o->log : stderr;
    srv->prepare = o->prepare;
    srv->max_per_addr = o->max_per_address ? o->max_per_address : DEFAULT_MAX_PER_ADDRESS;
    srv->header_deadline_s =
        o->header_deadline_s ? o->header_deadline_s : DEFAULT_HEADER_DEADLINE_S;
    srv->body_grace_s = o->body_grace_s ? o->body_grace_s : DEFAULT_BODY_GRACE_S;
    srv->body_min_rate = o->body_min_rate ? o->body_min_rate : DEFAULT_BODY_MIN_RATE;
    srv->idle_s = o->timeout_s ? o->timeout_s : DEFAULT_TIMEOUT_S;
    pthread_mutex_init(&srv->lock, NULL);
    pthread_mutex_init(&srv->conns_lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&srv->drained, &ca);
    pthread_cond_init(&srv->watchdog_wake, &ca);
    pthread_condattr_destroy(&ca);
    if (o->n_trusted_proxies > 0) {
        srv->trusted = calloc(o->n_trusted_proxies, sizeof *srv->trusted);
        if (!srv->trusted) {
            server_free(srv);
            return ILM_ENOMEM;
        }
        for (size_t i = 0; i < o->n_trusted_proxies; i++) {
            if (guard_parse_range(o->trusted_proxies[i], &srv->trusted[i], err) != 0) {
                server_free(srv);
                return ILM_EINVAL;
            }
        }
        srv->n_trusted = o->n_trusted_proxies;
    }

    int rc =
        open_listener(o->listen ? o->listen : DEFAULT_LISTEN, &srv->listen_fd, &srv->port, err);
    if (rc != 0) {
        server_free(srv);
        return rc;
    }
    unsigned max_conn = o->max_connections ? o->max_connections : DEFAULT_MAX_CONNECTIONS;
    unsigned threads = o->threads ? o->threads : default_threads();
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    /* MHD splits the connection limit between the threads. */
    if (threads > max_conn)
        threads = max_conn;

    /* The pool's threads inherit this mask: signals meant for the
     * application must not land on a thread that is running a handler. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_LISTEN_SOCKET, srv->listen_fd, NULL},
        {MHD_OPTION_THREAD_POOL_SIZE, threads, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s ? o->timeout_s : DEFAULT_TIMEOUT_S, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, max_conn, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_MEMORY, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    /* ITC lets MHD_quiesce_daemon wake the pool's threads. */
    srv->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC, 0,
                                   guard_accept, srv, on_request, srv, MHD_OPTION_NOTIFY_COMPLETED,
                                   on_completed, srv, MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
                                   MHD_OPTION_NOTIFY_CONNECTION, guard_notify, srv,
                                   MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (srv->daemon && guard_start(srv) != 0) {
        MHD_stop_daemon(srv->daemon);
        srv->daemon = NULL;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!srv->daemon) {
        ilm_errors_add(err, "could not start the HTTP server's %u threads", threads);
        close(srv->listen_fd);
        server_free(srv);
        return ILM_EIO;
    }
    *out = srv;
    return 0;
}

int http_port(const http_server *srv) { return srv->port; }

void http_stop(http_server *srv)
{
    if (!srv)
        return;
    pthread_mutex_lock(&srv->lock);
    srv->stopping = true;
    pthread_mutex_unlock(&srv->lock);

    MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
    /* MHD stops accepting but the socket still listens, and MHD wants it
     * open until MHD_stop_daemon. On Linux, shutdown() takes a listening
     * socket out of LISTEN, so that new clients are refused at once instead
     * of waiting in the backlog. */
    if (fd != MHD_INVALID_SOCKET)
        shutdown(fd, SHUT_RDWR);

    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += HTTP_DRAIN_MAX_S;
    pthread_mutex_lock(&srv->lock);
    while (srv->in_flight > 0)
        if (pthread_cond_timedwait(&srv->drained, &srv->lock, &deadline) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&srv->lock);

    guard_stop(srv);
    MHD_stop_daemon(srv->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    server_free(srv);
}

int http_serve_until_signal(http_server *srv)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    int sig = 0;
    int rc = sigwait(&set, &sig);
    /* Unblocked before the drain (even when the caller had blocked them
     * already), so that a second signal ends the process when a stop
     * takes too long for the operator. */
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    http_stop(srv);
    return rc == 0 ? sig : ILM_EIO;
}
