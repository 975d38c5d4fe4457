/* The HTTP layer: a libmicrohttpd server with a thread pool, a route table
 * that names the role each route requires, one authorisation step for all
 * routes, JSON errors, body and connection caps, security headers, cookies,
 * an access log and a graceful stop. It knows nothing of the store or the
 * API: the application hands it a route table, an authorisation callback
 * and an opaque `app` pointer. Internal to the project (docs/HTTP.md).
 *
 * Life of a request:
 *   0. the request line arrives: a URI over HTTP_URI_MAX bytes or with
 *      more than HTTP_QUERY_MAX parameters gets 414;
 *   1. headers arrive: ambiguous framing (two different Content-Length,
 *      Content-Length with Transfer-Encoding, HTTP/1.1 without one Host)
 *      gets 400, more than HTTP_HEADERS_MAX headers or HTTP_HEADER_BYTES_MAX
 *      bytes of them 431; a path with a control character (raw or
 *      percent-encoded) gets 404; the path is matched against the table:
 *      no route -> 404, a route for another method -> 405 with Allow;
 *   2. the authorise callback runs with the route (the body is not read
 *      yet, so an unauthorised client cannot make us buffer one);
 *   3. the body is read, capped at max_body (413 from Content-Length up
 *      front, or while a chunked body streams in);
 *   4. the prepare callback, if any, runs (it may take what the handler
 *      needs), then the route's handler runs on one of the pool's threads
 *      and replies;
 *   5. the response goes out with the security headers; when it is sent,
 *      one line goes to the access log.
 * A watchdog closes a connection whose header is not in within
 * header_deadline_s, or whose body comes slower than body_min_rate.
 *
 * Every function on an http_request must be called from the thread that
 * runs the handler or the authorise callback for it, during that call.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILM_HTTP_H
#define ILM_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ilmava/error.h"

typedef struct http_server http_server;
typedef struct http_request http_request;

/* A route pattern has at most this many "{name}" segments. */
#define HTTP_MAX_PARAMS 8
/* A reply carries at most this many headers added by http_add_header and
 * http_set_cookie. */
#define HTTP_MAX_HEADERS 16
/* Longer user names are cut to this many bytes (log and http_user). */
#define HTTP_USER_MAX 64
/* A longer request target (path and query) gets 414. */
#define HTTP_URI_MAX 8192
/* A query with more parameters gets 414. */
#define HTTP_QUERY_MAX 256
/* More request headers, or more bytes of them (names and values), get 431. */
#define HTTP_HEADERS_MAX 100
#define HTTP_HEADER_BYTES_MAX 16384
/* http_stop waits at most this long for requests in flight. */
#define HTTP_DRAIN_MAX_S 30

/* Runs one request. It replies with one of the http_reply* calls and
 * returns 0. When it returns non-zero without having replied, or returns
 * without replying at all, the client gets a 500 "internal" error. `app` is
 * the pointer given to http_start. Handlers run concurrently on the pool's
 * threads, so whatever they share through `app` must be thread-safe. */
typedef int (*http_handler)(void *app, http_request *req);

/* One entry of the route table.
 * `method`: "GET", "POST", ... compared exactly; a GET route also answers
 *   HEAD (without the body).
 * `pattern`: an absolute path whose segments are literal or "{name}", e.g.
 *   "/api/plans/{id}/measures". "{name}" matches one non-empty segment, which
 *   http_param(req, "name") returns. Routes are tried in table order and the
 *   first match wins, so list "/plans/new" before "/plans/{id}".
 * `required`: what the route requires (a role, "public", ...). The server
 *   does not interpret it; it hands the route to the authorise callback.
 * The table, its strings included, must outlive the server. */
typedef struct http_route {
    const char *method;
    const char *pattern;
    http_handler handler;
    int required;
} http_route;

/* Decides whether `req` may run `route` (route->required says what the
 * route needs). Returns 0 to allow, or 401, 403 or 404 to refuse: the
 * client then gets that status as a JSON error and the handler never runs.
 * Any other value is answered 500, so a bug refuses rather than allows.
 * It sees the method, path, path parameters, query, headers, cookies and
 * client address, but not the body, which is not read yet. It may call
 * http_set_user and http_set_authenticated, add headers (e.g. a cookie that
 * clears an expired session) and, when refusing, reply itself with
 * http_reply_error to give a more precise message. Runs on the pool's
 * threads, concurrently. */
typedef int (*http_authorize_fn)(void *app, http_request *req, const http_route *route);

/* Runs when the whole request (body included) is in, just before the
 * handler: the place to take a scarce resource that the handler needs (a
 * store handle), so that none is held while a client sends its body.
 * Returns 0 to go on; otherwise the handler does not run and the client
 * gets the callback's own reply (e.g. 503 with Retry-After), or 503 when
 * it made none. Runs on the pool's threads, concurrently. */
