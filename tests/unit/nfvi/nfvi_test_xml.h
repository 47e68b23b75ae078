/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_test_xml.h: reading libvirt XML back in the nfvi-agent unit tests:
 * parse a document and evaluate XPath expressions on it (the "ep" prefix is
 * the agent's metadata namespace, "qemu" libvirt's QEMU namespace).
 * Include after <cmocka.h>.
 */
#ifndef NFVI_TEST_XML_H
#define NFVI_TEST_XML_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "nfvi.h"

struct doc {
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
};

static inline void
doc_parse(struct doc *d, const char *xml)
{
	d->doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL, XML_PARSE_NONET);
	if (d->doc == NULL)
		fail_msg("XML does not parse:\n%s", xml);
	d->ctx = xmlXPathNewContext(d->doc);
	assert_non_null(d->ctx);
	xmlXPathRegisterNs(d->ctx, BAD_CAST "ep", BAD_CAST NFVI_NS_VNF);
	xmlXPathRegisterNs(d->ctx, BAD_CAST "qemu",
			   BAD_CAST "http://libvirt.org/schemas/domain/qemu/1.0");
}

static inline void
doc_free(struct doc *d)
{
	xmlXPathFreeContext(d->ctx);
	xmlFreeDoc(d->doc);
}

/* Evaluate the XPath expression of @p fmt and @p ap (never NULL). */
static inline xmlXPathObjectPtr
xeval(struct doc *d, const char *fmt, va_list ap)
{
	char expr[512];
	xmlXPathObjectPtr o;

	vsnprintf(expr, sizeof(expr), fmt, ap);
	o = xmlXPathEvalExpression(BAD_CAST expr, d->ctx);
	assert_non_null(o);
	return o;
}

/* string(expr), "" when empty; into a static buffer */
static inline const char *
xs(struct doc *d, const char *fmt, ...)
{
	static char out[2048];
	xmlXPathObjectPtr o;
	va_list ap;

	va_start(ap, fmt);
	o = xeval(d, fmt, ap);
	va_end(ap);
	snprintf(out, sizeof(out), "%s", o->type == XPATH_STRING && o->stringval != NULL ?
		 (const char *)o->stringval : "");
	xmlXPathFreeObject(o);
	return out;
}

static inline long
xn(struct doc *d, const char *fmt, ...)
{
	xmlXPathObjectPtr o;
	va_list ap;
	long n;

	va_start(ap, fmt);
	o = xeval(d, fmt, ap);
	va_end(ap);
	assert_int_equal(o->type, XPATH_NUMBER);
	n = (long)o->floatval;
	xmlXPathFreeObject(o);
	return n;
}

#endif /* NFVI_TEST_XML_H */
