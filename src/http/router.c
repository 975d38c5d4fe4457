/* The route table: checking it at start, and matching a request's method and
 * path against it segment by segment ("{name}" takes one whole segment).
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdbool.h>
#include <string.h>

#include "http/internal.h"

static bool is_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Checks one pattern; returns NULL or what is wrong with it. */
static const char *pattern_problem(const char *pattern)
{
    if (pattern[0] != '/')
        return "does not start with \"/\"";
    if (strcmp(pattern, "/") == 0)
        return NULL;
    const char *names[HTTP_MAX_PARAMS];
    size_t lens[HTTP_MAX_PARAMS];
    int n = 0;
    const char *p = pattern;
    while (*p == '/') {
        p++;
        size_t len = strcspn(p, "/");
        if (len == 0)
            return "has an empty segment";
        if (p[0] == '{') {
            if (p[len - 1] != '}' || len < 3)
                return "has a \"{\" segment that is not \"{name}\"";
            for (size_t i = 1; i + 1 < len; i++)
                if (!is_name_char((unsigned char)p[i]))
                    return "has a parameter name other than letters, digits and _";
            if (n == HTTP_MAX_PARAMS)
                return "has more parameters than HTTP_MAX_PARAMS";
            for (int i = 0; i < n; i++)
                if (lens[i] == len - 2 && memcmp(names[i], p + 1, len - 2) == 0)
                    return "names a parameter twice";
            names[n] = p + 1;
            lens[n] = len - 2;
            n++;
        } else if (memchr(p, '{', len) || memchr(p, '}', len)) {
            return "has \"{\" or \"}\" inside a segment";
        }
        p += len;
    }
    return NULL;
}

int router_check(const http_route *routes, size_t n, ilm_errors *err)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        const http_route *r = &routes[i];
        const char *pat = r->pattern ? r->pattern : "(null)";
        if (!request_is_token(r->method)) {
            ilm_errors_add(err, "routes[%zu] (%s): the method is missing or not a token", i, pat);
            rc = ILM_EINVAL;
        }
        if (!r->handler) {
            ilm_errors_add(err, "routes[%zu] (%s): no handler", i, pat);
            rc = ILM_EINVAL;
        }
        const char *problem = r->pattern ? pattern_problem(r->pattern) : "is missing";
        if (problem) {
            ilm_errors_add(err, "routes[%zu]: the pattern \"%s\" %s", i, pat, problem);
            rc = ILM_EINVAL;
        }
    }
    return rc;
}

/* Matches `path` against `pattern`. On a match, fills params with the names
 * and the offsets and lengths of the values in `path` (value is left NULL:
 * the caller cuts the values out of its copy once the route is chosen). */
static bool pattern_matches(const char *pattern, const char *path, http_param_value *params,
                            size_t *offsets, size_t *lens, int *n_params)
{
    const char *p = pattern, *s = path;
    int n = 0;
    if (*s != '/')
        return false;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return false;
        p++;
        s++;
        size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
        if (*p == '{') {
            if (slen == 0)
                return false;
            params[n].name = p + 1;
            params[n].name_len = plen - 2;
            params[n].value = NULL;
            offsets[n] = (size_t)(s - path);
            lens[n] = slen;
            n++;
        } else if (plen != slen || memcmp(p, s, plen) != 0) {
            return false;
        }
        p += plen;
        s += slen;
    }
    if (*p || *s)
        return false;
    *n_params = n;
    return true;
}

static bool method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

/* Appends `method` to the comma-separated list unless it is there already. */
static void allow_add(char *allow, const char *method)
{
    size_t mlen = strlen(method);
    for (const char *a = allow; *a;) {
        size_t len = strcspn(a, ",");
        if (len == mlen && memcmp(a, method, len) == 0)
            return;
        a += len;
        a += strspn(a, ", ");
    }
    size_t used = strlen(allow);
    size_t need = used + (used ? 2 : 0) + mlen;
    if (need >= HTTP_ALLOW_MAX)
        return; /* a table with this many methods is not worth a bigger buffer */
    if (used) {
        memcpy(allow + used, ", ", 2);
        used += 2;
    }
    memcpy(allow + used, method, mlen + 1);
}

router_result router_match(http_request *req, char *allow)
{
    const http_server *srv = req->srv;
    http_param_value params[HTTP_MAX_PARAMS];
    size_t offsets[HTTP_MAX_PARAMS], lens[HTTP_MAX_PARAMS];
    bool path_known = false;
    allow[0] = '\0';
    for (size_t i = 0; i < srv->n_routes; i++) {
        const http_route *r = &srv->routes[i];
        int n = 0;
        if (!pattern_matches(r->pattern, req->path, params, offsets, lens, &n))
            continue;
        if (!method_matches(r->method, req->method)) {
            path_known = true;
            allow_add(allow, r->method);
            if (strcmp(r->method, "GET") == 0)
                allow_add(allow, "HEAD");
            continue;
        }
        /* Values are whole segments, so cutting the copy at the "/" after
         * each one leaves every value NUL-terminated in place. */
        for (int k = 0; k < n; k++) {
            req->segments[offsets[k] + lens[k]] = '\0';
            params[k].value = req->segments + offsets[k];
            req->params[k] = params[k];
        }
        req->n_params = n;
        req->route = r;
        return ROUTER_FOUND;
    }
    return path_known ? ROUTER_BAD_METHOD : ROUTER_NOT_FOUND;
}