typedef int (*http_prepare_fn)(void *app, http_request *req);

/* Server settings. Zero-initialise and set what you need; 0 and NULL mean
 * the default. */
typedef struct http_server_options {
    /* "ADDR:PORT" or "[IPV6]:PORT"; ADDR may be a host name. Port 0 picks a
     * free port (see http_port). NULL: "127.0.0.1:8080". */
    const char *listen;
    /* Threads in the pool; a handler occupies one while it runs.
     * 0: twice the number of online CPUs. */
    unsigned threads;
    /* Largest request body in bytes; a larger one gets 413. 0: 1 MiB. */
    size_t max_body;
    /* Seconds a connection may stay idle (a slow or silent client) before it
     * is closed. 0: 30. */
    unsigned timeout_s;
    /* Open connections at most, all clients together. 0: 256. */
    unsigned max_connections;
    /* Open connections at most from one client address (IPv6: one /64); a
     * trusted proxy's are not capped. 0: 32. */
    unsigned max_per_address;
    /* Seconds a client has for a whole request header, from the
     * connection's start (or from the end of its previous request plus
     * timeout_s); then the connection is closed. 0: 10. */
    unsigned header_deadline_s;
    /* A body must arrive at body_min_rate bytes per second at least, after
     * body_grace_s seconds of grace; a slower one is cut off. 0: 10 s and
     * 1024 B/s. */
    unsigned body_grace_s;
    unsigned body_min_rate;
    /* Trusted proxies: addresses or ranges ("10.0.0.5", "10.0.0.0/8",
     * "::1"). Only for requests from one of them is X-Forwarded-For read
     * (see http_client_addr), and their connections are not capped per
     * address. Copied by http_start. */
    const char *const *trusted_proxies;
    size_t n_trusted_proxies;
    /* Runs before each handler (NULL: none); see http_prepare_fn. */
    http_prepare_fn prepare;
    /* The server sits behind a TLS-terminating proxy: cookies get Secure. */
    bool behind_tls;
    /* The access log, one line per request; written under the FILE's lock
     * and flushed after each line. NULL: stderr. Not closed by the server. */
    FILE *log;
} http_server_options;

/* Starts serving `routes[0..n)` in background threads and returns at once.
 * `auth` must not be NULL: every route goes through it. `app` is passed to
 * `auth` and to the handlers. `o` may be NULL (all defaults). The route table
 * is checked first: a method and handler on each route, patterns that start
 * with "/" with well-formed "{name}" segments, at most HTTP_MAX_PARAMS each.
 * On success *out is the server (free it with http_stop) and 0 is returned.
 * On failure *out is NULL, a message goes to `err` (NULL allowed), e.g.
 * "listen 127.0.0.1:8080: Address already in use", and the result is
 * ILM_EINVAL (bad table or options), ILM_EIO (socket or thread failure) or
 * ILM_ENOMEM. SIGINT, SIGTERM and SIGPIPE are blocked in the server's
 * threads, so that they reach the application's own thread. */
int http_start(const http_route *routes, size_t n, http_authorize_fn auth, void *app,
               const http_server_options *o, http_server **out, ilm_errors *err);

/* The TCP port the server listens on (useful after listening on port 0). */
int http_port(const http_server *srv);

/* Stops gracefully and frees the server: stops accepting (new connections
 * are refused at once), lets the requests in flight finish and their
 * responses go out (waiting at most HTTP_DRAIN_MAX_S), answers requests that
 * arrive meanwhile on open keep-alive connections with 503, then closes
 * every connection and joins the threads. Call it once, from a thread that
 * is not running a handler. NULL is allowed. */
void http_stop(http_server *srv);

/* Blocks the calling thread until SIGINT or SIGTERM arrives, then stops and
 * frees the server as http_stop does. Returns the signal's number, or
 * ILM_EIO when waiting failed (the server is stopped and freed either way).
 * Call it from the thread that called http_start; other threads of the
 * application should block SIGINT and SIGTERM. A second signal during the
 * stop gets its default action (end the process at once). */
int http_serve_until_signal(http_server *srv);

/* ---- The request ---- */

/* The method, e.g. "GET". */
const char *http_method(const http_request *req);
/* The path, percent-decoded, without the query string, e.g.
 * "/api/plans/17/measures". */
const char *http_path(const http_request *req);
/* The value of the route's "{name}" segment, or NULL when the pattern has
 * no such segment. */
const char *http_param(const http_request *req, const char *name);
/* The decoded value of query parameter `name` ("a" in "?a=1"), or NULL when
 * absent. "?a" without "=" gives "". */
const char *http_query(const http_request *req, const char *name);
/* The value of request header `name` (case-insensitive), or NULL. */
const char *http_header(const http_request *req, const char *name);
/* The value of cookie `name` from the Cookie header, or NULL. */
const char *http_cookie(const http_request *req, const char *name);
/* The body: http_body_len(req) bytes followed by a NUL, never NULL ("" when
 * there is none). Owned by the request; valid until the handler returns.
 * Empty in the authorise callback, which runs before the body is read. */
