/* The stored-plan commands: plan new|list|show|delete|export|import and
 * measure add|set.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ilmava/app.h"
#include "ilmava/io.h"

static const char *const plan_usage =
    "usage: ilmava plan new MUNICIPALITY --base YEAR --target YEAR --reduction R\n"
    "                       [--scope total|non_ets|hinku] [--name TEXT]\n"
    "       ilmava plan list [MUNICIPALITY] [--json]\n"
    "       ilmava plan show ID [--json]\n"
    "       ilmava plan delete ID\n"
    "       ilmava plan export ID\n"
    "       ilmava plan import PLAN.json\n"
    "       ilmava plan set ID FIELD=VALUE...\n"
    "\n"
    "Stored plans. 'new' and 'import' print the new plan's id alone on stdout.\n"
    "R is the cut from the base year, 0..1 (0.8 = -80 %). 'export' prints a\n"
    "plan document with the store's current inventory and population in it.\n"
    "A stored plan is always computed on the store's current inventory: see\n"
    "'ilmava pathway --plan ID'.\n"
    "'set' changes the plan's own fields in place (a new version, audited):\n"
    "name, default_trend, trend.SECTOR (empty removes it), trend_sd, draws,\n"
    "seed, discount_rate; checked with every rule of the spec, nothing stored\n"
    "when one fails. Example: ilmava plan set 1 trend.road_transport=-0.02 draws=2000\n";

static const char *const measure_usage =
    "usage: ilmava measure add PLAN_ID FIELD=VALUE...\n"
    "       ilmava measure set MEASURE_ID FIELD=VALUE...\n"
    "       ilmava measure delete MEASURE_ID\n"
    "\n"
    "Adds a measure to a stored plan, changes one or removes one. FIELDs are the plan\n"
    "document's measure keys: id, name, sector, ets, start, full, share or\n"
    "absolute_t, share_range or absolute_range ([low,mode,high]), capex, opex,\n"
    "lifetime, control, optional, status, responsible, notes. 'FIELD=' removes\n"
    "an optional field. The plan is checked with every rule of the spec;\n"
    "nothing is stored when a rule fails. 'add' prints the new measure's id.\n"
    "\n"
    "example: ilmava measure add 1 id=heat-pumps sector=oil_heating start=2026 \\\n"
    "             full=2030 share=0.5 capex=2e6 lifetime=20 status=planned\n";

static int parse_id(const char *what, const char *s, int64_t *id)
{
    long long v = 0;
    int rc = cli_parse_int(what, s, 1, 9007199254740991LL, &v);
    *id = v;
    return rc;
}

static int plan_new(int argc, char **argv)
{
    const char *who = NULL, *name = NULL;
    long long base = 0, target = 0;
    double reduction = -1;
    ilm_scope scope = ILM_SCOPE_TOTAL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1]) {
            if (i + 1 >= argc)
                return cli_user_error("plan new: %s needs a value", a);
            const char *val = argv[++i];
            int rc = 0;
            if (strcmp(a, "--base") == 0)
                rc = cli_parse_int(a, val, ILM_MIN_YEAR, ILM_MAX_YEAR, &base);
            else if (strcmp(a, "--target") == 0)
                rc = cli_parse_int(a, val, ILM_MIN_YEAR, ILM_MAX_YEAR, &target);
            else if (strcmp(a, "--reduction") == 0)
                rc = cli_parse_double(a, val, 0, 1, &reduction);
            else if (strcmp(a, "--scope") == 0) {
                if (ilm_scope_parse(val, &scope))
                    return cli_user_error("plan new: --scope: '%s' is not one of total, "
                                          "non_ets, hinku",
                                          val);
            } else if (strcmp(a, "--name") == 0)
                name = val;
            else
                return cli_user_error("plan new: unknown option '%s'", a);
            if (rc)
                return rc;
        } else if (who) {
            return cli_user_error("plan new: expects one MUNICIPALITY, got '%s' too", a);
        } else {
            who = a;
        }
    }
    if (!who)
        return cli_user_error("plan new: expects a MUNICIPALITY (see --help)");
    if (!base || !target || reduction < 0)
        return cli_user_error("plan new: --base, --target and --reduction are required");
    ilm_store *s = NULL;
    int rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    int64_t id;
    rc = ilm_app_plan_new(s, who, (int)base, (int)target, reduction, scope, name, &id, &err);
    ilm_store_close(s);
    if (rc)
        return cli_print_errors("plan new", &err, rc);
    cli_printf("%lld\n", (long long)id);
    return 0;
}

static int plan_list(int argc, char **argv)
{
    const char *who = NULL;
    bool json = false;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_user_error("plan list: unknown option '%s'", argv[i]);
        else if (who)
            return cli_user_error("plan list: expects at most one MUNICIPALITY");
        else
            who = argv[i];
    }
    ilm_store *s = NULL;
    int rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    ilm_municipality m = {0};
    ilm_plan_summary *v = NULL;
    size_t n = 0;
    if (who)
        rc = ilm_store_municipality_find(s, who, &m, &err);
    if (!rc)
        rc = ilm_store_plan_list(s, who ? m.code : NULL, &v, &n, &err);
    ilm_municipality_clear(&m);
    ilm_store_close(s);
    if (rc)
        return cli_print_errors("plan list", &err, rc);
    if (json) {
        rc = cli_print_json(ilm_plan_summaries_to_json(v, n));
    } else {
        cli_printf("%5s  %-26s %-8s %-5s %-6s %6s  %s\n", "id", "municipality", "scope", "base",
                   "target", "cut", "name");
        for (size_t i = 0; i < n; i++)
            cli_printf("%5lld  %-4s %-21s %-8s %-5d %-6d %5.0f%%  %s\n", (long long)v[i].id,
                       v[i].code, v[i].municipality_name, ilm_scope_name(v[i].scope),
                       v[i].base_year, v[i].target_year, 100 * v[i].reduction,
                       v[i].name ? v[i].name : "");
    }
    ilm_plan_summaries_free(v, n);
    return rc;
}

/* Loads a stored plan with the store's inventory; prints errors. */
static int load_stored(const char *what, const char *id_text, ilm_plan **p)
{
    int64_t id;
    int rc = parse_id(what, id_text, &id);
    if (rc)
        return rc;
    ilm_store *s = NULL;
    rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    rc = ilm_store_plan_load(s, id, p, &err);
    ilm_store_close(s);
    return rc ? cli_print_errors(what, &err, rc) : 0;
}

