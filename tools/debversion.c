#include "debversion.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* '~' sorts before everything, even the end of a part; letters before non-letters. */
static int order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

static int compare_part(const char *a, const char *ae, const char *b, const char *be)
{
	while (a < ae || b < be) {
		int diff = 0;
		while ((a < ae && !isdigit((unsigned char)*a)) || (b < be && !isdigit((unsigned char)*b))) {
			int ac = a < ae ? order((unsigned char)*a) : 0;
			int bc = b < be ? order((unsigned char)*b) : 0;
			if (ac != bc)
				return ac - bc;
			a += a < ae, b += b < be;
		}
		while (a < ae && *a == '0')
			a++;
		while (b < be && *b == '0')
			b++;
		while (a < ae && isdigit((unsigned char)*a) && b < be && isdigit((unsigned char)*b)) {
			if (!diff)
				diff = *a - *b;
			a++, b++;
		}
		if (a < ae && isdigit((unsigned char)*a))
			return 1;
		if (b < be && isdigit((unsigned char)*b))
			return -1;
		if (diff)
			return diff;
	}
	return 0;
}

struct parts {
	unsigned long epoch;
	const char *up, *up_end, *rev, *rev_end;
};

static struct parts split(const char *v)
{
	struct parts p = { 0, v, v + strlen(v), NULL, NULL };
	const char *colon = strchr(v, ':');
	if (colon) {
		p.epoch = strtoul(v, NULL, 10);
		p.up = colon + 1;
	}
	const char *dash = strrchr(p.up, '-');
	if (dash) {
		p.up_end = dash;
		p.rev = dash + 1;
		p.rev_end = dash + 1 + strlen(dash + 1);
	} else {
		p.rev = p.rev_end = p.up_end;
	}
	return p;
}

int debversion_compare(const char *a, const char *b)
{
	struct parts x = split(a), y = split(b);
	if (x.epoch != y.epoch)
		return x.epoch < y.epoch ? -1 : 1;
	int c = compare_part(x.up, x.up_end, y.up, y.up_end);
	return c ? c : compare_part(x.rev, x.rev_end, y.rev, y.rev_end);
}

bool debversion_satisfies(const char *version, const char *op, const char *ref)
{
	int c = debversion_compare(version, ref);
	if (!strcmp(op, "<<"))
		return c < 0;
	if (!strcmp(op, "<=") || !strcmp(op, "<"))
		return c <= 0;
	if (!strcmp(op, "=="))
		return c == 0;
	if (!strcmp(op, "="))
		return c == 0;
	if (!strcmp(op, ">=") || !strcmp(op, ">"))
		return c >= 0;
	if (!strcmp(op, ">>"))
		return c > 0;
	return false;
}