const char *http_body(const http_request *req);
size_t http_body_len(const http_request *req);
/* The client's address as text ("127.0.0.1", "::1"); "" when unknown.
 * When the peer is a trusted proxy (http_server_options.trusted_proxies),
 * it is the rightmost X-Forwarded-For address that is not itself a trusted
 * proxy; from any other peer X-Forwarded-For is ignored. */
const char *http_client_addr(const http_request *req);

/* Names the user for the access log and for http_user; cut at
 * HTTP_USER_MAX - 1 bytes. Until it is called the log shows "-". */
void http_set_user(http_request *req, const char *name);
/* The name given to http_set_user, or NULL. */
const char *http_user(const http_request *req);
/* Attaches the application's data to the request (e.g. the session the
 * authorise callback found, for the handler). `data_free` (NULL allowed)
 * is called on it when the request is freed or the data replaced. */
void http_set_data(http_request *req, void *data, void (*data_free)(void *));
/* The data given to http_set_data, or NULL. */
void *http_data(const http_request *req);
/* Marks the request as made by a signed-in user: its response then gets
 * Cache-Control: no-store (unless the reply set a Cache-Control itself). */
void http_set_authenticated(http_request *req);

/* ---- The reply ----
 * A request gets one reply: a second http_reply* call returns ILM_EINVAL and
 * changes nothing. Every response carries X-Content-Type-Options: nosniff,
 * Referrer-Policy: no-referrer and X-Frame-Options: DENY; text/html ones
 * also a strict Content-Security-Policy. The reply functions return 0,
 * ILM_EINVAL (already replied, or a bad argument) or ILM_ENOMEM. */

/* Replies with `len` bytes of `body` (copied; NULL allowed when len is 0)
 * and the given Content-Type (NULL: none, only when len is 0, as for a
 * 204). `status` is 100..599. */
int http_reply(http_request *req, int status, const char *content_type, const void *body,
               size_t len);
/* As http_reply, but takes `body`, which must come from malloc: the request
 * frees it, on failure too. Saves a copy of a large document. */
int http_reply_take(http_request *req, int status, const char *content_type, char *body,
                    size_t len);
/* Replies with a JSON document (a NUL-terminated string, copied) as
 * application/json. */
int http_reply_json(http_request *req, int status, const char *json);
/* Replies {"error":{"code":CODE,"message":MESSAGE,"field":FIELD}} as
 * application/json. NULL `code` or `message` use the defaults for the status
 * (http_status_code, http_status_text); a NULL `field` leaves "field" out. The
 * strings are escaped, so user input may appear in them. */
int http_reply_error(http_request *req, int status, const char *code, const char *message,
                     const char *field);
/* Checks that the request's media type (Content-Type before any ";",
 * case-insensitive) is `type`, e.g. "application/json". Returns 0 when it
 * is; otherwise replies 415 and returns ILM_EINVAL, and the handler should
 * just return 0. */
int http_require_content_type(http_request *req, const char *type);

/* Adds a header to the reply (before or after the http_reply* call). The
 * name must be an HTTP token and the value free of control characters.
 * Returns 0, ILM_EINVAL, ILM_ELIMIT (HTTP_MAX_HEADERS reached) or
 * ILM_ENOMEM. */
int http_add_header(http_request *req, const char *name, const char *value);
/* Sets a cookie: "NAME=VALUE; Path=/; Max-Age=N; HttpOnly; SameSite=Strict"
 * plus "; Secure" when the server is behind_tls. max_age < 0 leaves Max-Age
 * out (a session cookie); 0 deletes the cookie. The name must be an HTTP
 * token and the value cookie-safe (printable ASCII without space, quote,
 * comma, semicolon or backslash), such as a hex or base64url token.
 * Returns as http_add_header. */
int http_set_cookie(http_request *req, const char *name, const char *value, long max_age);

/* ---- Helpers ---- */

/* The default error code of a status: "bad_request", "unauthorized",
 * "forbidden", "not_found", "method_not_allowed", "conflict",
 * "payload_too_large", "uri_too_long", "unsupported_media_type", "unprocessable",
 * "headers_too_large",
 * "unavailable", "internal" (any other status). */
const char *http_status_code(int status);
/* The default English message of a status, e.g. "Not found". */
const char *http_status_text(int status);
/* Writes `s` as a JSON string with its quotes into dst (snprintf-like:
 * at most cap bytes including the NUL, cap 0 allowed) and returns the
 * length the whole string needs, without the NUL. Control characters,
 * quote and backslash are escaped; invalid UTF-8 becomes U+FFFD, so the
 * output is always valid JSON. */
size_t http_json_escape(char *dst, size_t cap, const char *s);

#endif
