/* Workbooks to memory with libxlsxwriter (see xlsx.h).
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "xlsx.h"

/* A workbook is a few hundred kilobytes; this is far above. */
#define XLSX_MAX (256u << 20)

static int slurp(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *grown = cap < XLSX_MAX ? realloc(buf, cap * 2) : NULL;
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    bool bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

int xlsx_start(xlsx_file *x, ilm_errors *err)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    snprintf(x->path, sizeof x->path, "%s/ilmava-xlsx-XXXXXX", dir);
    int fd = mkstemp(x->path);
    if (fd < 0) {
        ilm_errors_add(err, "xlsx: cannot create a temporary file in %s", dir);
        return ILM_EIO;
    }
    close(fd);
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
    x->wb = workbook_new_opt(x->path, &opt);
    if (!x->wb) {
        unlink(x->path);
        ilm_errors_add(err, "xlsx: the workbook could not be started");
        return ILM_EIO;
    }
    return 0;
}

int xlsx_finish(xlsx_file *x, bool failed, char **out, size_t *len, ilm_errors *err)
{
    *out = NULL;
    *len = 0;
    lxw_error e = workbook_close(x->wb);
    x->wb = NULL;
    int rc = 0;
    if (failed || e != LXW_NO_ERROR) {
        ilm_errors_add(err, "xlsx: the workbook could not be written: %s",
                       e != LXW_NO_ERROR ? lxw_strerror(e) : "a cell was refused");
        rc = ILM_EIO;
    } else if (slurp(x->path, out, len)) {
        ilm_errors_add(err, "xlsx: the workbook could not be read back");
        rc = ILM_EIO;
    }
    unlink(x->path);
    return rc;
}
