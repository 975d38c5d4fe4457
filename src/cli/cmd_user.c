/* The account commands: user add|list|passwd|disable.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "ilmava/app.h"

static const char *const user_usage =
    "usage: ilmava user add EMAIL --role ROLE [--municipality CODE]... [--password-stdin]\n"
    "       ilmava user list [--json]\n"
    "       ilmava user passwd EMAIL [--password-stdin]\n"
    "       ilmava user disable EMAIL\n"
    "\n"
    "Accounts of the web UI. ROLE is organiser (every municipality; give no\n"
    "--municipality), editor, viewer or expert (one --municipality or more,\n"
    "by code or name). With --password-stdin the password is the first line\n"
    "of stdin; without it a random one is made and printed once, as\n"
    "'password: ...', to hand over. Passwords are 10 to 1024 bytes. 'passwd'\n"
    "and 'disable' end the user's sessions.\n";

/* Reads the password from the first line of stdin into buf (without its
 * line end). Returns 0 or the exit code. */
static int read_password(char *buf, size_t size)
{
    if (!fgets(buf, (int)size, stdin))
        return cli_user_error("--password-stdin: no password on stdin");
    size_t len = strlen(buf);
    bool whole_line = len > 0 && buf[len - 1] == '\n';
    if (!whole_line && !feof(stdin))
        return cli_user_error("--password-stdin: the password is longer than %d bytes",
                              ILM_PASSWORD_MAX);
    if (whole_line)
        buf[--len] = '\0';
    if (len > 0 && buf[len - 1] == '\r')
        buf[--len] = '\0';
    return 0;
}

/* The municipalities as comma-separated codes into buf. */
static const char *codes_text(const ilm_user *u, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < u->n_municipalities && used + 5 < size; i++)
        used +=
            (size_t)snprintf(buf + used, size - used, "%s%s", i ? "," : "", u->municipalities[i]);
    return u->n_municipalities ? buf : "-";
}

static void print_user(const ilm_user *u)
{
    char codes[ILM_MAX_USER_MUNICIPALITIES * 4 + 1];
    cli_printf("user %lld: %s, %s, municipalities %s%s\n", (long long)u->id, u->email,
               ilm_role_name(u->role), codes_text(u, codes, sizeof codes),
               u->disabled ? " (disabled)" : "");
}

static const char *role_list = "organiser, editor, viewer, expert";

static int user_add(int argc, char **argv)
{
    const char *email = NULL, *role_text = NULL;
    bool from_stdin = false;
    const char **codes = calloc((size_t)argc, sizeof *codes);
    if (!codes) {
        fputs("ilmava: out of memory\n", stderr);
        return 1;
    }
    size_t n_codes = 0;
    int rc = 0;
    for (int i = 2; i < argc && !rc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--password-stdin") == 0) {
            from_stdin = true;
        } else if (strcmp(a, "--role") == 0 || strcmp(a, "--municipality") == 0) {
            if (i + 1 >= argc)
                rc = cli_user_error("user add: %s needs a value", a);
            else if (strcmp(a, "--role") == 0)
                role_text = argv[++i];
            else
                codes[n_codes++] = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            rc = cli_user_error("user add: unknown option '%s'", a);
        } else if (email) {
            rc = cli_user_error("user add: expects one EMAIL, got '%s' too", a);
        } else {
            email = a;
        }
    }
    ilm_role role = ILM_ROLE_VIEWER;
    if (!rc && !email)
        rc = cli_user_error("user add: expects an EMAIL (see --help)");
    if (!rc && !role_text)
        rc = cli_user_error("user add: --role is required (%s)", role_list);
    if (!rc && ilm_role_parse(role_text, &role))
        rc = cli_user_error("user add: --role: '%s' is not one of %s", role_text, role_list);
    char password[ILM_PASSWORD_MAX + 2];
    if (!rc && from_stdin)
        rc = read_password(password, sizeof password);
    else if (!rc)
        ilm_password_random(password);
    ilm_store *s = NULL;
    if (!rc)
        rc = cli_open_store(&s);
    if (rc) {
        free(codes);
        return rc;
    }
    /* A name is taken for a code, as elsewhere on the command line. */
    ilm_errors err = {0};
    char(*resolved)[4] = calloc(n_codes ? n_codes : 1, sizeof *resolved);
    const char **code_ptrs = calloc(n_codes ? n_codes : 1, sizeof *code_ptrs);
    if (!resolved || !code_ptrs) {
        ilm_errors_add(&err, "out of memory");
        rc = ILM_ENOMEM;
    }
    for (size_t i = 0; !rc && i < n_codes; i++) {
        ilm_municipality m = {0};
        rc = ilm_store_municipality_find(s, codes[i], &m, &err);
        if (!rc) {
            memcpy(resolved[i], m.code, 4);
            code_ptrs[i] = resolved[i];
        }
        ilm_municipality_clear(&m);
    }
    int64_t id = 0;
    if (!rc)
        rc = ilm_app_user_add(s, email, role, code_ptrs, n_codes, password, &id, &err);
    ilm_user u = {0};
    if (!rc)
        rc = ilm_store_user_find(s, email, &u, NULL, &err);
    ilm_store_close(s);
    free(resolved);
    free(code_ptrs);
    free(codes);
    if (rc) {
        memset(password, 0, sizeof password);
        return cli_print_errors("user add", &err, rc);
    }
    print_user(&u);
    if (!from_stdin)
        cli_printf("password: %s\n", password);
    memset(password, 0, sizeof password);
    ilm_user_clear(&u);
    return 0;
}

