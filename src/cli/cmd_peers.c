/* The peers command: a municipality's most similar municipalities, with
 * the reasons (docs/peers.md).
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ilmava/app.h"
#include "ilmava/io.h"

static const char *const peers_usage =
    "usage: ilmava peers MUNICIPALITY [--k N] [--json]\n"
    "\n"
    "The N (default 5, at most 50) municipalities most similar to\n"
    "MUNICIPALITY (a code or a name), nearest first, each with the features\n"
    "on which the two are closest and the one on which they differ most.\n"
    "Features: log population; log emissions per person of heating,\n"
    "electricity, transport, agriculture and the rest; the EU-ETS share; the\n"
    "change since 2007; each standardised over the municipalities compared.\n"
    "It is a list of the nearest, never a ranking of all (docs/peers.md).\n"
    "\n"
    "  --k N     how many peers (1..50)\n"
    "  --json    print the API's document\n";

/* "population 21 500 vs 23 100", "heating 2.14 vs 2.30 t/person". */
static void print_reason(const ilm_peer_reason *r)
{
    char a[32], b[32];
    const char *name = ilm_peer_feature_name(r->feature);
    switch (r->feature) {
    case ILM_PF_POPULATION:
        cli_printf("population %s vs %s", cli_group(a, sizeof a, r->this_value, 0),
                   cli_group(b, sizeof b, r->peer_value, 0));
        break;
    case ILM_PF_ETS_SHARE:
        cli_printf("EU-ETS share %.1f %% vs %.1f %%", 100 * r->this_value, 100 * r->peer_value);
        break;
    case ILM_PF_CHANGE:
        cli_printf("change since %d %+.1f %% vs %+.1f %%", ILM_PEER_BASE_YEAR, 100 * r->this_value,
                   100 * r->peer_value);
        break;
    default: cli_printf("%s %.2f vs %.2f t/person", name, r->this_value, r->peer_value); break;
    }
}

/* A feature as a reader names it: "EU-ETS share", "heating per person". */
static const char *feature_label(ilm_peer_feature f, char *buf, size_t n)
{
    if (f == ILM_PF_ETS_SHARE)
        return "EU-ETS share";
    if (f == ILM_PF_CHANGE)
        snprintf(buf, n, "the change since %d", ILM_PEER_BASE_YEAR);
    else if (f == ILM_PF_POPULATION)
        snprintf(buf, n, "population");
    else
        snprintf(buf, n, "%s per person", ilm_peer_feature_name(f));
    return buf;
}

static void print_peers(const ilm_peer_result *r)
{
    const ilm_peer_input *me = &r->inputs[r->target];
    cli_printf("Peers of %s (%s)%s, on its figures of %d (all emissions).\n", me->name, me->code,
               r->synthetic ? " [synthetic data]" : "", me->year);
    if (me->population_year && me->population_year != me->year)
        cli_printf("Per-person figures use the population of %d, the nearest year with one.\n",
                   me->population_year);
    cli_printf("%zu municipalities compared, %zu left out. The nearest by similarity,\n"
               "not a ranking.\n",
               r->n_inputs, r->n_left_out);
    for (size_t i = 0; i < r->n_left_out; i++)
        cli_printf("  left out: %s (%s): %s\n", r->left_out[i].name ? r->left_out[i].name : "?",
                   r->left_out[i].code, r->left_out[i].reason);
    if (r->n_peers == 0) {
        cli_printf("No other municipality can be compared.\n");
        return;
    }
    if (r->isolated) {
        char label[64];
        cli_printf("No close peer exists in the data: even the nearest differs by %.1f standard\n"
                   "deviations in %s (more than %.0f), so read the peers below with care.\n",
                   r->far_z, feature_label(r->far_feature, label, sizeof label), ILM_PEER_FAR_Z);
    }
    for (size_t i = 0; i < r->n_peers; i++) {
        const ilm_peer *p = &r->peers[i];
        const ilm_peer_input *in = &r->inputs[p->index];
        cli_printf("\n%zu. %s (%s), %d: distance %.3f\n", i + 1, in->name, in->code, in->year,
                   p->distance);
        bool similar_started = false;
        for (size_t j = 0; j < p->n_reasons; j++) {
            const ilm_peer_reason *rs = &p->reasons[j];
            if (rs->similar) {
                cli_printf(similar_started ? "; " : "   similar: ");
                similar_started = true;
            } else {
                cli_printf("%s   differs most: ", similar_started ? "\n" : "");
                similar_started = false;
            }
            print_reason(rs);
        }
        if (p->n_reasons)
            cli_printf("\n");
    }
}

int cmd_peers(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(peers_usage, stdout);
        return 0;
    }
    const char *who = NULL;
    long long k = 5;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--k") == 0) {
            if (i + 1 >= argc)
                return cli_user_error("peers: --k needs a value");
            int rc = cli_parse_int("--k", argv[++i], 1, ILM_PEERS_MAX_K, &k);
            if (rc)
                return rc;
        } else if (a[0] == '-' && a[1]) {
            return cli_user_error("peers: unknown option '%s'", a);
        } else if (who) {
            return cli_user_error("peers: expects one MUNICIPALITY, got '%s' too", a);
        } else {
            who = a;
        }
    }
    if (!who)
        return cli_user_error("peers: expects a MUNICIPALITY (see --help)");
    ilm_store *s = NULL;
    int rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    ilm_peer_result r = {0};
    rc = ilm_app_peers(s, who, (int)k, &r, &err);
    ilm_store_close(s);
    if (rc)
        return cli_print_errors("peers", &err, rc);
    if (json)
        rc = cli_print_json(ilm_peers_to_json(&r));
    else
        print_peers(&r);
    ilm_peer_result_clear(&r);
    return rc;
}
