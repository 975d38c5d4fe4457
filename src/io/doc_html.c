/* The HTML renderer: one self-contained file (the style in one <style>
 * block, charts as inline SVG, no script, nothing fetched), laid out like
 * a municipality's published minutes and printable on A4.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_internal.h"

static const char style[] =
    "@page{size:A4;margin:20mm 18mm 22mm 22mm}"
    "html{background:#f4f4f1}"
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;font-size:10.5pt;line-height:1.45;"
    "color:#1f2328;max-width:46em;margin:2em auto;padding:2.5em 3em;background:#fff;"
    "box-shadow:0 1px 4px rgba(0,0,0,.12)}"
    "h1{font-size:16pt;margin:.2em 0 .8em}h2{font-size:12.5pt;margin:1.6em 0 .5em;"
    "border-bottom:1px solid #c8c8c8;padding-bottom:.15em}h3{font-size:11pt;margin:1.2em 0 .4em}"
    "p{margin:.5em 0}"
    "dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1.2em;margin:.6em 0}"
    "dl.fields dt{font-weight:bold}dl.fields dd{margin:0}"
    ".fill{display:inline-block;min-width:12em;border-bottom:1px solid #555}"
    "ul{margin:.4em 0 .6em 1.2em;padding:0}"
    "table{border-collapse:collapse;margin:.6em 0 1em;width:100%;font-size:9.5pt}"
    "caption{text-align:left;font-weight:bold;margin-bottom:.3em}"
    "th,td{border-bottom:1px solid #d8d8d8;padding:.25em .5em;vertical-align:top}"
    "th{border-bottom:1.5px solid #555;text-align:left}"
    ".r{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "figure{margin:1em 0}figure svg{width:100%;height:auto}"
    "figcaption{font-weight:bold;margin-bottom:.3em}"
    ".blank .line{border-bottom:1px solid #555;height:1.8em}"
    ".page-break{break-after:page}"
    "@media print{html{background:#fff}body{margin:0;padding:0;box-shadow:none;max-width:none}"
    "tr,figure,dl.fields{break-inside:avoid}h2,h3{break-after:avoid}}";

int doc_render_html(const ilm_doc *d, doc_buf *b, ilm_errors *err)
{
    doc_buf_printf(b, "<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
                   d->lang);
    doc_buf_puts(b, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"generator\" content=\"ilmava\">\n<title>");
    doc_buf_html(b, d->title);
    doc_buf_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
    for (size_t i = 0; i < d->n; i++) {
        const doc_block *k = &d->blocks[i];
        doc_block_kind prev = i ? d->blocks[i - 1].kind : DOC_PAGE_BREAK;
        doc_block_kind next = i + 1 < d->n ? d->blocks[i + 1].kind : DOC_PAGE_BREAK;
        switch (k->kind) {
        case DOC_HEADING:
            doc_buf_printf(b, "<h%d>", k->level);
            doc_buf_html(b, k->text);
            doc_buf_printf(b, "</h%d>\n", k->level);
            break;
        case DOC_PARA:
            doc_buf_puts(b, "<p>");
            for (const char *p = k->text; *p; p++) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                char *line = strndup(p, len);
                if (!line) {
                    b->failed = true;
                    break;
                }
                doc_buf_html(b, line);
                free(line);
                if (!nl)
                    break;
                doc_buf_puts(b, "<br>");
                p = nl;
            }
            doc_buf_puts(b, "</p>\n");
            break;
        case DOC_FIELD:
            if (prev != DOC_FIELD)
                doc_buf_puts(b, "<dl class=\"fields\">\n");
            doc_buf_puts(b, "<dt>");
            doc_buf_html(b, k->label);
            doc_buf_puts(b, "</dt><dd>");
            if (k->text && *k->text)
                doc_buf_html(b, k->text);
            else
                doc_buf_puts(b, "<span class=\"fill\"></span>");
            doc_buf_puts(b, "</dd>\n");
            if (next != DOC_FIELD)
                doc_buf_puts(b, "</dl>\n");
            break;
        case DOC_ITEM:
            if (prev != DOC_ITEM)
                doc_buf_puts(b, "<ul>\n");
            doc_buf_puts(b, "<li>");
            doc_buf_html(b, k->text);
            doc_buf_puts(b, "</li>\n");
            if (next != DOC_ITEM)
                doc_buf_puts(b, "</ul>\n");
            break;
        case DOC_BLANK:
            doc_buf_puts(b, "<div class=\"blank\">");
            if (*k->label) {
                doc_buf_puts(b, "<p><strong>");
                doc_buf_html(b, k->label);
                doc_buf_puts(b, "</strong></p>");
            }
            for (int l = 0; l < k->level; l++)
                doc_buf_puts(b, "<div class=\"line\"></div>");
            doc_buf_puts(b, "</div>\n");
            break;
        case DOC_TABLE:
            doc_buf_puts(b, "<table>\n");
            if (k->caption) {
                doc_buf_puts(b, "<caption>");
                doc_buf_html(b, k->caption);
                doc_buf_puts(b, "</caption>\n");
            }
            doc_buf_puts(b, "<thead><tr>");
            for (size_t c = 0; c < k->n_cols; c++) {
                doc_buf_puts(b, k->align[c] == ILM_ALIGN_RIGHT ? "<th class=\"r\">" : "<th>");
                doc_buf_html(b, k->headers[c]);
                doc_buf_puts(b, "</th>");
            }
            doc_buf_puts(b, "</tr></thead>\n<tbody>\n");
            for (size_t r = 0; r < k->n_rows; r++) {
                doc_buf_puts(b, "<tr>");
                for (size_t c = 0; c < k->n_cols; c++) {
                    doc_buf_puts(b, k->align[c] == ILM_ALIGN_RIGHT ? "<td class=\"r\">" : "<td>");
                    doc_buf_html(b, k->cells[r * k->n_cols + c]);
                    doc_buf_puts(b, "</td>");
                }
                doc_buf_puts(b, "</tr>\n");
            }
            doc_buf_puts(b, "</tbody></table>\n");
            break;
        case DOC_CHART: {
            char *svg = ilm_chart_svg(k->chart, d->lang, err);
            if (!svg)
                return ILM_EINVAL;
            doc_buf_puts(b, "<figure>\n<figcaption>");
            doc_buf_html(b, k->chart->title);
            doc_buf_puts(b, "</figcaption>\n");
            doc_buf_puts(b, svg);
            doc_buf_puts(b, "</figure>\n");
            free(svg);
            break;
        }
        case DOC_PAGE_BREAK: doc_buf_puts(b, "<div class=\"page-break\"></div>\n"); break;
        }
    }
    doc_buf_puts(b, "</body>\n</html>\n");
    return 0;
}
