/* rpmmd-index mirrorlist: a yum mirror list's first mirror, $basearch filled in, and the
 * rewriting of a CDN's URL to a copy's. Seeds: Amazon Linux 2's mirror.list lines. */
#include "rpmmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(0, data, size);
	char *plain[] = { "--basearch", "x86_64", (char *)path, NULL };
	char *copy[] = { "--basearch", "aarch64", "--mirror", "MIRROR_amazonlinux2=http://127.0.0.1:8080/al2/",
			 "--origin", "https://cdn.amazonlinux.com", (char *)path, NULL };
	FUZZ_TRY {
		cmd_mirrorlist(3, plain);
	}
	fuzz_end();
	FUZZ_TRY {
		cmd_mirrorlist(7, copy);
	}
	rpmmd_reset();
	fuzz_end();
	return 0;
}
