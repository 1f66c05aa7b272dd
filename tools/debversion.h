/* Debian package version ordering (deb-version(7)), as dpkg and apt apply it. */
#ifndef DEBVERSION_H
#define DEBVERSION_H

#include <stdbool.h>

/* <0, 0, >0 as a is older than, the same as, or newer than b. */
int debversion_compare(const char *a, const char *b);

/* Whether version satisfies the relation op ("<<", "<=", "=", ">=", ">>", and the obsolete
 * "<" and ">", which mean <= and >=) to ref. */
bool debversion_satisfies(const char *version, const char *op, const char *ref);

#endif
