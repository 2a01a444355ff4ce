/*
 * html.c - the reports' HTML page: one file with its style inline and
 * its charts as inline SVG, so that it can be mailed or kept and opened
 * anywhere without anything else.
 *
 * A chart is drawn with integer coordinates: its axis is first scaled
 * to steps of 1, 2 or 5 times a power of ten that span the values
 * (chart_scale), then the grid, the bars and their labels are written,
 * each bar value * height / span high, no floating point.  Each bar
 * carries its label, series and value as data-* attributes, written as
 * the tables beside it write them, so that a test (or a script) reads
 * the figures a chart shows from the page and holds them to the table.
 */
#include <inttypes.h>
#include <stdio.h>

#include "err.h"
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
	/* the page's language is the catalog's: "zh-CN" in Chinese */
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>",
	    jf_label("html", NC_("html", "en")));
	jf_html_text(fp, title);
	fputs("</title>\n<style>\n"
	    "body{font-family:\"Noto Sans CJK SC\",\"PingFang SC\","
	    "\"Microsoft YaHei\",sans-serif;margin:2em;color:#222;"
	    "background:#fff}\n"
	    "h1{font-size:1.5em;border-bottom:2px solid #c0392b}\n"
	    "h2{font-size:1.15em;margin-top:1.5em}\n"
	    "table{border-collapse:collapse;margin:.5em 0}\n"
	    "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}\n"
	    "th{background:#f3f3f3}\n"
	    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	    "svg{display:block;margin:.5em 0}\n"
	    "svg text{font-size:11px;fill:#333}\n"
	    "svg text.v{font-size:10px;fill:#555}\n"
	    ".legend span{display:inline-block;margin-right:1em}\n"
	    ".legend i{display:inline-block;width:.8em;height:.8em;"
	    "margin-right:.3em}\n"
	    ".totals tr:last-child td{font-weight:bold;"
	    "border-top:2px solid #888}\n"
	    "p.note{color:#666;font-size:.9em}\n"
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
	"#8e44ad", "#f39c12", "#16a085", "#7f8c8d", "#d35400" };
#define NPALETTE 8

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
	int stack;			/* one bar a label, the series on top */
	int slot, barw, width, zero;	/* zero: the axis' y */
	int64_t max, min, span, step;
	int money;
};

enum { LEFT = 80, TOP = 24, HEIGHT = 220, BOTTOM = 100, LABEL_W = 20,
	VALUE_W = 32 };

/* The highest and lowest reach of the bars: stacked, their sums. */
static void
chart_reach(struct chart *g, const int64_t *values)
{
	g->max = g->min = 0;
	for (int i = 0; i < g->nlabels; i++) {
		int64_t up = 0, down = 0;

		for (int s = 0; s < g->nseries; s++) {
			int64_t v = values[s * g->nlabels + i];

			if (!g->stack)
				up = down = 0;
			if (v > 0)
				up += v;
			else
				down += v;
			if (up > g->max)
				g->max = up;
			if (down < g->min)
				g->min = down;
		}
	}
}

/* The axis rounded out to whole steps, and a slot a label, bars in it. */
static void
chart_scale(struct chart *g, const int64_t *values)
{
	int bars = g->stack ? 1 : g->nseries;

	chart_reach(g, values);
	g->step = axis_step(g->max > -g->min ? g->max : -g->min);
	g->max = (g->max + g->step - 1) / g->step * g->step;
	g->min = -((-g->min + g->step - 1) / g->step * g->step);
	if (g->max == 0 && g->min == 0)
		g->max = g->step;
	g->span = g->max - g->min;
	g->slot = g->nlabels > 0 ? 1000 / g->nlabels : 1000;
	if (g->slot > 120)
		g->slot = 120;
	if (g->slot < 8 * bars + 4)
		g->slot = 8 * bars + 4;
	g->barw = (g->slot - 4) / bars;
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
		    palette[s % NPALETTE]);
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

/*
 * A label under its slot: as much of it as LABEL_W columns hold (a
 * Chinese character takes two; the bars' tooltips have it whole),
 * slanted so that long ones fit.
 */
static void
chart_label(FILE *fp, int x, const char *label)
{
	const unsigned char *p = (const unsigned char *)label;
	char buf[4 * LABEL_W + 4];
	int w = 0;

	/* a character from U+1100 on (three bytes or more) is wide */
	for (; *p != '\0'; p++)
		if ((*p & 0xc0) != 0x80 && (w += *p >= 0xe1 ? 2 : 1) > LABEL_W)
			break;
	if (*p != '\0' && (size_t)((const char *)p - label) <
	    sizeof(buf) - 4) {
		snprintf(buf, sizeof(buf), "%.*s\xe2\x80\xa6",
		    (int)((const char *)p - label), label);
		label = buf;
	}
	fprintf(fp, "<text x=\"%d\" y=\"%d\" transform=\"rotate(-40 %d %d)\" "
	    "text-anchor=\"end\">", x, TOP + HEIGHT + 14, x, TOP + HEIGHT + 14);
	jf_html_text(fp, label);
	fputs("</text>\n", fp);
}

