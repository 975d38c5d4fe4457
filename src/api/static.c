/* The browser UI: the page and its assets, embedded at build time
 * (cmake/embed_web.cmake), served with a strong ETag and revalidated on
 * every use (Cache-Control: no-cache, then 304 when If-None-Match has the
 * ETag), gzip-compressed when the client accepts it. text/html gets the
 * strict Content-Security-Policy from src/http.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "api/internal.h"
#include "api/web_assets.h"

/* Whether the comma-separated header value lists `token` (case-insensitive,
 * parameters such as ";q=1" ignored; "q=0" is not honoured as a refusal,
 * which only costs the client a decompression it asked not to do). */
static bool lists_token(const char *value, const char *token)
{
    size_t n = strlen(token);
    const char *p = value;
    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (strncasecmp(p, token, n) == 0 &&
            (p[n] == '\0' || p[n] == ',' || p[n] == ';' || p[n] == ' '))
            return true;
        p = strchr(p, ',');
    }
    return false;
}

/* Whether If-None-Match names `etag` (or is "*"). */
static bool etag_matches(const char *inm, const char *etag)
{
    if (!inm)
        return false;
    if (strcmp(inm, "*") == 0)
        return true;
    size_t n = strlen(etag);
    for (const char *p = strstr(inm, etag); p; p = strstr(p + 1, etag)) {
        /* A weak comparison is right for If-None-Match: W/"x" matches "x". */
        char after = p[n];
        if (after == '\0' || after == ',' || after == ' ')
            return true;
    }
    return false;
}

static const web_asset *web_asset_find(const char *path)
{
    for (size_t i = 0; i < web_n_assets; i++)
        if (strcmp(web_assets[i].path, path) == 0)
            return &web_assets[i];
    return NULL;
}

int h_static(void *app, http_request *req)
{
    (void)app;
    const web_asset *a = web_asset_find(http_path(req));
    if (!a)
        return http_reply_error(req, 404, NULL, NULL, NULL);
    const char *ae = http_header(req, "Accept-Encoding");
    bool gz = a->gz && ae && lists_token(ae, "gzip");
    const char *etag = gz ? a->etag_gz : a->etag;
    http_add_header(req, "ETag", etag);
    /* The file names are not hashed: a browser may keep a copy, but asks
     * each time whether it is still current (a 304 costs a few bytes). */
    http_add_header(req, "Cache-Control", "no-cache");
    if (a->gz)
        http_add_header(req, "Vary", "Accept-Encoding");
    if (etag_matches(http_header(req, "If-None-Match"), etag))
        return http_reply(req, 304, NULL, NULL, 0);
    if (gz) {
        http_add_header(req, "Content-Encoding", "gzip");
        return http_reply(req, 200, a->type, a->gz, a->gz_len);
    }
    return http_reply(req, 200, a->type, a->data, a->len);
}
