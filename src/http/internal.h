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

struct http_request {
    http_server *srv;
    struct MHD_Connection *conn;
    const http_route *route; /* NULL until a route matched */
    char *method;
    char *path;
    char *segments; /* a copy of path that the router cuts at each "/" */
    http_param_value params[HTTP_MAX_PARAMS];
    int n_params;
    char client[INET6_ADDRSTRLEN];
    char user[HTTP_USER_MAX];
    bool authenticated;
    void *data;               /* the application's, see http_set_data */
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

    /* Requests between their first byte and their completion; `stopping`
     * makes new ones get 503. Both under `lock`; `drained` is signalled when
     * in_flight drops to 0 during a stop. */
    pthread_mutex_t lock;
    pthread_cond_t drained;
    size_t in_flight;
    bool stopping;
};

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
