/*
 * html.c - the reports' HTML page: one file with its style inline and
 * its charts as inline SVG, so that it can be mailed or kept and opened
 * anywhere without anything else.
 *
 * A chart is drawn with integer coordinates: its axis is first scaled
 * to steps of 1, 2 or 5 times a power of ten that span the values
 * (chart_scale), then the grid, the bars and their labels are written,
 * each bar value * height / span high, no floating point.
 */
#include <inttypes.h>
#include <stdio.h>

#include "html.h"
#include "money.h"

void
jf_html_text(FILE *fp, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '&':
			fputs("&amp;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		default:
			fputc(*s, fp);
		}
}

void
jf_html_begin(FILE *fp, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>", fp);
	jf_html_text(fp, title);
	fputs("</title>\n<style>\n"
	    "body{font-family:sans-serif;margin:2em;color:#222;"
	    "background:#fff}\n"
	    "h1{font-size:1.5em;border-bottom:2px solid #c0392b}\n"
	    "h2{font-size:1.15em;margin-top:1.5em}\n"
	    "table{border-collapse:collapse;margin:.5em 0}\n"
	    "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}\n"
	    "th{background:#f3f3f3}\n"
	    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	    "svg{display:block;margin:.5em 0}\n"
	    "svg text{font-size:11px;fill:#333}\n"
	    ".legend span{display:inline-block;margin-right:1em}\n"
	    ".legend i{display:inline-block;width:.8em;height:.8em;"
	    "margin-right:.3em}\n"
	    "</style>\n</head>\n<body>\n<h1>", fp);
	jf_html_text(fp, title);
	fputs("</h1>\n", fp);
}

void
jf_html_heading(FILE *fp, const char *text)
{
	fputs("<h2>", fp);
	jf_html_text(fp, text);
	fputs("</h2>\n", fp);
}

void
jf_html_end(FILE *fp)
{
	fputs("</body>\n</html>\n", fp);
}

static const char *const palette[] = { "#c0392b", "#2980b9", "#27ae60",
	"#8e44ad", "#f39c12", "#16a085" };

/* An axis label: yuan without the fen for money, or the integer. */
static void
axis_label(FILE *fp, int64_t v, int money)
{
	char buf[JF_MONEY_BUF];

	if (money) {
		jf_money_fmt(v, buf);
		fputs(buf, fp);
	} else
		fprintf(fp, "%" PRId64, v);
}

/*
 * The axis' step: 1, 2 or 5 times a power of ten, the smallest that
 * spans v in at most six steps.
 */
static int64_t
axis_step(int64_t v)
{
	int64_t p = 1;

	for (;;) {
		if (v <= 6 * p)
			return p;
		if (v <= 12 * p)
			return 2 * p;
		if (v <= 30 * p)
			return 5 * p;
		p *= 10;
	}
}

/* A chart's geometry, in SVG units, and its axis from min to max. */
struct chart {
	int nlabels, nseries;
	int slot, barw, width, zero;	/* zero: the axis' y */
	int64_t max, min, span, step;
	int money;
};

enum { LEFT = 80, TOP = 20, HEIGHT = 220, BOTTOM = 70 };

/* The axis rounded out to whole steps, and a slot a label, bars in it. */
static void
chart_scale(struct chart *g, const int64_t *values)
{
	g->max = g->min = 0;
	for (int i = 0; i < g->nlabels * g->nseries; i++) {
		if (values[i] > g->max)
			g->max = values[i];
		if (values[i] < g->min)
			g->min = values[i];
	}
	g->step = axis_step(g->max > -g->min ? g->max : -g->min);
	g->max = (g->max + g->step - 1) / g->step * g->step;
	g->min = -((-g->min + g->step - 1) / g->step * g->step);
	if (g->max == 0 && g->min == 0)
		g->max = g->step;
	g->span = g->max - g->min;
	g->slot = g->nlabels > 0 ? 1000 / g->nlabels : 1000;
	if (g->slot > 120)
		g->slot = 120;
	if (g->slot < 8 * g->nseries + 4)
		g->slot = 8 * g->nseries + 4;
	g->barw = (g->slot - 4) / g->nseries;
	g->width = LEFT + g->slot * (g->nlabels > 0 ? g->nlabels : 1) + 20;
	g->zero = TOP + (int)(g->max * HEIGHT / g->span);
}

/* The series' colours and names, when there is more than one. */
static void
chart_legend(FILE *fp, int nseries, const char *const *series)
{
	if (nseries < 2)
		return;
	fputs("<div class=\"legend\">", fp);
	for (int s = 0; s < nseries; s++) {
		fprintf(fp, "<span><i style=\"background:%s\"></i>",
		    palette[s % 6]);
		jf_html_text(fp, series[s]);
		fputs("</span>", fp);
	}
	fputs("</div>\n", fp);
}

/* Grid lines and their labels at each step. */
static void
chart_grid(FILE *fp, const struct chart *g)
{
	for (int64_t v = g->max; v >= g->min; v -= g->step) {
		int y = TOP + (int)((g->max - v) * HEIGHT / g->span);

		fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		    "stroke=\"#ddd\"/>", LEFT, y, g->width - 20, y);
		fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		    LEFT - 6, y + 4);
		axis_label(fp, v, g->money);
		fputs("</text>\n", fp);
	}
}

/* Label i's bars, one a series, each with its value as a tooltip. */
static void
chart_bars(FILE *fp, const struct chart *g, int i, const char *label,
    const char *const *series, const int64_t *values)
{
	int x0 = LEFT + i * g->slot + 2;

	for (int s = 0; s < g->nseries; s++) {
		int64_t v = values[s * g->nlabels + i];
		int h = (int)((v < 0 ? -v : v) * HEIGHT / g->span);
		int y = v < 0 ? g->zero : g->zero - h;

		fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
		    "height=\"%d\" fill=\"%s\"><title>", x0 + s * g->barw, y,
		    g->barw > 1 ? g->barw - 1 : 1, h, palette[s % 6]);
		jf_html_text(fp, label);
		fputs(" ", fp);
		jf_html_text(fp, series[s]);
		fputs(": ", fp);
		axis_label(fp, v, g->money);
		fputs("</title></rect>", fp);
	}
	fprintf(fp, "<text x=\"%d\" y=\"%d\" transform=\"rotate(-40 %d %d)\" "
	    "text-anchor=\"end\">", x0 + g->slot / 2, TOP + HEIGHT + 14,
	    x0 + g->slot / 2, TOP + HEIGHT + 14);
	jf_html_text(fp, label);
	fputs("</text>\n", fp);
}

void
jf_html_chart(FILE *fp, const char *title, int nlabels,
    const char *const *labels, int nseries, const char *const *series,
    const int64_t *values, int money)
{
	struct chart g = { .nlabels = nlabels, .nseries = nseries,
		.money = money };

	chart_scale(&g, values);
	jf_html_heading(fp, title);
	chart_legend(fp, nseries, series);
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n<title>",
	    g.width, TOP + HEIGHT + BOTTOM, g.width, TOP + HEIGHT + BOTTOM);
	jf_html_text(fp, title);
	fputs("</title>\n", fp);
	chart_grid(fp, &g);
	for (int i = 0; i < nlabels; i++)
		chart_bars(fp, &g, i, labels[i], series, values);
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#666\"/>\n</svg>\n", LEFT, g.zero, g.width - 20, g.zero);
}
