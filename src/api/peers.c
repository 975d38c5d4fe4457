/* The peer finder's route: GET /api/municipalities/{code}/peers?k=.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "ilmava/app.h"
#include "ilmava/io.h"

#define PEERS_DEFAULT_K 5

int h_peers(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    long long k;
    if (!query_int(req, "k", 1, ILM_PEERS_MAX_K, PEERS_DEFAULT_K, &k))
        return 0;
    /* By code only, as the other municipality routes: names are for
     * people typing. */
    const char *code = http_param(req, "code");
    if (strlen(code) != 3 || strspn(code, "0123456789") != 3)
        return http_reply_error(req, 404, NULL, "No such municipality: a code is three digits",
                                NULL);
    ilm_peer_result r = {0};
    ilm_errors err = {0};
    int rc = ilm_app_peers(c->store, code, (int)k, &r, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    char *json = ilm_peers_to_json(&r);
    ilm_peer_result_clear(&r);
    return reply_text(req, 200, json);
}
