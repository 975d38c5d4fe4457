/* The JSON API: the store and the engine behind HTTP, with accounts,
 * sessions, roles and the audit trail. The command line's `serve` starts
 * it; the tests start it on an ephemeral port. Reference: docs/API.md.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILM_API_H
#define ILM_API_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "http/http.h"
#include "ilmava/error.h"

typedef struct api_server api_server;

typedef struct api_options {
    const char *db_path;   /* the store; created when missing */
    const char *listen;    /* NULL: 127.0.0.1:8080 */
    /* The origin browsers see ("https://ilmava.example.fi"); a changing
     * request's Origin must equal it. NULL: from the listen address and
     * the port listened on ("http://127.0.0.1:8080"; "https://" when
     * behind_tls); never from the request's Host header. */
    const char *origin;
    /* Trusted proxies ("10.0.0.5", "10.0.0.0/8"): only from them is
     * X-Forwarded-For believed (http_server_options.trusted_proxies). */
    const char *const *trusted_proxies;
    size_t n_trusted_proxies;
    bool behind_tls;
    unsigned threads;        /* 0: 16 */
    int64_t session_idle_s;  /* 0: 2 hours */
    int64_t session_max_s;   /* 0: 12 hours */
    FILE *log;               /* NULL: stderr */
} api_options;

/* Opens the store (applying migrations) and starts serving in background
 * threads. */
int api_start(const api_options *o, api_server **out, ilm_errors *err);
/* The port it listens on. */
int api_port(const api_server *a);
/* Stops gracefully (requests in flight finish), closes the store. */
void api_stop(api_server *a);
/* Serves until SIGINT or SIGTERM, then stops as api_stop does. */
int api_serve_until_signal(api_server *a);

/* What a route requires, resolved by the one authorisation step. */
typedef enum api_requirement {
    REQ_PUBLIC,        /* anyone */
    REQ_USER,          /* signed in */
    REQ_ORGANISER,     /* an organiser */
    REQ_MUNI_READ,     /* {code}: a user of that municipality, or an organiser */
    REQ_MUNI_WRITE,    /* {code}: an editor of it, or an organiser */
    REQ_PLAN_READ,     /* {id}: published, or REQ_MUNI_READ of its municipality */
    REQ_PLAN_WRITE,    /* {id}: REQ_MUNI_WRITE of its municipality */
    REQ_PLAN_MEMBER,   /* {id}: REQ_MUNI_READ of its municipality (audit) */
    REQ_PLAN_COMMENT,  /* {id}: an editor or expert of its municipality, or an organiser */
    REQ_MEASURE_WRITE, /* {id} of a measure: REQ_PLAN_WRITE of its plan */
    /* The coaching programme (programme.c, docs/programme.md): */
    REQ_PROGRAMME_APPLY,    /* {id} of a programme: an organiser, or an editor while the
                               application period is open (the body's municipality must be
                               one of the editor's: checked by api_can_write) */
    REQ_APPLICATION_READ,   /* {id} of an application: REQ_MUNI_READ of its municipality;
                               otherwise 404 */
    REQ_APPLICATION_WRITE,  /* {id}: an organiser, or an editor of its municipality until
                               the programme's apply_until */
    REQ_APPLICATION_SPARRING, /* {id}: an editor or expert of its municipality, or an
                                 organiser (404 as for REQ_APPLICATION_READ) */
    REQ_SPARRING_WRITE,     /* {id} of a sparring entry: REQ_APPLICATION_SPARRING of its
                               application */
    REQ_PEER_GROUP_MEMBER,  /* {id} of a peer group: a user of one of its members'
                               municipalities, or an organiser; otherwise 404 */
} api_requirement;

/* "public", "user", "organiser", "municipality.read", ... */
const char *api_requirement_name(int required);

/* The route table (for `ilmava routes` and the isolation test). */
const http_route *api_routes(size_t *n);

#endif
