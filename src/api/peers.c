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
    long k = PEERS_DEFAULT_K;
    const char *ks = http_query(req, "k");
    if (ks) {
        size_t len = strlen(ks);
        k = len >= 1 && len <= 3 && strspn(ks, "0123456789") == len ? strtol(ks, NULL, 10) : -1;
        if (k < 1 || k > ILM_PEERS_MAX_K) {
            char msg[96];
            snprintf(msg, sizeof msg, "k: expected a whole number between 1 and %d",
                     ILM_PEERS_MAX_K);
            return http_reply_error(req, 422, NULL, msg, "k");
        }
    }
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
