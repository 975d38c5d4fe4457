/* The peer finder's answer as JSON: the API's reply and the CLI's --json.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdlib.h>

#include "ilmava/io.h"
#include "jsonw.h"

static void feature_object(jsonw *w, const double *v)
{
    jw_object_begin(w);
    for (int f = 0; f < ILM_PF_COUNT; f++) {
        jw_key(w, ilm_peer_feature_name((ilm_peer_feature)f));
        jw_number(w, v[f]);
    }
    jw_object_end(w);
}

static void optional_name(jsonw *w, const char *s)
{
    if (s)
        jw_string(w, s);
    else
        jw_null(w);
}

char *ilm_peers_to_json(const ilm_peer_result *r)
{
    jsonw w;
    jw_init(&w);
    jw_object_begin(&w);
    jw_key(&w, "municipality");
    jw_object_begin(&w);
    if (r->n_inputs > 0) {
        const ilm_peer_input *me = &r->inputs[r->target];
        jw_key(&w, "code");
        jw_string(&w, me->code);
        jw_key(&w, "name");
        optional_name(&w, me->name);
        jw_key(&w, "year");
        jw_int(&w, me->year);
        jw_key(&w, "population");
        jw_number(&w, me->population);
        jw_key(&w, "population_year");
        jw_int(&w, me->population_year);
    }
    jw_key(&w, "synthetic");
    jw_bool(&w, r->synthetic);
    jw_object_end(&w);
    jw_key(&w, "compared");
    jw_int(&w, (long long)r->n_inputs);
    jw_key(&w, "left_out");
    jw_array_begin(&w);
    for (size_t i = 0; i < r->n_left_out; i++) {
        jw_object_begin(&w);
        jw_key(&w, "code");
        jw_string(&w, r->left_out[i].code);
        jw_key(&w, "name");
        optional_name(&w, r->left_out[i].name);
        jw_key(&w, "reason");
        jw_string(&w, r->left_out[i].reason);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_key(&w, "weights");
    feature_object(&w, r->weights);
    /* No close peer in the data, and on which feature the nearest differs. */
    jw_key(&w, "isolated");
    jw_bool(&w, r->isolated);
    jw_key(&w, "nearest_differs_most");
    if (r->n_peers) {
        jw_object_begin(&w);
        jw_key(&w, "feature");
        jw_string(&w, ilm_peer_feature_name(r->far_feature));
        jw_key(&w, "z");
        jw_number(&w, r->far_z);
        jw_object_end(&w);
    } else {
        jw_null(&w);
    }
    jw_key(&w, "peers");
    jw_array_begin(&w);
    for (size_t i = 0; i < r->n_peers; i++) {
        const ilm_peer *p = &r->peers[i];
        const ilm_peer_input *in = &r->inputs[p->index];
        jw_object_begin(&w);
        jw_key(&w, "code");
        jw_string(&w, in->code);
        jw_key(&w, "name");
        optional_name(&w, in->name);
        jw_key(&w, "year");
        jw_int(&w, in->year);
        jw_key(&w, "distance");
        jw_number(&w, p->distance);
        jw_key(&w, "reasons");
        jw_array_begin(&w);
        for (size_t j = 0; j < p->n_reasons; j++) {
            const ilm_peer_reason *rs = &p->reasons[j];
            jw_object_begin(&w);
            jw_key(&w, "feature");
            jw_string(&w, ilm_peer_feature_name(rs->feature));
            jw_key(&w, "similar");
            jw_bool(&w, rs->similar);
            jw_key(&w, "this");
            jw_number(&w, rs->this_value);
            jw_key(&w, "peer");
            jw_number(&w, rs->peer_value);
            jw_key(&w, "z_difference");
            jw_number(&w, rs->z_difference);
            jw_object_end(&w);
        }
        jw_array_end(&w);
        jw_key(&w, "contributions");
        feature_object(&w, p->contribution);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_object_end(&w);
    return jw_finish(&w);
}
