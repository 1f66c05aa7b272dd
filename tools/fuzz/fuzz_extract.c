/* extract: a package or archive (a .deb's ar and data.tar.*, an rpm's cpio, tar, cpio, in every
 * compression libarchive reads) unpacked into a scratch directory, with its refusals: paths,
 * links and entries that would leave it, devices, and the limits of decompression bombs. The tree is removed after each input. Seeds: packages
 * and archives made with dpkg-deb, rpmbuild, tar and cpio (mk/fuzz-seeds.sh). */
#include "fuzz.h"

#include <archive.h>
#include <archive_entry.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include "fuzz-own.h"
#define main extract_main
#include "../extract.c"
#undef main

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dest[4200];
	static const char *exclude[] = { "usr/src/*/arch/arm/*" };
	/* extract() works in its destination; libFuzzer names its files from where it started. */
	static int top = -1;
	if (top < 0) {
		top = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (top < 0)
			abort();
		fuzz_keep_fd(top);
		snprintf(dest, sizeof dest, "%s/dest", fuzz_scratch());
	}
	archive_path = fuzz_file(0, data, size);
	int fd = open(archive_path, O_RDONLY | O_CLOEXEC);
	excludes = exclude, nexcludes = 1, quiet = true;
	/* The limits' logic at sizes a fuzzer can reach in its time: a mutated size field asks
	 * for gigabytes, which at the real limits would be written (sparse) before a refusal. */
	max_bytes = 16 << 20, max_file_bytes = 4 << 20, ratio_floor = 1 << 20, max_entries = 20000;
	FUZZ_TRY {
		extract(fd, dest);
	}
	close(fd);
	/* Released in the destination: a writer the tool still held applies its deferred directory
	 * modes there, by relative path, when it is freed. */
	fuzz_end();
	if (fchdir(top) != 0)
		abort();
	fuzz_rm_tree(dest);
	return 0;
}
