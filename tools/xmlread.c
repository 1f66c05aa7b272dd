/* XML through libarchive and xmlTextReader (see xmlread.h). */
#include "xmlread.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"

static int stream_read(void *ctx, char *buf, int len)
{
	struct xmlread *x = ctx;
	la_ssize_t n = archive_read_data(x->a, buf, (size_t)len);
	if (n < 0) {
		snprintf(x->archive_err, sizeof x->archive_err, "cannot decompress: %s", archive_error_string(x->a));
		return -1;
	}
	return (int)n;
}

static int stream_close(void *ctx)
{
	(void)ctx;
	return 0; /* the archive is freed with the reader, in xmlread_close() */
}

/* libxml2 reports through this; the first error is kept and the reader then stops. */
static void on_xml_error(void *arg, const char *msg, xmlParserSeverities severity,
			 xmlTextReaderLocatorPtr locator)
{
	struct xmlread *x = arg;
	if (x->xml_err[0] ||
	    (severity != XML_PARSER_SEVERITY_ERROR && severity != XML_PARSER_SEVERITY_VALIDITY_ERROR))
		return;
	snprintf(x->xml_err, sizeof x->xml_err, "%s", msg ? msg : "malformed XML");
	x->xml_err[strcspn(x->xml_err, "\n")] = 0;
	x->xml_err_line = locator ? xmlTextReaderLocatorLineNumber(locator) : 0;
}

void xmlread_open(struct xmlread *x, const char *path, const char *what)
{
	memset(x, 0, sizeof *x);
	x->path = path;
	x->what = what;
	x->a = archive_read_new();
	if (!x->a)
		die("out of memory");
	archive_read_support_filter_all(x->a);
	archive_read_support_format_raw(x->a);
	struct stat st;
	if (stat(path, &st) != 0)
		die_at(path, "%s", strerror(errno));
	if (st.st_size == 0)
		die_at(path, "empty file");
	if (archive_read_open_filename(x->a, path, 1 << 16) != ARCHIVE_OK)
		die_at(path, "cannot read it: %s", archive_error_string(x->a));
	struct archive_entry *e;
	int r = archive_read_next_header(x->a, &e);
	if (r == ARCHIVE_EOF)
		die_at(path, "empty file");
	if (r != ARCHIVE_OK)
		die_at(path, "cannot decompress: %s", archive_error_string(x->a));
	x->r = xmlReaderForIO(stream_read, stream_close, x, path, NULL,
			      XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
	if (!x->r)
		die_at(path, "cannot start the XML reader");
	xmlTextReaderSetErrorHandler(x->r, on_xml_error, x);
}

void xmlread_close(struct xmlread *x)
{
	xmlFreeTextReader(x->r);
	archive_read_free(x->a);
	x->r = NULL;
	x->a = NULL;
}

/* The line of the node the reader is on; the parser itself reads ahead by a buffer. */
int xmlread_line(struct xmlread *x)
{
	xmlNodePtr n = xmlTextReaderCurrentNode(x->r);
	long line = n ? xmlGetLineNo(n) : -1;
	return line > 0 ? (int)line : xmlTextReaderGetParserLineNumber(x->r);
}

/* A failed read: the decompressor's message, else libxml2's, with a line number. */
static _Noreturn void fail(struct xmlread *x)
{
	if (x->archive_err[0])
		die_at(x->path, "%s", x->archive_err);
	int line = x->xml_err_line ? x->xml_err_line : xmlread_line(x);
	/* libxml2's reader words an early end of file as "Extra content at the end of the
	 * document"; say what happened. */
	if (x->root &&
	    (!x->xml_err[0] || strstr(x->xml_err, "Extra content") || strstr(x->xml_err, "Premature end")))
		die_at(x->path, "line %d: the file ends before </%s>: truncated", line, x->root);
	if (x->xml_err[0])
		die_at(x->path, "line %d: %s", line, x->xml_err);
	die_at(x->path, "line %d: malformed XML", line);
}

bool xmlread_step(struct xmlread *x, bool skip_subtree)
{
	int r = skip_subtree ? xmlTextReaderNext(x->r) : xmlTextReaderRead(x->r);
	if (r < 0 || x->xml_err[0] || x->archive_err[0] || (r == 0 && x->root))
		fail(x);
	if (r == 1 && xmlTextReaderNodeType(x->r) == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(x->r) == 0)
		x->root = NULL;
	if (r == 1 && xmlTextReaderNodeType(x->r) == XML_READER_TYPE_DOCUMENT_TYPE)
		die_at(x->path, "a document type declaration (<!DOCTYPE ...> before the root element) has no place in %s",
		       x->what);
	return r == 1;
}

void xmlread_root(struct xmlread *x)
{
	while (xmlread_step(x, false))
		if (xmlTextReaderNodeType(x->r) == XML_READER_TYPE_ELEMENT) {
			if (!xmlTextReaderIsEmptyElement(x->r))
				x->root = (const char *)xmlTextReaderConstName(x->r);
			return;
		}
	die_at(x->path, "no XML elements: not %s", x->what);
}

bool xmlread_is(struct xmlread *x, int depth, const char *ns, const char *name)
{
	if (xmlTextReaderNodeType(x->r) != XML_READER_TYPE_ELEMENT || xmlTextReaderDepth(x->r) != depth)
		return false;
	const char *uri = (const char *)xmlTextReaderConstNamespaceUri(x->r);
	const char *local = (const char *)xmlTextReaderConstLocalName(x->r);
	return local && !strcmp(local, name) && (!ns || (uri && !strcmp(uri, ns)));
}

char *xmlread_text(struct xmlread *x, bool trim)
{
	xmlChar *t = xmlTextReaderIsEmptyElement(x->r) ? NULL : xmlTextReaderReadString(x->r);
	if (x->xml_err[0] || x->archive_err[0]) {
		xmlFree(t);
		fail(x);
	}
	const char *s = t ? (const char *)t : "";
	size_t n = strlen(s);
	if (trim) {
		static const char blanks[] = " \t\n\r";
		s += strspn(s, blanks);
		n = strlen(s);
		while (n && strchr(blanks, s[n - 1]))
			n--;
	}
	char *out = xstrndup(s, n);
	xmlFree(t);
	return out;
}

char *xmlread_attr(struct xmlread *x, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(x->r, (const xmlChar *)name);
	char *out = v ? xstrdup((const char *)v) : NULL;
	xmlFree(v);
	return out;
}
