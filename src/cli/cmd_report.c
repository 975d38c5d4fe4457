/* The report and export commands: drafts a decision item on a plan's
 * climate target, the board's decision to apply for a coaching programme,
 * or the climate plan, as Markdown, HTML or PDF (docs/documents.md); and
 * exports a plan's tables as XLSX or CSV, or its inventory in the GPC
 * sectors (docs/exports.md).
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ilmava/report.h"

static const char *const report_usage =
    "usage: ilmava report decision PLAN_ID [options]\n"
    "       ilmava report application APPLICATION_ID [options]\n"
    "       ilmava report plan PLAN_ID [--lang L] [--format F] [--adaptation FILE] [-o FILE]\n"
    "\n"
    "Drafts a document from the live numbers (docs/documents.md):\n"
    "  decision      the decision item (pykälä) on the plan's climate target:\n"
    "                for the council (KV), or the board's (KH) proposal to it\n"
    "  application   the board's decision to apply for a coaching programme\n"
    "  plan          the municipal climate plan\n"
    "\n"
    "  --lang fi|sv|en        the language (default fi)\n"
    "  --format md|html|pdf   the format (default md)\n"
    "  --body KV|KH|NAME      the deciding body (decision: KV; application: KH)\n"
    "  --date YYYY-MM-DD      the meeting date (blank when not given)\n"
    "  --section N            the section number, § (blank when not given)\n"
    "  --dnro D               the diary number running/class/year, e.g. 727/11.00/2026\n"
    "  --preparer TEXT        who prepared it, with title\n"
    "  --presenter TEXT       who presents it\n"
    "  --contact TEXT         further information: name, title, phone\n"
    "  --recipient TEXT       a recipient of the extract (repeat for more)\n"
    "  --court TEXT           decision: the appeal court's name and address (default:\n"
    "                         the administrative court of the municipality's region)\n"
    "  --adaptation FILE      plan: the adaptation section's text\n"
    "  -o FILE                write to FILE (default: standard output; PDF needs -o\n"
    "                         when the output is a terminal)\n";

/* Writes the document to path, or to standard output. */
static int write_output(const char *path, const char *data, size_t len, bool binary)
{
    if (!path) {
        if (binary && isatty(STDOUT_FILENO))
            return cli_user_error("a binary file is not for the terminal: give -o FILE");
        /* A text document may reach a terminal: its control characters from
         * data are escaped like every other output (-o FILE keeps them). */
        if (binary ? fwrite(data, 1, len, stdout) != len
                   : cli_write_text(stdout, data, len, CLI_ESC_TEXT) != 0)
            return cli_user_error("writing to standard output failed");
        return 0;
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return cli_user_error("cannot write %s", path);
    bool ok = fwrite(data, 1, len, f) == len;
    ok = fclose(f) == 0 && ok;
    if (!ok) {
        remove(path);
        return cli_user_error("writing %s failed", path);
    }
    return 0;
}

static char *read_text_file(const char *path, int *rc)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *rc = cli_user_error("report: --adaptation: cannot read %s", path);
        return NULL;
    }
    enum { MAX = 200000 };
    char *buf = malloc(MAX + 1);
    size_t n = buf ? fread(buf, 1, MAX + 1, f) : 0;
    fclose(f);
    if (!buf || n > MAX) {
        free(buf);
        *rc = cli_user_error("report: --adaptation: %s is over 200 000 bytes", path);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

int cmd_report(int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        fputs(report_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *kind = argv[1];
    bool is_decision = strcmp(kind, "decision") == 0;
    bool is_application = strcmp(kind, "application") == 0;
    bool is_plan = strcmp(kind, "plan") == 0;
    if (!is_decision && !is_application && !is_plan)
        return cli_user_error("report: unknown document '%s': decision, application or plan", kind);
    if (argc < 3 || argv[2][0] == '-')
        return cli_user_error("report %s: expects an id (see --help)", kind);
    long long id = 0;
    int rc = cli_parse_int("id", argv[2], 1, 9007199254740991LL, &id);
    if (rc)
        return rc;

    ilm_decision_options o = {0};
    const char *format = "md", *out_path = NULL, *adaptation_path = NULL;
    const char *recipients[31];
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--lang") == 0         ? &o.lang
                            : strcmp(a, "--format") == 0     ? &format
                            : strcmp(a, "--body") == 0       ? &o.body
                            : strcmp(a, "--date") == 0       ? &o.meeting_date
                            : strcmp(a, "--section") == 0    ? &o.section
                            : strcmp(a, "--dnro") == 0       ? &o.dnro
                            : strcmp(a, "--preparer") == 0   ? &o.preparer
                            : strcmp(a, "--presenter") == 0  ? &o.presenter
                            : strcmp(a, "--contact") == 0    ? &o.contact
                            : strcmp(a, "--court") == 0      ? &o.court
                            : strcmp(a, "-o") == 0           ? &out_path
                            : strcmp(a, "--adaptation") == 0 ? &adaptation_path
                            : strcmp(a, "--recipient") == 0 && o.n_recipients < 31
                                ? &recipients[o.n_recipients]
                                : NULL;
        if (!slot)
            return cli_user_error("report: unknown option '%s'", a);
        if (i + 1 >= argc)
            return cli_user_error("report: %s needs a value", a);
        *slot = argv[++i];
        if (slot == &recipients[o.n_recipients])
            o.n_recipients++;
    }
    o.recipients = recipients;
    if (is_plan && (o.body || o.meeting_date || o.section || o.dnro || o.preparer || o.presenter ||
                    o.contact || o.court || o.n_recipients))
        return cli_user_error("report plan: takes only --lang, --format, --adaptation and -o");
    if (!is_plan && adaptation_path)
        return cli_user_error("report %s: --adaptation is for the plan", kind);

    ilm_errors err = {0};
    ilm_doc_format f;
    if (ilm_doc_format_parse(format, "--format", &f, &err) ||
        (o.lang && ilm_report_lang_check(o.lang, "--lang", &err)))
        return cli_print_errors("report", &err, ILM_EINVAL);
    char *adaptation = NULL;
    if (adaptation_path && !(adaptation = read_text_file(adaptation_path, &rc)))
        return rc;

    ilm_store *s = NULL;
    rc = cli_open_store(&s);
    if (rc) {
        free(adaptation);
        return rc;
    }
    char *doc = NULL;
    size_t len = 0;
    if (is_decision) {
        rc = ilm_report_decision(s, id, &o, f, &doc, &len, &err);
    } else if (is_application) {
        rc = ilm_report_application_decision(s, id, &o, f, &doc, &len, &err);
    } else {
        ilm_plan_doc_options po = {.lang = o.lang, .adaptation = adaptation};
        rc = ilm_report_climate_plan(s, id, &po, f, &doc, &len, &err);
    }
    ilm_store_close(s);
    free(adaptation);
    if (rc)
        return cli_print_errors("report", &err, rc);
    rc = write_output(out_path, doc, len, f == ILM_DOC_PDF);
    free(doc);
    return rc;
}

static const char *const export_usage =
    "usage: ilmava export xlsx PLAN_ID [--lang L] -o FILE\n"
    "       ilmava export csv PLAN_ID --table T [--lang L] [-o FILE]\n"
    "       ilmava export gpc PLAN_ID [-o FILE]\n"
    "\n"
    "Exports a plan's tables for a spreadsheet (docs/exports.md), in t CO2e:\n"
    "  xlsx   one workbook: inventory, totals, target, pathway, measures and\n"
    "         Monte Carlo sheets, numbers as numbers, units in the headers\n"
    "  csv    one of those tables: --table inventory|totals|target|pathway|\n"
    "         measures|montecarlo\n"
    "  gpc    the inventory in the GHG Protocol GPC sectors (Covenant of Mayors)\n"
    "\n"
    "  --lang fi|sv|en   the headers' language (default fi)\n"
    "  -o FILE           write to FILE (xlsx needs it when the output is a terminal)\n";

int cmd_export(int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        fputs(export_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *kind = argv[1];
    bool xlsx = strcmp(kind, "xlsx") == 0, csv = strcmp(kind, "csv") == 0,
         gpc = strcmp(kind, "gpc") == 0;
    if (!xlsx && !csv && !gpc)
        return cli_user_error("export: unknown format '%s': xlsx, csv or gpc", kind);
    if (argc < 3 || argv[2][0] == '-')
        return cli_user_error("export %s: expects a PLAN_ID (see --help)", kind);
    long long id = 0;
    int rc = cli_parse_int("PLAN_ID", argv[2], 1, 9007199254740991LL, &id);
    if (rc)
        return rc;
    const char *lang = NULL, *table = NULL, *out_path = NULL;
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--lang") == 0 && !gpc   ? &lang
                            : strcmp(a, "--table") == 0 && csv ? &table
                            : strcmp(a, "-o") == 0             ? &out_path
                                                               : NULL;
        if (!slot)
            return cli_user_error("export %s: unknown option '%s'", kind, a);
        if (i + 1 >= argc)
            return cli_user_error("export: %s needs a value", a);
        *slot = argv[++i];
    }
    if (csv && !table)
        return cli_user_error("export csv: --table is required (see --help)");
    ilm_store *s = NULL;
    rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    char *data = NULL;
    size_t len = 0;
    rc = xlsx  ? ilm_export_xlsx(s, id, lang, &data, &len, &err)
         : csv ? ilm_export_csv(s, id, table, lang, &data, &len, &err)
               : ilm_export_gpc_csv(s, id, &data, &len, &err);
    ilm_store_close(s);
    if (rc)
        return cli_print_errors("export", &err, rc);
    rc = write_output(out_path, data, len, xlsx);
    free(data);
    return rc;
}
