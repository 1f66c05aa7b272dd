/* cos-index headers and source: a kernel-headers.tgz or kernel-src.tar.gz (any compression
 * libarchive reads) down to its tree, UTS_RELEASE and UTS_VERSION, or to the release its
 * Makefile, localversion files and configuration make. Seeds: such archives made with tar
 * (mk/fuzz-seeds.sh). */
#include "cos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(0, data, size);
	char *headers[] = { (char *)path, NULL }, *source[] = { (char *)path, NULL };
	FUZZ_TRY {
		do_headers(1, headers);
	}
	fuzz_end();
	FUZZ_TRY {
		do_source(1, source);
	}
	cur_file = NULL;
	fuzz_end();
	return 0;
}
