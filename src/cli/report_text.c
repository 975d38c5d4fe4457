/* Readable text reports for the terminal.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Formats a rounded number with thin-space-free grouping: "1 234 567". */
const char *cli_group(char *buf, size_t n, double v, int decimals)
{
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v) < 0.5 * pow(10, -decimals) ? 0.0 : v);
    const char *digits = raw[0] == '-' ? raw + 1 : raw;
    const char *dot = strchr(digits, '.');
    size_t int_len = dot ? (size_t)(dot - digits) : strlen(digits);
    size_t o = 0;
    if (raw[0] == '-' && o + 1 < n)
        buf[o++] = '-';
    for (size_t i = 0; i < int_len && o + 2 < n; i++) {
        if (i > 0 && (int_len - i) % 3 == 0)
            buf[o++] = ' ';
        buf[o++] = digits[i];
    }
    for (const char *p = dot; p && *p && o + 1 < n; p++)
        buf[o++] = *p;
    buf[o] = '\0';
    return buf;
}

void cli_progress_report(void *user, int64_t done, int64_t total)
{
    cli_progress *p = user;
    int pct = total > 0 ? (int)(100 * done / total) : 100;
    if (pct + 1 == p->last_percent)
        return;
    p->last_percent = pct + 1;
    cli_fprintf(stderr, "\rMonte Carlo: %3d %% of %lld draws", pct, (long long)total);
    fflush(stderr);
}

