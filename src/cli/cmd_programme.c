/* The coaching programme on the command line (docs/programme.md): the
 * organiser's side. Programmes and applications come in as the API's JSON
 * documents; the views print as text tables or, with --json, as the API's
 * JSON. `decision` records a council decision on a plan.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ilmava/app.h"
#include "ilmava/programme.h"

static const char *const programme_usage =
    "usage: ilmava programme COMMAND ...\n"
    "\n"
    "The coaching programme (docs/programme.md). Documents are the JSON of\n"
    "docs/API.md.\n"
    "\n"
    "  list [--json]                        every programme\n"
    "  create FILE.json                     a new programme; prints its id\n"
    "  show ID [--json]                     a programme with its periods and days\n"
    "  set ID FILE.json                     change the fields the file gives\n"
    "  apply ID MUNICIPALITY FILE.json      an application (as the organiser)\n"
    "  applications ID [--json] [--language fi|sv|en]\n"
    "                                       every application side by side:\n"
    "                                       eligibility, score, size, region,\n"
    "                                       industrial, and the proposed cohort\n"
    "  show-application APP_ID [--json] [--language fi|sv|en]\n"
    "                                       one application, eligibility explained\n"
    "  override APP_ID --reason TEXT [--condition TEXT]\n"
    "                                       accept despite an unmet criterion\n"
    "  decide APP_ID accepted|waitlisted|rejected|pending [--reason TEXT]\n"
    "  notifications ID [--language fi|sv|en]\n"
    "                                       the decisions' notification texts\n"
    "  groups ID [--basis similarity|problem] [--size N]\n"
    "                                       form the peer groups of the cohort\n"
    "  dashboard ID [--json]                one row per participant\n"
    "  report ID --format html|xlsx --output FILE\n"
    "                                       the programme report\n"
    "  delete-contact-day DAY_ID            remove a contact day and its attendance\n"
    "  delete-sparring ENTRY_ID             remove a sparring log entry\n";

static const char *const decision_usage =
    "usage: ilmava decision PLAN_ID --body BODY --date YYYY-MM-DD [--section S]\n"
    "                       [--dnro DNRO] [--kind council_target|board_proposal]\n"
    "       ilmava decision PLAN_ID --delete --kind council_target|board_proposal\n"
    "\n"
    "Records the decision of a municipal body on a stored plan: by default\n"
    "that the council set its target (which programme eligibility asks for).\n";

/* Reads a whole file (at most 1 MiB) into *out. */
static int read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return cli_user_error("%s: cannot open", path);
    size_t cap = 1u << 20, n = 0;
    char *b = malloc(cap + 1);
    if (b)
        n = fread(b, 1, cap + 1, f);
    fclose(f);
    if (!b)
        return cli_user_error("out of memory");
    if (n > cap) {
        free(b);
        return cli_user_error("%s: over 1 MiB", path);
    }
    b[n] = '\0';
    *out = b;
    *len = n;
    return 0;
}

static int parse_id(const char *what, const char *s, int64_t *out)
{
    long long v;
    int rc = cli_parse_int(what, s, 1, 9007199254740991LL, &v);
    if (!rc)
        *out = v;
    return rc;
}

static bool has_flag(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], flag) == 0)
            return true;
    return false;
}

