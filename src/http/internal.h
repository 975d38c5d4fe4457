/* What the files of the HTTP layer share: the request and server records and
 * the router. Not for use outside src/http/.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILM_HTTP_INTERNAL_H
#define ILM_HTTP_INTERNAL_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <microhttpd.h>

#include "http/http.h"

/* The room for Allow's value: every method of the table, comma-separated. */
#define HTTP_ALLOW_MAX 256

typedef struct http_param_value {
    const char *name; /* points into the route's pattern, after the "{" */
    size_t name_len;
    const char *value; /* points into http_request.segments */
} http_param_value;

typedef struct http_header_line {
    char *name;
    char *value;
} http_header_line;

/* One address or range of trusted proxies ("10.0.0.5", "10.0.0.0/8",
 * "::1", "fd00::/8"). */
typedef struct http_addr_range {
    int family; /* AF_INET or AF_INET6 */
    unsigned char bytes[16];
    int prefix; /* the number of leading bits that must match */
} http_addr_range;

/* Where a connection is in its current request, for the watchdog. */
typedef enum http_phase {
    PHASE_HEADER,  /* waiting for (the rest of) a request's header */
    PHASE_BODY,    /* reading a body: it must come at the minimum rate */
    PHASE_HANDLER, /* the application runs or the reply goes out: no deadline */
} http_phase;

/* One open connection (MHD's socket context), in http_server.conns. All
 * fields but `fd` and `addr` change under http_server.conns_lock. */
typedef struct http_conn {
    struct http_conn *prev, *next;
    int fd;
    char addr[INET6_ADDRSTRLEN]; /* the peer's address (IPv6: its /64) */
    bool trusted;                /* the peer is a trusted proxy */
    http_phase phase;
    struct timespec since; /* CLOCK_MONOTONIC: when the phase began */
    long extra_s;          /* PHASE_HEADER: seconds allowed beyond the deadline */
    size_t received;       /* PHASE_BODY: bytes so far */
    bool cut;              /* shut down by the watchdog */
} http_conn;

struct http_request {
    http_server *srv;
    struct MHD_Connection *conn;
    http_conn *hc; /* the connection's record; NULL when unknown */
    bool begun;    /* begin_request ran (it counts the request in flight) */
    /* What the URI callback found in the raw request line. */
    bool uri_too_long, too_many_params, bad_path;
    const http_route *route; /* NULL until a route matched */
    char *method;
    char *path;
    char *segments; /* a copy of path that the router cuts at each "/" */
    http_param_value params[HTTP_MAX_PARAMS];
    int n_params;
    char client[INET6_ADDRSTRLEN];
    char user[HTTP_USER_MAX];
    bool authenticated;
    void *data; /* the application's, see http_set_data */
    void (*data_free)(void *);
    struct timespec started;      /* CLOCK_REALTIME, for the log's time stamp */
    struct timespec started_mono; /* CLOCK_MONOTONIC, for the duration */

    /* The body as it arrives; body_cap includes room for a final NUL. */
    char *body;
    size_t body_len, body_cap;
    size_t discarded; /* bytes dropped after the body went over the cap */
    bool too_large;

    /* The reply, held until it is queued to MHD. */
    bool replied;
    int status;
    char *content_type;
    char *reply_body; /* from malloc; NULL when reply_len is 0 */
    size_t reply_len;
    http_header_line headers[HTTP_MAX_HEADERS];
    int n_headers;
    bool queued;
    int sent_status; /* what was queued, for the log; 0 when nothing was */
};

struct http_server {
    struct MHD_Daemon *daemon;
    int listen_fd;
    int port;
    const http_route *routes;
    size_t n_routes;
    http_authorize_fn auth;
    void *app;
    size_t max_body;
    bool behind_tls;
    FILE *log;
    http_prepare_fn prepare;

    /* Limits of the guard (guard.c). */
    unsigned max_per_addr, header_deadline_s, body_grace_s, body_min_rate, idle_s;
    http_addr_range *trusted;
    size_t n_trusted;

    /* The open connections, under conns_lock; the watchdog walks them and
     * shuts down the overdue ones (under the lock, so that a closed and
     * reused fd is never hit). */
    pthread_mutex_t conns_lock;
    pthread_cond_t watchdog_wake;
    http_conn *conns;
    pthread_t watchdog;
    bool watchdog_running, watchdog_stop;

    /* Requests between their first byte and their completion; `stopping`
     * makes new ones get 503. Both under `lock`; `drained` is signalled when
     * in_flight drops to 0 during a stop. */
    pthread_mutex_t lock;
    pthread_cond_t drained;
    size_t in_flight;
    bool stopping;
};

/* ---- The guard (guard.c) ---- */

/* Parses "ADDR" or "ADDR/BITS" (IPv4 or IPv6) into *out. Returns 0 or
 * ILM_EINVAL with a message in err naming `s`. */
int guard_parse_range(const char *s, http_addr_range *out, ilm_errors *err);
/* Whether a peer address is one of the server's trusted proxies. */
bool guard_is_trusted(const http_server *srv, const struct sockaddr *sa);
/* The client's address for req into req->client: the peer's, or, when the
 * peer is a trusted proxy, the rightmost X-Forwarded-For entry that is not
 * itself a trusted proxy. */
void guard_client_address(http_request *req);
/* MHD's accept policy: refuses a peer that has max_per_addr open
 * connections already (trusted proxies excepted). */
enum MHD_Result guard_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);
/* MHD's connection notification: records and forgets connections. */
void guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                  enum MHD_ConnectionNotificationCode toe);
/* The connection record of conn, or NULL. */
http_conn *guard_conn(struct MHD_Connection *conn);
/* Moves hc (NULL allowed) to `phase`, from now. */
void guard_phase(http_server *srv, http_conn *hc, http_phase phase);
/* Counts n body bytes on hc (NULL allowed). */
void guard_body_bytes(http_server *srv, http_conn *hc, size_t n);
/* Starts and stops the watchdog thread. guard_start returns 0 or ILM_EIO. */
int guard_start(http_server *srv);
void guard_stop(http_server *srv);

/* Checks a route table; appends one message per bad route to err.
 * Returns 0 or ILM_EINVAL. */
int router_check(const http_route *routes, size_t n, ilm_errors *err);

/* The outcome of matching a request against the table. */
typedef enum router_result {
    ROUTER_FOUND,      /* req->route and req->params are set */
    ROUTER_NOT_FOUND,  /* no route has this path */
    ROUTER_BAD_METHOD, /* routes have this path, for other methods: see allow */
} router_result;

/* Matches req->method and req->path against the server's table. On
 * ROUTER_BAD_METHOD, `allow` (HTTP_ALLOW_MAX bytes) receives the methods
 * that the path accepts, e.g. "GET, HEAD, POST". */
router_result router_match(http_request *req, char *allow);

/* Whether s is a non-empty HTTP token (a method or a header name). NULL is
 * allowed (false). */
bool request_is_token(const char *s);

/* Frees what a request holds, and the request. NULL is allowed. */
void request_free(http_request *req);

/* Builds the MHD response for the request's reply, with the security
 * headers, and queues it; `close` adds Connection: close. Sends a 500 when
 * there is no reply. Returns MHD_YES, or MHD_NO when MHD refused (the
 * connection is then closed). */
enum MHD_Result request_queue_reply(http_request *req, bool close);

#endif