void cli_progress_done(cli_progress *p)
{
    if (p->last_percent) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

static int class_rank(const ilm_measure_result *m) { return (int)m->cls; }

static int cmp_easy_to_hard(const void *a, const void *b)
{
    const ilm_measure_result *x = *(const ilm_measure_result *const *)a;
    const ilm_measure_result *y = *(const ilm_measure_result *const *)b;
    if (class_rank(x) != class_rank(y))
        return class_rank(x) - class_rank(y);
    if (x->cost_per_t_null != y->cost_per_t_null)
        return x->cost_per_t_null ? 1 : -1;
    if (!x->cost_per_t_null && x->cost_per_t != y->cost_per_t)
        return x->cost_per_t < y->cost_per_t ? -1 : 1;
    return x->plan_index < y->plan_index ? -1 : 1;
}

static const char *scope_text(ilm_scope s)
{
    switch (s) {
    case ILM_SCOPE_NON_ETS: return "without EU-ETS emissions (non_ets)";
    case ILM_SCOPE_HINKU: return "by the Hinku rule (hinku)";
    default: return "all emissions (total)";
    }
}

/* The measures carried but computed as absent (spec 1.1), with the reason
 * in words. */
static void print_not_computed(FILE *out, const ilm_plan *plan, const ilm_result *r)
{
    if (r->n_not_computed == 0)
        return;
    fputs("\nNot computed (carried in the plan, computed as absent):\n", out);
    for (size_t i = 0; i < r->n_not_computed; i++) {
        const ilm_not_computed *nc = &r->not_computed[i];
        const ilm_measure *m = &plan->measures[nc->plan_index];
        if (nc->reason == ILM_NC_CANCELLED)
            cli_fprintf(out, "  %-20s cancelled\n", nc->id);
        else
            cli_fprintf(out, "  %-20s no inventory records for sector \"%s\" with ets %s%s\n",
                        nc->id, m->sector, m->ets ? "true" : "false",
                        plan->scope == ILM_SCOPE_HINKU && m->ets
                            ? " (the Hinku rule does not count these ETS emissions)"
                            : "");
    }
}

void cli_print_pathway(FILE *out, const ilm_plan *plan, const ilm_result *r)
{
    char a[48], b[48], c[48], d[48], e[48];
    const ilm_mc_result *mc = r->monte_carlo;
    cli_fprintf(out, "%s (%s)%s%s\n", plan->municipality_name, plan->municipality_code,
                plan->name ? ": " : "", plan->name ? plan->name : "");
    cli_fprintf(out, "Target: -%s %% from %d by %d, %s.\n",
                cli_group(a, sizeof a, plan->reduction * 100, 1), r->base_year, r->target_year,
                scope_text(r->scope));
    cli_fprintf(out, "Inventory up to %d; computed to %d. Figures in t CO2e a year.\n\n",
                r->last_year, r->horizon);

    cli_fprintf(out, "%-6s %12s %12s %12s", "year", "baseline", "scenario", "target path");
    if (mc)
        cli_fprintf(out, " %12s %12s", "P5", "P95");
    fputc('\n', out);
    for (size_t i = 0; i < r->n_years; i++) {
        int y = r->years[i];
        cli_fprintf(out, "%-6d %12s %12s %12s", y, cli_group(a, sizeof a, r->baseline[i], 0),
                    cli_group(b, sizeof b, r->scenario[i], 0),
                    cli_group(c, sizeof c, r->target_path[i], 0));
        if (mc && y > r->last_year) {
            size_t f = (size_t)(y - r->last_year - 1);
            cli_fprintf(out, " %12s %12s", cli_group(d, sizeof d, mc->p5[f], 0),
                        cli_group(e, sizeof e, mc->p95[f], 0));
        }
        if (y == r->last_year)
            fputs("   <- last inventory year", out);
        if (y == r->target_year)
            fputs("   <- target year", out);
        fputc('\n', out);
    }
    size_t iT = (size_t)(r->target_year - r->base_year);
    cli_fprintf(out, "\nTarget value in %d: %s t. Scenario: %s t.\n", r->target_year,
                cli_group(a, sizeof a, r->target_value, 0),
                cli_group(b, sizeof b, r->scenario[iT], 0));
    if (r->meets)
        cli_fprintf(out, "The target is met, with %s t to spare.\n",
                    cli_group(a, sizeof a, -r->gap, 0));
    else
        cli_fprintf(out, "The target is NOT met: the gap is %s t.\n",
                    cli_group(a, sizeof a, r->gap, 0));
    cli_fprintf(out, "Overshoot %d-%d (scenario above the target path, summed): %s t.\n",
                r->last_year + 1, r->target_year, cli_group(a, sizeof a, r->overshoot, 0));
    if (mc)
        cli_fprintf(out, "Probability of meeting the target: %s %% (%lld draws).\n",
                    cli_group(a, sizeof a, mc->p_meet * 100, 1), (long long)mc->draws);
    if (r->easy_share_null)
        fputs("Easy measures' share of the needed cut: none needed.\n", out);
    else
        cli_fprintf(out, "Easy measures cover %s %% of the needed cut.\n",
                    cli_group(a, sizeof a, r->easy_share * 100, 1));

    print_not_computed(out, plan, r);
    if (r->n_measures == 0) {
        fputs(r->n_not_computed ? "\nNo computed measures.\n" : "\nNo measures.\n", out);
        return;
    }
    const ilm_measure_result **order = malloc(r->n_measures * sizeof *order);
    if (!order)
        return;
    for (size_t i = 0; i < r->n_measures; i++)
        order[i] = &r->measures[i];
    qsort(order, r->n_measures, sizeof *order, cmp_easy_to_hard);
    cli_fprintf(out, "\nMeasures, easy to hard (effect in %d):\n", r->target_year);
    cli_fprintf(out, "%-9s %-20s %10s %12s %12s %14s\n", "class", "id", "EUR/t", "abatement",
                "attributed", "EUR a year");
    for (size_t i = 0; i < r->n_measures; i++) {
        const ilm_measure_result *m = order[i];
        cli_fprintf(out, "%-9s %-20s %10s %12s %12s %14s%s\n", ilm_class_name(m->cls), m->id,
                    m->cost_per_t_null ? "-" : cli_group(a, sizeof a, m->cost_per_t, 0),
                    cli_group(b, sizeof b, m->abatement, 0),
                    cli_group(c, sizeof c, m->attributed, 0),
                    cli_group(d, sizeof d, m->annual_cost, 0),
                    m->in_scope ? "" : "  (outside the target's scope: ETS, not counted)");
    }
    cli_fprintf(out, "\n%-9s %6s %14s\n", "class", "count", "attributed t");
    for (int k = 0; k < 3; k++)
        cli_fprintf(out, "%-9s %6zu %14s\n", ilm_class_name((ilm_class)k), r->classes[k].count,
                    cli_group(a, sizeof a, r->classes[k].attributed, 0));
    free(order);
}

static bool not_computed(const ilm_optimum *o, size_t plan_index)
{
    for (size_t i = 0; i < o->n_not_computed; i++)
        if (o->not_computed[i].plan_index == plan_index)
            return true;
    return false;
}

void cli_print_optimum(FILE *out, const ilm_plan *plan, const ilm_optimum *o)
{
    char a[48], b[48];
    if (o->n_optional == 0)
        fputs("The plan has no optional measures: every measure stays.\n", out);
    if (o->feasible)
        fputs("The target can be met.\n", out);
    else
        fputs("No choice of optional measures meets the target; this is the choice with "
              "the smallest gap.\n",
              out);
    for (int pass = 0; pass < 2; pass++) {
        fputs(pass == 0 ? "Keep:" : "Drop:", out);
        int shown = 0;
        for (size_t i = 0; i < plan->n_measures; i++) {
            const ilm_measure *m = &plan->measures[i];
            if (!m->optional || not_computed(o, i) || o->keep[i] != (pass == 0))
                continue;
            cli_fprintf(out, " %s", m->id);
            shown++;
        }
        fputs(shown ? "\n" : " (none)\n", out);
    }
    for (size_t i = 0; i < o->n_not_computed; i++)
        cli_fprintf(out, "Not computed, left out: %s (%s)\n", o->not_computed[i].id,
                    o->not_computed[i].reason == ILM_NC_CANCELLED ? "cancelled"
                                                                  : "no inventory records");
    cli_fprintf(out, "Total annual cost of the kept measures: %s EUR a year.\n",
                cli_group(a, sizeof a, o->annual_cost, 0));
    if (o->gap <= 0)
        cli_fprintf(out, "Gap in the target year: %s t (met, %s t to spare).\n",
                    cli_group(a, sizeof a, o->gap, 1), cli_group(b, sizeof b, -o->gap, 1));
    else
        cli_fprintf(out, "Gap in the target year: %s t (not met).\n",
                    cli_group(a, sizeof a, o->gap, 1));
    if (o->exact)
        cli_fprintf(out,
                    "Method: exact branch and bound over %zu optional measures (%llu nodes).\n",
                    o->n_optional, (unsigned long long)o->nodes);
    else
        cli_fprintf(out,
                    "Method: branch and bound stopped after %llu nodes; no choice that meets the "
                    "target costs less than %s EUR a year.\n",
                    (unsigned long long)o->nodes, cli_group(a, sizeof a, o->cost_bound, 0));
}