/* The value of option `name`, or NULL. */
static const char *option(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

static int cmd_list(ilm_store *s, bool json)
{
    ilm_errors err = {0};
    ilm_programme **v = NULL;
    size_t n = 0;
    int rc = ilm_store_programmes(s, &v, &n, &err);
    if (rc)
        return cli_print_errors("programme list", &err, rc);
    if (json)
        fputs("[", stdout);
    for (size_t i = 0; i < n; i++) {
        if (json) {
            char *j = ilm_programme_to_json(v[i]);
            fputs(i ? "," : "", stdout);
            if (j)
                cli_write_text(stdout, j, strlen(j), CLI_ESC_JSON);
            else
                fputs("null", stdout);
            free(j);
        } else {
            cli_printf("%4lld  %d  %-40s  apply %s..%s  capacity %d-%d  %zu contact days\n",
                       (long long)v[i]->id, v[i]->year, v[i]->name, v[i]->apply_from,
                       v[i]->apply_until, v[i]->capacity_min, v[i]->capacity_max,
                       ilm_programme_contact_days(v[i]));
        }
    }
    if (json)
        puts("]");
    ilm_programmes_free(v, n);
    return 0;
}

static int cmd_save(ilm_store *s, int64_t id, const char *path)
{
    char *text;
    size_t len;
    int rc = read_file(path, &text, &len);
    if (rc)
        return rc;
    ilm_errors err = {0};
    ilm_programme *base = NULL, *p = NULL;
    if (id)
        rc = ilm_store_programme_load(s, id, &base, &err);
    if (!rc)
        rc = ilm_programme_from_json(text, len, base, &p, &err);
    free(text);
    int64_t saved = 0;
    if (!rc) {
        p->id = id;
        rc = ilm_app_programme_save(s, p, &saved, &err);
    }
    ilm_programme_free(base);
    ilm_programme_free(p);
    if (rc)
        return cli_print_errors(path, &err, rc);
    cli_printf("%lld\n", (long long)saved);
    return 0;
}

static int cmd_show(ilm_store *s, int64_t id, bool json)
{
    ilm_errors err = {0};
    ilm_programme *p = NULL;
    int rc = ilm_store_programme_load(s, id, &p, &err);
    if (rc)
        return cli_print_errors("programme show", &err, rc);
    if (json) {
        rc = cli_print_json(ilm_programme_to_json(p));
    } else {
        cli_printf("%s (%d)\napplications %s..%s, capacity %d-%d, own funding %.0f EUR\n", p->name,
                   p->year, p->apply_from, p->apply_until, p->capacity_min, p->capacity_max,
                   p->own_funding_eur);
        for (size_t i = 0; i < p->n_phases; i++)
            cli_printf("phase %-16s for %s\n", ilm_phase_name(p->phases[i].key),
                       ilm_audience_name(p->phases[i].audience));
        for (size_t i = 0; i < p->n_periods; i++) {
            const ilm_contact_period *c = &p->periods[i];
            cli_printf("period %lld %s: %s..%s\n", (long long)c->id, c->name, c->starts, c->ends);
            for (size_t j = 0; j < c->n_days; j++)
                cli_printf("  day %lld %s %s (%s)\n", (long long)c->days[j].id, c->days[j].day,
                           c->days[j].place, ilm_audience_name(c->days[j].audience));
        }
        cli_printf("%zu contact days\n", ilm_programme_contact_days(p));
    }
    ilm_programme_free(p);
    return rc;
}

static int cmd_apply(ilm_store *s, int64_t id, const char *municipality, const char *path)
{
    char *text;
    size_t len;
    int rc = read_file(path, &text, &len);
    if (rc)
        return rc;
    ilm_errors err = {0};
    ilm_municipality m = {0};
    ilm_application *a = NULL;
    rc = ilm_store_municipality_find(s, municipality, &m, &err);
    if (!rc)
        rc = ilm_application_from_json(text, len, NULL, &a, &err);
    free(text);
    int64_t saved = 0;
    if (!rc) {
        a->programme_id = id;
        memcpy(a->code, m.code, sizeof a->code);
        rc = ilm_app_application_save(s, a, true, NULL, &saved, &err);
    }
    ilm_municipality_clear(&m);
    ilm_application_free(a);
    if (rc)
        return cli_print_errors(path, &err, rc);
    cli_printf("%lld\n", (long long)saved);
    return 0;
}

static int cmd_applications(ilm_store *s, int64_t id, bool json, const char *lang)
{
    ilm_errors err = {0};
    ilm_selection sel;
    int rc = ilm_app_selection(s, id, NULL, lang, &sel, &err);
    if (rc)
        return cli_print_errors("programme applications", &err, rc);
    if (json) {
        rc = cli_print_json(ilm_selection_to_json(&sel));
    } else {
        cli_printf("%-5s %-4s %-28s %-10s %-9s %6s %-7s %-20s %-10s %s\n", "appl", "code", "name",
                   "status", "eligible", "score", "size", "region", "industrial", "proposed");
        for (size_t i = 0; i < sel.n; i++) {
            const ilm_selection_row *r = &sel.rows[i];
            cli_printf("%-5lld %-4s %-28.28s %-10s %-9s %6.1f %-7s %-20.20s %-10s %s\n",
                       (long long)r->application->id, r->application->code, r->facts.name,
                       ilm_application_status_name(r->application->status),
                       r->eligibility.eligible     ? "yes"
                       : r->eligibility.overridden ? "override"
                                                   : "no",
                       r->score, ilm_size_class_name(r->facts.size), r->facts.region_name,
                       r->facts.industrial ? "yes" : "no", r->proposed ? "yes" : r->why);
            for (int k = 0; k < ILM_CRITERION_COUNT; k++)
                cli_printf("      %s\n", r->eligibility.items[k].evidence);
        }
        cli_printf("proposed cohort: %zu of capacity %d-%d (%s, %s)\n", sel.proposal.size,
                   sel.programme->capacity_min, sel.programme->capacity_max,
                   sel.proposal.feasible ? "within capacity" : "below the minimum",
                   sel.proposal.exact ? "exact" : "greedy");
    }
    ilm_selection_clear(&sel);
    return rc;
}

static int cmd_show_application(ilm_store *s, int64_t id, const char *lang)
{
    ilm_errors err = {0};
    ilm_application *a = NULL;
    ilm_programme *p = NULL;
    ilm_eligibility e = {0};
    ilm_applicant_facts f;
    ilm_notification n = {0};
    int rc = ilm_store_application_load(s, id, &a, &err);
    if (!rc)
        rc = ilm_store_programme_load(s, a->programme_id, &p, &err);
    if (!rc)
        rc = ilm_app_eligibility(s, p, a, lang, &e, &err);
    if (!rc)
        rc = ilm_app_applicant_facts(s, a->code, &f, &err);
    if (!rc && a->decision != ILM_DECISION_PENDING)
        rc = ilm_programme_notification(p, a, &f, NULL, &n, &err);
    if (!rc)
        rc = cli_print_json(ilm_application_to_json(a, &e, &f, &n));
    else
        rc = cli_print_errors("programme show-application", &err, rc);
    ilm_eligibility_clear(&e);
    ilm_application_free(a);
    ilm_programme_free(p);
    return rc;
}

static int cmd_override(ilm_store *s, int64_t id, const char *reason, const char *condition)
{
    ilm_errors err = {0};
    ilm_application *a = NULL;
    int rc = ilm_store_application_load(s, id, &a, &err);
    int64_t saved;
    if (!rc) {
        free(a->override_reason);
        free(a->override_condition);
        a->override_reason = strdup(reason);
        a->override_condition = condition ? strdup(condition) : NULL;
        rc = ilm_app_application_save(s, a, true, NULL, &saved, &err);
    }
    ilm_application_free(a);
    return rc ? cli_print_errors("programme override", &err, rc) : 0;
}

static int cmd_notifications(ilm_store *s, int64_t id, const char *lang)
{
    ilm_errors err = {0};
    ilm_programme *p = NULL;
    ilm_application **v = NULL;
    size_t n = 0;
    int rc = ilm_store_programme_load(s, id, &p, &err);
    if (!rc)
        rc = ilm_store_applications(s, id, NULL, &v, &n, &err);
    for (size_t i = 0; i < n && !rc; i++) {
        if (v[i]->decision == ILM_DECISION_PENDING)
            continue;
        ilm_applicant_facts f;
        ilm_notification nt;
        if (!(rc = ilm_app_applicant_facts(s, v[i]->code, &f, &err)) &&
            !(rc = ilm_programme_notification(p, v[i], &f, lang, &nt, &err))) {
            cli_printf("== %s (%s, %s)\n%s\n\n", v[i]->code, ilm_decision_name(v[i]->decision),
                       nt.language, nt.subject);
            /* The letter keeps its lines; only other control characters are escaped. */
            cli_write_text(stdout, nt.body, strlen(nt.body), CLI_ESC_TEXT);
            putchar('\n');
        }
    }
    ilm_applications_free(v, n);
    ilm_programme_free(p);
    return rc ? cli_print_errors("programme notifications", &err, rc) : 0;
}

static int cmd_dashboard(ilm_store *s, int64_t id, bool json)
{
    ilm_errors err = {0};
    ilm_dashboard d;
    int rc = ilm_app_dashboard(s, id, &d, &err);
    if (rc)
        return cli_print_errors("programme dashboard", &err, rc);
    if (json) {
        rc = cli_print_json(ilm_dashboard_to_json(&d));
    } else {
        cli_printf("%-4s %-28s %-12s %-6s %12s %12s %6s %5s %5s %s\n", "code", "name", "target",
                   "since", "gap start", "gap now", "easy", "done", "open", "days attended");
        for (size_t i = 0; i < d.n; i++) {
            const ilm_dashboard_row *r = &d.rows[i];
            char gs[32] = "-", gn[32] = "-", easy[16] = "-";
            if (r->has_start_gap)
                snprintf(gs, sizeof gs, "%.1f", r->start_gap);
            if (r->has_gap_now)
                snprintf(gn, sizeof gn, "%.1f", r->gap_now);
            if (r->has_easy_share)
                snprintf(easy, sizeof easy, "%.0f%%", r->easy_share * 100);
            cli_printf("%-4s %-28.28s %-12s %-6s %12s %12s %6s %5zu %5zu %zu/%zu\n", r->code,
                       r->name, r->has_target ? r->target.ref.date : "none",
                       r->target_since_start ? "yes" : "no", gs, gn, easy, r->commitments_done,
                       r->commitments_open, r->days_attended, d.days_held);
        }
    }
    ilm_dashboard_clear(&d);
    return rc;
}

static int cmd_programme_report(ilm_store *s, int64_t id, const char *format, const char *output)
{
    if (!format || (strcmp(format, "html") && strcmp(format, "xlsx")))
        return cli_user_error("programme report: --format html or xlsx");
    if (!output)
        return cli_user_error("programme report: --output FILE is required");
    ilm_errors err = {0};
    ilm_dashboard d;
    int rc = ilm_app_dashboard(s, id, &d, &err);
    char *body = NULL;
    size_t len = 0;
    if (!rc)
        rc = strcmp(format, "xlsx") == 0 ? ilm_programme_report_xlsx(&d, NULL, &body, &len, &err)
                                         : ilm_programme_report_html(&d, NULL, &body, &len, &err);
    if (!rc || d.programme)
        ilm_dashboard_clear(&d);
    if (rc)
        return cli_print_errors("programme report", &err, rc);
    FILE *f = fopen(output, "wb");
    bool ok = f && fwrite(body, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    free(body);
    if (!ok) {
        cli_fprintf(stderr, "ilmava: %s: cannot write the report\n", output);
        return 1;
    }
    return 0;
}

int cmd_programme(int argc, char **argv)
{
    if (argc < 2 || cli_wants_help(argc, argv)) {
        fputs(programme_usage, stdout);
        return argc < 2 ? EXIT_USER : 0;
    }
    const char *sub = argv[1];
    bool json = has_flag(argc, argv, "--json");
    int64_t id = 0;
    int rc;
    static const char *const with_id[] = {
        "show",   "set",           "apply",  "applications", "show-application", "override",
        "decide", "notifications", "groups", "dashboard",    "report",           "delete-contact-day",
        "delete-sparring", NULL};
    bool needs_id = false;
    for (const char *const *k = with_id; *k; k++)
        needs_id = needs_id || strcmp(*k, sub) == 0;
    if (!needs_id && strcmp(sub, "list") != 0 && strcmp(sub, "create") != 0)
        return cli_user_error("programme: unknown command '%s' (see --help)", sub);
    if (needs_id) {
        if (argc < 3)
            return cli_user_error("programme %s: expects an id (see --help)", sub);
        if ((rc = parse_id("id", argv[2], &id)))
            return rc;
    }
    if (strcmp(sub, "create") == 0 && argc != 3)
        return cli_user_error("programme create: expects one FILE.json");
    if (strcmp(sub, "set") == 0 && argc != 4)
        return cli_user_error("programme set: expects ID FILE.json");
    if (strcmp(sub, "apply") == 0 && argc != 5)
        return cli_user_error("programme apply: expects ID MUNICIPALITY FILE.json");
    if (strcmp(sub, "decide") == 0 && argc < 4)
        return cli_user_error("programme decide: expects APP_ID and a decision");
    const char *reason = option(argc, argv, "--reason");
    if (strcmp(sub, "override") == 0 && !reason)
        return cli_user_error("programme override: --reason TEXT is required");
    const char *lang = option(argc, argv, "--language");
    if (lang && strcmp(lang, "fi") && strcmp(lang, "sv") && strcmp(lang, "en"))
        return cli_user_error("--language: expected fi, sv or en");
    ilm_decision d = ILM_DECISION_PENDING;
    if (strcmp(sub, "decide") == 0 && ilm_decision_parse(argv[3], &d))
        return cli_user_error("programme decide: '%s' is not accepted, waitlisted, rejected "
                              "or pending",
                              argv[3]);
    if (strcmp(sub, "decide") == 0 &&
        (d == ILM_DECISION_WAITLISTED || d == ILM_DECISION_REJECTED) && (!reason || !*reason))
        return cli_user_error("programme decide: reason: a waitlisting or a rejection needs its "
                              "--reason TEXT");
    long long size = 4;
    const char *size_text = option(argc, argv, "--size");
    if (size_text && (rc = cli_parse_int("--size", size_text, 2, 10, &size)))
        return rc;

    ilm_store *s = NULL;
    if ((rc = cli_open_store(&s)))
        return rc;
    ilm_errors err = {0};
    if (strcmp(sub, "list") == 0)
        rc = cmd_list(s, json);
    else if (strcmp(sub, "create") == 0)
        rc = cmd_save(s, 0, argv[2]);
    else if (strcmp(sub, "set") == 0)
        rc = cmd_save(s, id, argv[3]);
    else if (strcmp(sub, "show") == 0)
        rc = cmd_show(s, id, json);
    else if (strcmp(sub, "apply") == 0)
        rc = cmd_apply(s, id, argv[3], argv[4]);
    else if (strcmp(sub, "applications") == 0)
        rc = cmd_applications(s, id, json, lang);
    else if (strcmp(sub, "show-application") == 0)
        rc = cmd_show_application(s, id, lang);
    else if (strcmp(sub, "override") == 0)
        rc = cmd_override(s, id, reason, option(argc, argv, "--condition"));
    else if (strcmp(sub, "decide") == 0)
        rc = (rc = ilm_app_application_decide(s, id, d, reason, &err))
                 ? cli_print_errors("programme decide", &err, rc)
                 : 0;
    else if (strcmp(sub, "notifications") == 0)
        rc = cmd_notifications(s, id, lang);
    else if (strcmp(sub, "groups") == 0) {
        const char *basis = option(argc, argv, "--basis");
        rc = (rc = ilm_app_peer_groups_form(s, id, basis ? basis : "similarity", (int)size, &err))
                 ? cli_print_errors("programme groups", &err, rc)
                 : 0;
    } else if (strcmp(sub, "dashboard") == 0)
        rc = cmd_dashboard(s, id, json);
    else if (strcmp(sub, "delete-contact-day") == 0)
        rc = (rc = ilm_store_contact_day_delete(s, id, &err))
                 ? cli_print_errors("programme delete-contact-day", &err, rc)
                 : 0;
    else if (strcmp(sub, "delete-sparring") == 0)
        rc = (rc = ilm_store_sparring_delete(s, id, &err))
                 ? cli_print_errors("programme delete-sparring", &err, rc)
                 : 0;
    else
        rc = cmd_programme_report(s, id, option(argc, argv, "--format"), option(argc, argv, "--output"));
    ilm_store_close(s);
    return rc;
}

int cmd_decision(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(decision_usage, stdout);
        return 0;
    }
    if (argc < 2)
        return cli_user_error("decision: expects a PLAN_ID (see --help)");
    int64_t plan;
    int rc = parse_id("plan", argv[1], &plan);
    if (rc)
        return rc;
    const char *kind = option(argc, argv, "--kind"), *date = option(argc, argv, "--date");
    if (has_flag(argc, argv, "--delete")) {
        if (!kind)
            return cli_user_error("decision --delete: kind: --kind council_target|board_proposal "
                                  "is required");
        ilm_store *s = NULL;
        if ((rc = cli_open_store(&s)))
            return rc;
        ilm_errors err = {0};
        rc = ilm_store_plan_decision_delete(s, plan, kind, &err);
        ilm_store_close(s);
        return rc ? cli_print_errors("decision", &err, rc) : 0;
    }
    ilm_plan_decision d = {.plan_id = plan};
    snprintf(d.kind, sizeof d.kind, "%s", kind ? kind : "council_target");
    snprintf(d.ref.date, sizeof d.ref.date, "%s", date ? date : "");
    d.ref.body = (char *)option(argc, argv, "--body");
    d.ref.section = (char *)option(argc, argv, "--section");
    d.ref.dnro = (char *)option(argc, argv, "--dnro");
    /* The API's caps, with its messages ("section: 25 characters, at most 20"). */
    ilm_errors err = {0};
    if (ilm_text_check(&err, "body", d.ref.body, ILM_NAME_MAX) |
        ilm_text_check(&err, "section", d.ref.section, 20) |
        ilm_text_check(&err, "dnro", d.ref.dnro, 60))
        return cli_print_errors("decision", &err, ILM_EINVAL);
    ilm_store *s = NULL;
    if ((rc = cli_open_store(&s)))
        return rc;
    rc = ilm_store_plan_decision_set(s, &d, &err);
    ilm_store_close(s);
    return rc ? cli_print_errors("decision", &err, rc) : 0;
}
