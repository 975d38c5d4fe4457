/* libFuzzer harness for the document model's renderers: the input, split
 * at newlines, becomes the texts of every block kind (headings, paragraphs,
 * fields, list items, blanks, table cells, a chart's names and, from its
 * bytes, values with NaN and infinities), and so user-written names and
 * notes reach the Markdown, HTML and SVG writers. Each output must come
 * back, and the HTML must carry no markup the input brought: every "<" of
 * the input is escaped, so "<script" never appears. The PDF is left out:
 * cairo and pango are far too slow for a fuzzer's pace.
 *
 * Built by `make fuzz` (CMake option ILMAVA_FUZZ, clang only).
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    /* Up to 16 pieces, split at newlines (a NUL ends the text early). */
    const char *piece[16];
    size_t n = 0;
    for (char *p = text; n < 16;) {
        piece[n++] = p;
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    for (size_t i = n; i < 16; i++)
        piece[i] = "";

    ilm_doc *d = ilm_doc_new(size % 3 == 0 ? "fi" : size % 3 == 1 ? "sv" : "en", piece[0]);
    if (!d) {
        free(text);
        return 0;
    }
    ilm_doc_field(d, piece[1], piece[2]);
    ilm_doc_field(d, piece[3], "");
    ilm_doc_heading(d, (int)(size % 5), "%s", piece[4]);
    ilm_doc_para(d, "%s", piece[5]);
    ilm_doc_item(d, "%s", piece[6]);
    ilm_doc_blank(d, piece[7], (int)(size % 4));
    const char *headers[3] = {piece[8], piece[9], piece[10]};
    ilm_doc_table(d, piece[11], 3, headers, NULL);
    ilm_doc_row(d, (const char *[]){piece[12], piece[13], NULL});
    /* A chart whose values are the input's bytes read as doubles. */
    int years[8];
    double values[8], upper[8];
    for (int i = 0; i < 8; i++) {
        years[i] = 2020 + i;
        double v = 0;
        if ((size_t)(i + 1) * sizeof v <= size)
            memcpy(&v, data + (size_t)i * sizeof v, sizeof v);
        values[i] = v;
        upper[i] = isfinite(v) ? v + 1 : v;
    }
    ilm_chart_series series[3] = {{piece[14], ILM_SERIES_AREA, values, NULL, NULL},
                                  {piece[15], ILM_SERIES_BAND, values, upper, "#123456"},
                                  {piece[2], ILM_SERIES_DASHED, values, NULL, NULL}};
    ilm_chart c = {piece[4], piece[5], 8, years, 3, series};
    ilm_doc_chart(d, &c);
    ilm_doc_page_break(d);

    for (int f = ILM_DOC_MD; f <= ILM_DOC_HTML; f++) {
        ilm_errors err = {0};
        char *out = NULL;
        size_t len = 0;
        int rc = ilm_doc_render(d, (ilm_doc_format)f, &out, &len, &err);
        if (rc == 0) {
            if (!out || strlen(out) != len)
                abort(); /* a document is text without NULs */
            if (f == ILM_DOC_HTML && strstr(out, "<script"))
                abort(); /* the input's "<" came through unescaped */
        } else if (out || err.count == 0) {
            abort(); /* a failure says why and returns nothing */
        }
        free(out);
    }
    ilm_doc_free(d);
    free(text);
    return 0;
}