static void print_plan_text(const ilm_plan *p)
{
    char num[32];
    cli_printf("plan %lld: %s\n", (long long)p->store_id, p->name ? p->name : "(no name)");
    cli_printf("municipality: %s (%s)\n", p->municipality_name, p->municipality_code);
    cli_printf("target: -%s %% from %d by %d, scope %s\n",
               ilm_format_number(num, 100 * p->reduction), p->base_year, p->target_year,
               ilm_scope_name(p->scope));
    cli_printf("inventory: %zu rows, last year %d\n", p->n_inventory, ilm_plan_last_year(p));
    cli_printf("measures (%zu):\n", p->n_measures);
    cli_printf("  %5s  %-22s %-18s %-4s %-9s %12s  %-9s %s\n", "id", "key", "sector", "ets",
               "years", "effect", "status", "name");
    for (size_t i = 0; i < p->n_measures; i++) {
        const ilm_measure *m = &p->measures[i];
        char years[24], effect[40];
        snprintf(years, sizeof years, "%d-%d", m->start, m->full);
        if (m->is_absolute)
            snprintf(effect, sizeof effect, "%s t", ilm_format_number(num, m->amount));
        else
            snprintf(effect, sizeof effect, "%s %%", ilm_format_number(num, 100 * m->amount));
        /* Plan model 1.1: say which measures do not count toward the target. */
        ilm_nc_reason why;
        const char *standing = "";
        if (!ilm_measure_computed(p, i, &why))
            standing = why == ILM_NC_NO_INVENTORY ? " (not computed: no inventory records)" : "";
        else if (p->scope == ILM_SCOPE_NON_ETS && m->ets)
            standing = " (outside the target's scope)";
        cli_printf("  %5lld  %-22s %-18s %-4s %-9s %12s  %-9s %s%s%s\n", (long long)m->store_id,
                   m->id, m->sector, m->ets ? "yes" : "", years, effect, ilm_status_name(m->status),
                   m->name ? m->name : "", m->optional ? " (optional)" : "", standing);
    }
}

static int plan_show_or_export(int argc, char **argv, bool export)
{
    const char *id = NULL;
    bool json = export;
    for (int i = 2; i < argc; i++) {
        if (!export && strcmp(argv[i], "--json") == 0)
            json = true;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_user_error("plan %s: unknown option '%s'", argv[1], argv[i]);
        else if (id)
            return cli_user_error("plan %s: expects one ID", argv[1]);
        else
            id = argv[i];
    }
    if (!id)
        return cli_user_error("plan %s: expects an ID (see --help)", argv[1]);
    ilm_plan *p = NULL;
    int rc = load_stored(export ? "plan export" : "plan show", id, &p);
    if (rc)
        return rc;
    if (json)
        rc = cli_print_json(ilm_plan_to_json(p));
    else
        print_plan_text(p);
    ilm_plan_free(p);
    return rc;
}

