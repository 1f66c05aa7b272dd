/* An XML file read node by node with libxml2's xmlTextReader, decompressed on the way by
 * libarchive (plain, .gz, .xz, .zst, .bz2...), so that a file of hundreds of megabytes is read in
 * bounded memory. Any error ends the program with a message that names the file and the line:
 * "<prog>: <file>: line <n>: <what went wrong>". No network, no DTD, no entities: the files
 * read here are data from mirrors, not programs. */
#ifndef XMLREAD_H
#define XMLREAD_H

#include <archive.h>
#include <libxml/xmlreader.h>
#include <stdbool.h>

struct xmlread {
	xmlTextReaderPtr r; /* for libxml2's node accessors (xmlTextReaderNodeType...) */
	const char *path;
	const char *what; /* what the file should be, for messages: "an rpm-md primary file" */
	const char *root; /* the root element's name while it is open */
	struct archive *a;
	char archive_err[512]; /* a decompression error, reported instead of libxml's echo of it */
	char xml_err[512];     /* libxml2's first error */
	int xml_err_line;
};

void xmlread_open(struct xmlread *x, const char *path, const char *what);
void xmlread_close(struct xmlread *x);

/* The next node (or, with skip_subtree, the next one after the current node's subtree); false at
 * the end of the document. A document type declaration is refused. */
bool xmlread_step(struct xmlread *x, bool skip_subtree);
/* Steps to the root element, which must exist. */
void xmlread_root(struct xmlread *x);
/* The line of the current node. */
int xmlread_line(struct xmlread *x);

/* Whether the current node is the element NAME at DEPTH, in namespace NS (NULL: any). */
bool xmlread_is(struct xmlread *x, int depth, const char *ns, const char *name);
/* The current element's text ("" for an empty element), with blanks around it removed where
 * trim is set; malloc'd. The reader stays on the element. */
char *xmlread_text(struct xmlread *x, bool trim);
/* The current element's attribute NAME (malloc'd), or NULL. */
char *xmlread_attr(struct xmlread *x, const char *name);

#endif
