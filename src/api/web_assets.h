/* The browser UI's files, embedded in the binary at build time by
 * cmake/embed_web.cmake (web/ and the vendored Chart.js), and served by
 * src/api/static.c. Nothing here leaves src/api/.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILM_API_WEB_ASSETS_H
#define ILM_API_WEB_ASSETS_H

#include <stddef.h>

typedef struct web_asset {
    const char *path;        /* the URL path: "/", "/assets/app.js" */
    const char *type;        /* the Content-Type */
    const unsigned char *data;
    size_t len;
    const unsigned char *gz; /* a gzip copy, or NULL when it would not be smaller */
    size_t gz_len;
    const char *etag;        /* a strong ETag of the bytes, quoted */
    const char *etag_gz;     /* the gzip copy's ETag */
} web_asset;

extern const web_asset web_assets[];
extern const size_t web_n_assets;

#endif
