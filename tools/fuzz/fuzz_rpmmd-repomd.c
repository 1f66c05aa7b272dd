/* rpmmd-index repomd: a repomd.xml (plain or compressed) down to its primary's location, SHA-256
 * and size. Seeds: createrepo_c's repomd.xml of every compression (mk/fuzz-seeds.sh). */
#include "rpmmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[] = { (char *)fuzz_file(0, data, size), NULL };
	FUZZ_TRY {
		cmd_repomd(1, argv);
	}
	rpmmd_reset();
	fuzz_end();
	return 0;
}
