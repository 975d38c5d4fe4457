/* The `ilmava` command line: thin commands over the library.
 *
 * Exit codes: 0 success, 2 a user error (bad input, unknown option; one
 * message per line on stderr and nothing on stdout), 1 anything else.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ilmava/app.h"
#include "ilmava/io.h"
#include "ilmava/model.h"
#include "ilmava/plan.h"

static const char *const main_usage =
    "usage: ilmava [--db FILE] [--create] COMMAND [ARGS]\n"
    "\n"
    "ilmava: a climate-leadership workbench for municipalities.\n"
    "\n"
    "plans as files:\n"
    "  validate PLAN.json         check a plan document; prints ok or the errors\n"
    "  pathway PLAN.json|--plan ID\n"
    "                             compute the pathway, gap, measure classes and,\n"
    "                             with draws, the probability of meeting the target\n"
    "  optimize PLAN.json|--plan ID\n"
    "                             choose the cheapest optional measures that meet\n"
    "                             the target\n"
    "the store (--db FILE, else $ILMAVA_DB, else ./ilmava.db; a missing or empty\n"
    "store is refused unless --create is given, which makes a new one):\n"
    "  import KIND FILE           import SYKE figures, the register or an inventory\n"
    "  municipalities             list the register and the years with data\n"
    "  inventory MUNICIPALITY     a municipality's emissions by year and sector\n"
    "  sectors                    the emission sectors and their keys\n"
    "  peers MUNICIPALITY         the most similar municipalities, with the reasons\n"
    "  plan new|list|show|delete|export|import\n"
    "                             stored plans\n"
    "  measure add|set|delete     a stored plan's measures\n"
    "  demo                       fill an empty store with synthetic examples\n"
    "  decision PLAN_ID ...       record a council decision on a plan's target\n"
    "  report decision|application|plan ID\n"
    "                             draft a decision item or the climate plan as\n"
    "                             Markdown, HTML or PDF (docs/documents.md)\n"
    "  export xlsx|csv|gpc PLAN_ID\n"
    "                             a plan's tables for a spreadsheet, or the GPC\n"
    "                             inventory (docs/exports.md)\n"
    "  programme list|create|show|set|apply|applications|decide|groups|dashboard|...\n"
    "                             the coaching programme (docs/programme.md)\n"
    "  user add|list|passwd|disable\n"
    "                             accounts of the web UI\n"
    "the server:\n"
    "  serve                      serve the JSON API (docs/API.md)\n"
    "  routes                     list the API's routes and who may use them\n"
    "\n"
    "Run 'ilmava COMMAND --help' for a command's options.\n";

static const char *const validate_usage =
    "usage: ilmava validate PLAN.json\n"
    "\n"
    "Checks a plan document (spec/plan-model.md section 1). Prints ok and\n"
    "exits 0, or prints each error, naming the field and record, on stderr\n"
    "and exits 2.\n";

static const char *const pathway_usage =
    "usage: ilmava pathway PLAN.json|--plan ID [--json] [--draws N] [--seed S]\n"
    "                      [--threads T]\n"
    "\n"
    "Computes the plan's baseline, scenario and target path, the gap and\n"
    "overshoot, and each measure's cost per tonne, abatement and class.\n"
    "\n"
    "  --plan ID     a stored plan, computed on the store's current inventory\n"
    "  --json        print the result document (spec section 7)\n"
    "  --draws N     Monte Carlo draws (default: the plan's settings.draws)\n"
    "  --seed S      random seed (default: the plan's settings.seed)\n"
    "  --threads T   worker threads for the Monte Carlo (default 1); the\n"
    "                result is the same for any T\n";

static const char *const optimize_usage =
    "usage: ilmava optimize PLAN.json|--plan ID [--json]\n"
    "\n"
    "Chooses which optional measures to keep so that the total annual cost is\n"
    "lowest while the target is met. When no choice meets it, says so and\n"
    "gives the choice with the smallest gap. Exact up to 25 optional measures.\n"
    "\n"
    "  --plan ID     a stored plan, on the store's current inventory\n"
    "  --json        print {feasible, keep, drop, annual_cost, gap, method, ...}\n";

int cli_user_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ilmava: ", stderr);
    cli_vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_USER;
}

/* Prints the error list, each message prefixed by `prefix`. Returns the exit
 * code for the error: 2 for bad input, 1 otherwise. */
