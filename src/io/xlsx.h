/* Workbooks to memory with libxlsxwriter, which writes files only: a
 * private temporary file, read back and removed. The one way ilmava writes
 * XLSX (the plan exports, the programme report).
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILMAVA_IO_XLSX_H
#define ILMAVA_IO_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <xlsxwriter.h>

#include "ilmava/error.h"

typedef struct xlsx_file {
    lxw_workbook *wb;
    char path[4096];
} xlsx_file;

/* Starts a workbook in a temporary file ($TMPDIR or /tmp). 0, or an error
 * code with a message. */
int xlsx_start(xlsx_file *x, ilm_errors *err);
/* Closes the workbook and reads it into *out (malloc'ed, *len bytes);
 * `failed` says a cell was refused on the way. The file is removed either
 * way. */
int xlsx_finish(xlsx_file *x, bool failed, char **out, size_t *len, ilm_errors *err);

#endif
