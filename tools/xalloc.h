/* Allocation that cannot fail quietly: the tools here have no way on without the memory. */
#ifndef XALLOC_H
#define XALLOC_H

#include <stddef.h>

/* Both print "<program>: out of memory" and exit 2 (never 1, which some tools return for a
 * plain "no", such as repo-query's "not in the index"). */
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