int cli_print_errors(const char *prefix, const ilm_errors *err, int rc)
{
    for (int i = 0; i < err->count; i++) {
        /* A message that already names the command ("peers: ...", "export
         * gpc: ...") is not prefixed again: "peers: peers: ..." says nothing. */
        const char *m = err->msg[i];
        size_t word = prefix ? strcspn(prefix, " ") : 0;
        bool named = false;
        if (prefix && strncmp(m, prefix, word) == 0) {
            /* "peers: ..." or "export gpc: ...": the word, then one more. */
            const char *rest = m + word;
            if (*rest == ' ')
                rest += 1 + strcspn(rest + 1, " :");
            named = *rest == ':';
        }
        const char *p = prefix && !named ? prefix : "";
        cli_fprintf(stderr, "%s%s%s\n", p, *p ? ": " : "", err->msg[i]);
    }
    if (err->dropped)
        cli_fprintf(stderr, "%s%s(%d more errors not shown)\n", prefix ? prefix : "",
                    prefix ? ": " : "", err->dropped);
    return rc == ILM_EINVAL || rc == ILM_EIO || rc == ILM_ELIMIT || rc == ILM_ENOTFOUND ||
                   rc == ILM_ECONFLICT
               ? EXIT_USER
               : 1;
}

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

int cli_parse_int(const char *opt, const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return cli_user_error("%s: '%s' is not a whole number in %lld..%lld", opt, s, lo, hi);
    *out = v;
    return 0;
}

/* Reads the plan at path; on failure prints the errors. */
static int load_plan(const char *path, ilm_plan **plan)
{
    ilm_errors err = {0};
    int rc = ilm_plan_read_file(path, plan, &err);
    if (rc)
        return cli_print_errors(path, &err, rc);
    return 0;
}

/* Loads stored plan `id_text` on the store's current inventory. */
static int load_stored_plan(const char *cmd, const char *id_text, ilm_plan **plan)
{
    long long id = 0;
    int rc = cli_parse_int("--plan", id_text, 1, 9007199254740991LL, &id);
    if (rc)
        return rc;
    ilm_store *s = NULL;
    rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    rc = ilm_store_plan_load(s, id, plan, &err);
    ilm_store_close(s);
    return rc ? cli_print_errors(cmd, &err, rc) : 0;
}

static int cmd_validate(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(validate_usage, stdout);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-')
        return argc == 2 ? cli_user_error("validate: unknown option '%s'", argv[1])
                         : cli_user_error("validate: expects one PLAN.json (see --help)");
    ilm_plan *plan = NULL;
    int rc = load_plan(argv[1], &plan);
    if (rc)
        return rc;
    ilm_plan_free(plan);
    puts("ok");
    return 0;
}

static int cmd_pathway(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(pathway_usage, stdout);
        return 0;
    }
    const char *path = NULL, *stored = NULL;
    bool json = false;
    ilm_run_options opt = ilm_run_options_default();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        long long v = 0;
        if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--plan") == 0) {
            if (i + 1 >= argc)
                return cli_user_error("pathway: --plan needs a value");
            stored = argv[++i];
        } else if (strcmp(a, "--draws") == 0 || strcmp(a, "--seed") == 0 ||
                   strcmp(a, "--threads") == 0) {
            if (i + 1 >= argc)
                return cli_user_error("pathway: %s needs a value", a);
            long long hi = strcmp(a, "--draws") == 0   ? ILM_MAX_DRAWS
                           : strcmp(a, "--seed") == 0 ? 9007199254740991LL
                                                       : 64;
            long long lo = strcmp(a, "--threads") == 0 ? 1 : 0;
            int rc = cli_parse_int(a, argv[++i], lo, hi, &v);
            if (rc)
                return rc;
            if (strcmp(a, "--draws") == 0)
                opt.draws = v;
            else if (strcmp(a, "--seed") == 0)
                opt.seed = v;
            else
                opt.threads = (int)v;
        } else if (a[0] == '-' && a[1]) {
            return cli_user_error("pathway: unknown option '%s'", a);
        } else if (path) {
            return cli_user_error("pathway: expects one PLAN.json, got '%s' too", a);
        } else {
            path = a;
        }
    }
    if (!path == !stored)
        return cli_user_error("pathway: expects a PLAN.json or --plan ID (see --help)");

    ilm_plan *plan = NULL;
    int rc = stored ? load_stored_plan("pathway", stored, &plan) : load_plan(path, &plan);
    if (rc)
        return rc;
    cli_progress progress = {0};
    if (isatty(STDERR_FILENO)) {
        opt.progress = cli_progress_report;
        opt.progress_user = &progress;
    }
    ilm_errors err = {0};
    ilm_result *res = NULL;
    rc = ilm_model_run(plan, &opt, &res, &err);
    cli_progress_done(&progress);
    if (rc) {
        ilm_plan_free(plan);
        return cli_print_errors(path ? path : "pathway", &err, rc);
    }
    if (json) {
        rc = cli_print_json(ilm_result_to_json(res));
    } else {
        cli_print_pathway(stdout, plan, res);
    }
    ilm_result_free(res);
    ilm_plan_free(plan);
    return rc;
}