static int plan_delete(int argc, char **argv)
{
    if (argc != 3)
        return cli_user_error("plan delete: expects one ID");
    int64_t id;
    int rc = parse_id("plan delete", argv[2], &id);
    if (rc)
        return rc;
    ilm_store *s = NULL;
    rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    rc = ilm_store_plan_delete(s, id, &err);
    ilm_store_close(s);
    if (rc)
        return cli_print_errors("plan delete", &err, rc);
    cli_printf("deleted plan %lld\n", (long long)id);
    return 0;
}

static int plan_import(int argc, char **argv)
{
    if (argc != 3 || (argv[2][0] == '-' && argv[2][1]))
        return cli_user_error("plan import: expects one PLAN.json");
    ilm_store *s = NULL;
    int rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    int64_t id;
    rc = ilm_app_plan_import(s, argv[2], &id, &err);
    ilm_store_close(s);
    if (rc)
        return cli_print_errors(argv[2], &err, rc);
    cli_printf("%lld\n", (long long)id);
    return 0;
}

int cmd_plan(int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        fputs(plan_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "new") == 0)
        return plan_new(argc, argv);
    if (strcmp(sub, "list") == 0)
        return plan_list(argc, argv);
    if (strcmp(sub, "show") == 0)
        return plan_show_or_export(argc, argv, false);
    if (strcmp(sub, "export") == 0)
        return plan_show_or_export(argc, argv, true);
    if (strcmp(sub, "delete") == 0)
        return plan_delete(argc, argv);
    if (strcmp(sub, "import") == 0)
        return plan_import(argc, argv);
    if (strcmp(sub, "set") == 0) {
        if (argc < 4)
            return cli_user_error("plan set: expects an ID and FIELD=VALUE...");
        int64_t id;
        int rc = parse_id("plan set: ID", argv[2], &id);
        if (rc)
            return rc;
        ilm_store *s = NULL;
        rc = cli_open_store(&s);
        if (rc)
            return rc;
        ilm_errors err = {0};
        rc = ilm_app_plan_set(s, id, (const char *const *)argv + 3, (size_t)(argc - 3), &err);
        ilm_store_close(s);
        return rc ? cli_print_errors("plan set", &err, rc) : 0;
    }
    return cli_user_error("plan: unknown subcommand '%s' (see 'ilmava plan --help')", sub);
}

static int measure_delete(int argc, char **argv)
{
    if (argc != 3)
        return cli_user_error("measure delete: expects one MEASURE_ID");
    int64_t id;
    int rc = parse_id("measure delete: MEASURE_ID", argv[2], &id);
    if (rc)
        return rc;
    ilm_store *s = NULL;
    rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    rc = ilm_app_measure_delete(s, id, &err);
    ilm_store_close(s);
    return rc ? cli_print_errors("measure delete", &err, rc) : 0;
}

int cmd_measure(int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        fputs(measure_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "delete") == 0)
        return measure_delete(argc, argv);
    bool add = strcmp(argv[1], "add") == 0;
    if (!add && strcmp(argv[1], "set") != 0)
        return cli_user_error("measure: unknown subcommand '%s' (see 'ilmava measure --help')",
                              argv[1]);
    if (argc < 4)
        return cli_user_error("measure %s: expects an ID and FIELD=VALUE...", argv[1]);
    int64_t id;
    int rc = parse_id(add ? "measure add: PLAN_ID" : "measure set: MEASURE_ID", argv[2], &id);
    if (rc)
        return rc;
    ilm_store *s = NULL;
    rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    const char *const *fields = (const char *const *)argv + 3;
    size_t n = (size_t)(argc - 3);
    int64_t measure_id = 0;
    ilm_measure_change ch = {.fields = fields, .n = n};
    rc = add ? ilm_app_measure_add(s, id, &ch, &measure_id, &err)
             : ilm_app_measure_set(s, id, &ch, &err);
    ilm_store_close(s);
    if (rc)
        return cli_print_errors(add ? "measure add" : "measure set", &err, rc);
    if (add)
        cli_printf("%lld\n", (long long)measure_id);
    return 0;
}
