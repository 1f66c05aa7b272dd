/* rpmmd-index listing: a primary file (plain or compressed) streamed through libxml2's reader,
 * its kernel-devel and UEK packages kept, their URLs resolved against a base, and the listing
 * lines with their image packages. Seeds: createrepo_c's primary files (mk/fuzz-seeds.sh). */
#include "rpmmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Amazon Linux's base (packages climb out of it into the blobstore) and UEK's name. */
	char *argv[] = { "--name", "kernel-devel", "--name", "kernel-uek-devel", "--repo",
			 "distros/os-release/amzn-2", "$(MIRROR_amazonlinux2)/2/core/2.0/x86_64/c0ffee01",
			 (char *)fuzz_file(0, data, size), NULL };
	FUZZ_TRY {
		cmd_listing(8, argv);
		/* cmd_listing freed these, and left the pointers: the next run starts afresh. */
		pkgs = NULL, names = arches = image_names = NULL;
	}
	rpmmd_reset();
	fuzz_end();
	return 0;
}