static int cmd_optimize(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(optimize_usage, stdout);
        return 0;
    }
    const char *path = NULL, *stored = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--json") == 0)
            json = true;
        else if (strcmp(a, "--plan") == 0 && i + 1 < argc)
            stored = argv[++i];
        else if (strcmp(a, "--plan") == 0)
            return cli_user_error("optimize: --plan needs a value");
        else if (a[0] == '-' && a[1])
            return cli_user_error("optimize: unknown option '%s'", a);
        else if (path)
            return cli_user_error("optimize: expects one PLAN.json, got '%s' too", a);
        else
            path = a;
    }
    if (!path == !stored)
        return cli_user_error("optimize: expects a PLAN.json or --plan ID (see --help)");
    ilm_plan *plan = NULL;
    int rc = stored ? load_stored_plan("optimize", stored, &plan) : load_plan(path, &plan);
    if (rc)
        return rc;
    ilm_errors err = {0};
    ilm_optimum *o = NULL;
    rc = ilm_optimize(plan, NULL, &o, &err);
    if (rc) {
        ilm_plan_free(plan);
        return cli_print_errors(path ? path : "optimize", &err, rc);
    }
    if (json) {
        rc = cli_print_json(ilm_optimum_to_json(plan, o));
    } else {
        cli_print_optimum(stdout, plan, o);
    }
    ilm_optimum_free(o);
    ilm_plan_free(plan);
    return rc;
}

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"validate", cmd_validate},
    {"pathway", cmd_pathway},
    {"optimize", cmd_optimize},
    {"import", cmd_import},
    {"municipalities", cmd_municipalities},
    {"inventory", cmd_inventory},
    {"sectors", cmd_sectors},
    {"plan", cmd_plan},
    {"measure", cmd_measure},
    {"demo", cmd_demo},
    {"peers", cmd_peers},
    {"programme", cmd_programme},
    {"decision", cmd_decision},
    {"report", cmd_report},
    {"export", cmd_export},
    {"user", cmd_user},
    {"serve", cmd_serve},
    {"routes", cmd_routes},
};

const char *cli_db_path = "ilmava.db";

int cli_open_store(ilm_store **s)
{
    ilm_errors err = {0};
    int rc = ilm_store_open(cli_db_path, s, &err);
    if (rc) /* the messages name the file */
        return cli_print_errors("ilmava", &err, rc);
    /* Every change made from here is audited as the login that ran it. */
    const char *login = getenv("LOGNAME");
    if (!login || !*login)
        login = getenv("USER");
    if (!login || !*login)
        login = "unknown";
    char actor[128];
    snprintf(actor, sizeof actor, "cli:%s", login);
    if ((rc = ilm_store_set_actor(*s, actor, &err))) {
        ilm_store_close(*s);
        *s = NULL;
        return cli_print_errors(cli_db_path, &err, rc);
    }
    return 0;
}

int cli_print_json(char *json)
{
    if (!json) {
        fputs("ilmava: out of memory\n", stderr);
        return 1;
    }
    /* The writers escape C0 in strings; DEL, C1 and stray bytes are escaped
     * here, so that a name cannot steer the terminal through --json either. */
    int rc = cli_write_text(stdout, json, strlen(json), CLI_ESC_JSON);
    free(json);
    if (rc == 0)
        putchar('\n');
    return rc ? 1 : 0;
}

int cli_parse_double(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi))
        return cli_user_error("%s: '%s' is not a number in %g..%g", opt, s, lo, hi);
    *out = v;
    return 0;
}

/* A result that did not reach stdout (a full disk, a closed pipe) must not
 * exit 0 as if it had. */
static int finish_output(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_fprintf(stderr, "ilmava: cannot write the output: %s\n", strerror(errno));
        return rc ? rc : 1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    const char *env_db = getenv("ILMAVA_DB");
    if (env_db && *env_db)
        cli_db_path = env_db;
    /* --db FILE and --create may come before the command or anywhere
     * after it. */
    bool create = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--create") == 0) {
            create = true;
            memmove(&argv[i], &argv[i + 1], (size_t)(argc - i) * sizeof *argv);
            argc--;
            i--;
            continue;
        }
        if (strcmp(argv[i], "--db") != 0)
            continue;
        if (i + 1 >= argc || !argv[i + 1][0])
            return cli_user_error("--db needs a FILE");
        cli_db_path = argv[i + 1];
        memmove(&argv[i], &argv[i + 2], (size_t)(argc - i - 1) * sizeof *argv);
        argc -= 2;
        i--;
    }
    if (argc < 2)
        return cli_user_error("expects a command (see 'ilmava --help')");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(main_usage, stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        /* The first-run setup: only asked for does a missing or empty
         * store become a new one; every command then opens it as an
         * existing store. */
        if (create && !cli_wants_help(argc - 1, argv + 1)) {
            ilm_errors err = {0};
            ilm_store *s = NULL;
            int rc = ilm_store_open_or_create(cli_db_path, &s, &err);
            ilm_store_close(s);
            if (rc)
                return cli_print_errors("ilmava", &err, rc);
        }
        return finish_output(commands[i].run(argc - 1, argv + 1));
    }
    return cli_user_error("unknown command '%s' (see 'ilmava --help')", argv[1]);
}