static int user_list(int argc, char **argv)
{
    bool json = false;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else
            return cli_user_error("user list: unknown argument '%s'", argv[i]);
    }
    ilm_store *s = NULL;
    int rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    ilm_user *v = NULL;
    size_t n = 0;
    rc = ilm_store_users(s, &v, &n, &err);
    ilm_store_close(s);
    if (rc)
        return cli_print_errors("user list", &err, rc);
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++) {
            json_t *codes = json_array();
            for (size_t k = 0; codes && k < v[i].n_municipalities; k++)
                json_array_append_new(codes, json_string(v[i].municipalities[k]));
            json_array_append_new(
                arr, json_pack("{sI ss ss so sb ss}", "id", (json_int_t)v[i].id, "email",
                               v[i].email, "role", ilm_role_name(v[i].role), "municipalities",
                               codes, "disabled", v[i].disabled, "created_at", v[i].created_at));
        }
        char *text = arr ? json_dumps(arr, JSON_INDENT(2)) : NULL;
        json_decref(arr);
        rc = cli_print_json(text);
    } else {
        cli_printf("%-32s %-9s %-8s %-20s %s\n", "email", "role", "disabled", "created",
                   "municipalities");
        char codes[ILM_MAX_USER_MUNICIPALITIES * 4 + 1];
        for (size_t i = 0; i < n; i++)
            cli_printf("%-32s %-9s %-8s %-20s %s\n", v[i].email, ilm_role_name(v[i].role),
                       v[i].disabled ? "yes" : "no", v[i].created_at,
                       codes_text(&v[i], codes, sizeof codes));
    }
    ilm_users_free(v, n);
    return rc;
}

static int user_passwd(int argc, char **argv)
{
    const char *email = NULL;
    bool from_stdin = false;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--password-stdin") == 0)
            from_stdin = true;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_user_error("user passwd: unknown option '%s'", argv[i]);
        else if (email)
            return cli_user_error("user passwd: expects one EMAIL, got '%s' too", argv[i]);
        else
            email = argv[i];
    }
    if (!email)
        return cli_user_error("user passwd: expects an EMAIL (see --help)");
    char password[ILM_PASSWORD_MAX + 2];
    int rc = from_stdin ? read_password(password, sizeof password) : 0;
    if (rc)
        return rc;
    if (!from_stdin)
        ilm_password_random(password);
    ilm_store *s = NULL;
    if ((rc = cli_open_store(&s)))
        return rc;
    ilm_errors err = {0};
    rc = ilm_app_user_passwd(s, email, password, &err);
    ilm_store_close(s);
    if (rc) {
        memset(password, 0, sizeof password);
        return cli_print_errors("user passwd", &err, rc);
    }
    cli_printf("password changed for %s; their sessions have ended\n", email);
    if (!from_stdin)
        cli_printf("password: %s\n", password);
    memset(password, 0, sizeof password);
    return 0;
}

static int user_disable(int argc, char **argv)
{
    if (argc != 3 || (argv[2][0] == '-' && argv[2][1]))
        return cli_user_error("user disable: expects one EMAIL");
    ilm_store *s = NULL;
    int rc = cli_open_store(&s);
    if (rc)
        return rc;
    ilm_errors err = {0};
    rc = ilm_store_user_disable(s, argv[2], &err);
    ilm_store_close(s);
    if (rc)
        return cli_print_errors("user disable", &err, rc);
    cli_printf("disabled %s; their sessions have ended\n", argv[2]);
    return 0;
}

int cmd_user(int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        fputs(user_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USER : 0;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "add") == 0)
        return user_add(argc, argv);
    if (strcmp(sub, "list") == 0)
        return user_list(argc, argv);
    if (strcmp(sub, "passwd") == 0)
        return user_passwd(argc, argv);
    if (strcmp(sub, "disable") == 0)
        return user_disable(argc, argv);
    return cli_user_error("user: unknown subcommand '%s' (see 'ilmava user --help')", sub);
}
