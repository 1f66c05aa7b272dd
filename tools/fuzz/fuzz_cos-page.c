/* cos-index page: one ListBucketResult page of the cos-tools bucket, read as build ids and as
 * objects, with its next marker. Seeds: pages tests/lib/cos-bucket.py serves (mk/fuzz-seeds.sh). */
#include "cos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(0, data, size);
	char *builds[] = { "--builds", (char *)path, NULL }, *objects[] = { (char *)path, NULL };
	FUZZ_TRY {
		do_page(2, builds);
	}
	fuzz_end();
	FUZZ_TRY {
		do_page(1, objects);
	}
	cur_file = NULL;
	fuzz_end();
	return 0;
}