/* A figure above (or, below zero, under) a bar, where there is room. */
static void
chart_value(FILE *fp, const struct chart *g, int x, int y, int64_t v)
{
	if (v == 0 || g->barw < VALUE_W)
		return;
	fprintf(fp, "<text class=\"v\" x=\"%d\" y=\"%d\" "
	    "text-anchor=\"middle\">", x, v < 0 ? y + 12 : y - 3);
	axis_label(fp, v, g->money);
	fputs("</text>", fp);
}

/*
 * One bar of v from base (the y its end stands on), series s of label:
 * its value as data the page's tests read, and as a tooltip.
 */
static void
chart_rect(FILE *fp, const struct chart *g, int x, int64_t base, int64_t v,
    const char *label, const char *series, int s)
{
	int y0 = TOP + (int)((g->max - base) * HEIGHT / g->span);
	int y1 = TOP + (int)((g->max - base - v) * HEIGHT / g->span);

	fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
	    "fill=\"%s\" data-label=\"", x, y1 < y0 ? y1 : y0,
	    g->barw > 1 ? g->barw - 1 : 1, y1 < y0 ? y0 - y1 : y1 - y0,
	    palette[s % NPALETTE]);
	jf_html_text(fp, label);
	fputs("\" data-series=\"", fp);
	jf_html_text(fp, series);
	fputs("\" data-value=\"", fp);
	axis_label(fp, v, g->money);
	fputs("\"><title>", fp);
	jf_html_text(fp, label);
	fputs(" ", fp);
	jf_html_text(fp, series);
	fputs(": ", fp);
	axis_label(fp, v, g->money);
	fputs("</title></rect>", fp);
}

/* Label i's bars, side by side or stacked, and their figures. */
static void
chart_bars(FILE *fp, const struct chart *g, int i, const char *label,
    const char *const *series, const int64_t *values)
{
	int x0 = LEFT + i * g->slot + 2, mid = x0 + g->barw / 2;
	int64_t up = 0, down = 0;

	for (int s = 0; s < g->nseries; s++) {
		int64_t v = values[s * g->nlabels + i];
		int x = g->stack ? x0 : x0 + s * g->barw;

		if (!g->stack) {
			chart_rect(fp, g, x, 0, v, label, series[s], s);
			chart_value(fp, g, x + g->barw / 2, v < 0 ?
			    g->zero + (int)(-v * HEIGHT / g->span) :
			    g->zero - (int)(v * HEIGHT / g->span), v);
			continue;
		}
		chart_rect(fp, g, x, v < 0 ? down : up, v, label, series[s],
		    s);
		if (v < 0)
			down += v;
		else
			up += v;
	}
	if (g->stack) {
		chart_value(fp, g, mid, TOP + (int)((g->max - up) * HEIGHT /
		    g->span), up);
		chart_value(fp, g, mid, TOP + (int)((g->max - down) * HEIGHT /
		    g->span), down);
	}
	chart_label(fp, x0 + (g->stack ? g->barw : g->slot) / 2, label);
}

static void
chart(FILE *fp, struct chart *g, const char *title,
    const char *const *labels, const char *const *series,
    const int64_t *values)
{
	chart_scale(g, values);
	jf_html_heading(fp, title);
	chart_legend(fp, g->nseries, series);
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n<title>",
	    g->width, TOP + HEIGHT + BOTTOM, g->width, TOP + HEIGHT + BOTTOM);
	jf_html_text(fp, title);
	fputs("</title>\n", fp);
	chart_grid(fp, g);
	for (int i = 0; i < g->nlabels; i++)
		chart_bars(fp, g, i, labels[i], series, values);
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#666\"/>\n</svg>\n", LEFT, g->zero, g->width - 20,
	    g->zero);
}

void
jf_html_chart(FILE *fp, const char *title, int nlabels,
    const char *const *labels, int nseries, const char *const *series,
    const int64_t *values, int money)
{
	struct chart g = { .nlabels = nlabels, .nseries = nseries,
		.money = money };

	chart(fp, &g, title, labels, series, values);
}

void
jf_html_stack(FILE *fp, const char *title, int nlabels,
    const char *const *labels, int nseries, const char *const *series,
    const int64_t *values, int money)
{
	struct chart g = { .nlabels = nlabels, .nseries = nseries,
		.money = money, .stack = 1 };

	chart(fp, &g, title, labels, series, values);
}
