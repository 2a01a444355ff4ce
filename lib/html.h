/*
 * html.h - one self-contained HTML page: its head with an inline style
 * (no external file), headings, inline SVG bar charts, and its end.
 * Tables go between them through jf_out_new(JF_FMT_HTML, ...).
 */
#ifndef JF_HTML_H
#define JF_HTML_H

#include <stdint.h>
#include <stdio.h>

void jf_html_begin(FILE *fp, const char *title);
void jf_html_heading(FILE *fp, const char *text);
/*
 * A bar chart under its heading: values holds nseries rows of nlabels
 * values (series s, label i at s * nlabels + i); money selects the
 * yuan format.  Each bar is a <rect> with data-label, data-series and
 * data-value (as a table cell writes the value: "12.50", 120).
 */
void jf_html_chart(FILE *fp, const char *title, int nlabels,
    const char *const *labels, int nseries, const char *const *series,
    const int64_t *values, int money);
/* The same with one bar a label, its series stacked in their order. */
void jf_html_stack(FILE *fp, const char *title, int nlabels,
    const char *const *labels, int nseries, const char *const *series,
    const int64_t *values, int money);
void jf_html_end(FILE *fp);
/* Writes s with <, >, & and " escaped. */
void jf_html_text(FILE *fp, const char *s);

#endif
