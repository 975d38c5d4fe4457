/* `ilmava serve`: the HTTP API on the store; `ilmava routes`: its route
 * table with what each route requires.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "cli/cli.h"

static const char *const serve_usage =
    "usage: ilmava [--db FILE] serve [--listen ADDR:PORT] [--origin URL] [--behind-tls]\n"
    "                         [--threads N] [--session-idle S] [--session-max S]\n"
    "                         [--trusted-proxy ADDR]...\n"
    "Serves the JSON API (docs/API.md) until SIGINT or SIGTERM, then finishes the\n"
    "requests in flight and exits 0. One line per request goes to stderr.\n"
    "  --listen ADDR:PORT  default 127.0.0.1:8080; port 0 picks a free one\n"
    "  --origin URL        the address browsers use, e.g. https://ilmava.example.fi;\n"
    "                      default: http://ADDR:PORT from --listen (https:// with\n"
    "                      --behind-tls); never taken from a request's Host header\n"
    "  --behind-tls        a TLS proxy is in front: cookies get Secure\n"
    "  --threads N         request threads (default 16)\n"
    "  --session-idle S    seconds a session lasts unused (default 7200)\n"
    "  --session-max S     seconds a session lasts at most (default 43200)\n"
    "  --trusted-proxy ADDR  a proxy in front (an address or range, e.g. 10.0.0.5,\n"
    "                      10.0.0.0/8, ::1; repeatable): only from it is the client's\n"
    "                      address read from X-Forwarded-For (docs/HTTP.md)\n";

/* --trusted-proxy may be given this many times. */
#define MAX_TRUSTED_PROXIES 32

int cmd_serve(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(serve_usage, stdout);
        return 0;
    }
    api_options o = {.db_path = cli_db_path};
    const char *proxies[MAX_TRUSTED_PROXIES];
    size_t n_proxies = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        long long v;
        int rc = 0;
        if (!strcmp(a, "--behind-tls")) {
            o.behind_tls = true;
            continue;
        }
        if (i + 1 >= argc || strncmp(a, "--", 2) != 0) {
            fputs(serve_usage, stderr);
            return EXIT_USER;
        }
        const char *val = argv[++i];
        if (!strcmp(a, "--listen"))
            o.listen = val;
        else if (!strcmp(a, "--origin"))
            o.origin = val;
        else if (!strcmp(a, "--trusted-proxy") && n_proxies == MAX_TRUSTED_PROXIES)
            return cli_user_error("serve: --trusted-proxy: at most %d", MAX_TRUSTED_PROXIES);
        else if (!strcmp(a, "--trusted-proxy"))
            proxies[n_proxies++] = val;
        else if (!strcmp(a, "--threads") && !(rc = cli_parse_int(a, val, 1, 256, &v)))
            o.threads = (unsigned)v;
        else if (!strcmp(a, "--session-idle") &&
                 !(rc = cli_parse_int(a, val, 1, 365LL * 86400, &v)))
            o.session_idle_s = v;
        else if (!strcmp(a, "--session-max") &&
                 !(rc = cli_parse_int(a, val, 1, 365LL * 86400, &v)))
            o.session_max_s = v;
        else if (!rc)
            return cli_user_error("serve: unknown option %s (see ilmava serve --help)", a);
        if (rc)
            return rc;
    }
    /* SIGINT and SIGTERM stay blocked from before the start: one that
     * comes right after the serving line below must wait for sigwait in
     * api_serve_until_signal, not kill the process. */
    o.trusted_proxies = proxies;
    o.n_trusted_proxies = n_proxies;
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    api_server *srv = NULL;
    ilm_errors err = {0};
    int rc = api_start(&o, &srv, &err);
    if (rc)
        return cli_print_errors("serve", &err, rc);
    /* The port, not o.listen's: port 0 picks one. */
    char host[256] = "127.0.0.1";
    if (o.listen) {
        const char *colon = strrchr(o.listen, ':');
        snprintf(host, sizeof host, "%.*s", colon ? (int)(colon - o.listen) : 0, o.listen);
    }
    fprintf(stderr, "ilmava: serving %s on http://%s:%d/ (Ctrl-C stops)\n", cli_db_path, host,
            api_port(srv));
    if (o.behind_tls && !o.origin)
        fprintf(stderr,
                "ilmava: --behind-tls without --origin: changing requests must come from "
                "https://%s:%d; give --origin https://YOUR.HOST\n",
                host, api_port(srv));
    fflush(stderr);
    int sig = api_serve_until_signal(srv);
    if (sig < 0) {
        fprintf(stderr, "ilmava: waiting for a signal failed\n");
        return 1;
    }
    fprintf(stderr, "ilmava: stopped (%s); the store is closed\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    return 0;
}

int cmd_routes(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs("usage: ilmava routes [--json]\n"
              "Lists the API's routes and what each requires (docs/API.md).\n",
              stdout);
        return 0;
    }
    bool json = argc == 2 && !strcmp(argv[1], "--json");
    if (argc > 1 && !json)
        return cli_user_error("routes: unknown option %s", argv[1]);
    size_t n;
    const http_route *r = api_routes(&n);
    if (json)
        putchar('[');
    for (size_t i = 0; i < n; i++) {
        const char *req = api_requirement_name(r[i].required);
        if (json)
            printf("%s{\"method\":\"%s\",\"pattern\":\"%s\",\"requires\":\"%s\"}",
                   i ? "," : "", r[i].method, r[i].pattern, req);
        else
            printf("%-7s %-45s %s\n", r[i].method, r[i].pattern, req);
    }
    if (json)
        puts("]");
    return 0;
}
