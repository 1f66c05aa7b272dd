/* deb-index: a Packages index (plain or compressed, as libarchive reads it), split into its
 * stanzas, then the kernel listing with its Depends closures, by Debian's rules and Ubuntu's,
 * and the lookup of one package; then the same index as the build host's too (--host-index), as
 * for a cross-build. Seeds: tests/fixtures/debian and tests/fixtures/ubuntu. */
#include "fuzz.h"

#include <archive.h>
#include <ctype.h>

#include "../debversion.h"

#include "fuzz-own.h"
#define main deb_index_main
#include "../deb-index.c"
#undef main

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *flavours[] = { "amd64", "cloud-amd64", "rt-amd64" };
	const char *path = fuzz_file(0, data, size);
	struct index idx = { "distros/os-release/debian-12", "$(MIRROR_debian)", path, false };
	struct index host = { "distros/os-release/debian-12", "$(MIRROR_debian)", path, true };
	FUZZ_TRY {
		read_index(&idx);
		sort_pkgs();
		/* Debian with its flavours, Ubuntu with every flavour. */
		same_upload = false;
		print_kernels(false, "x86_64", flavours, 3);
		same_upload = true;
		print_kernels(true, "x86_64", NULL, 0);
		if (npkgs) {
			wanted_package = pkgs[npkgs / 2].name;
			print_package();
		}
		wanted_package = NULL;
		same_upload = false;
		free_pkgs();
		read_index(&idx);
		read_index(&host);
		sort_pkgs();
		have_host_indexes = true;
		print_kernels(false, "aarch64", NULL, 0);
	}
	wanted_package = NULL;
	same_upload = false;
	have_host_indexes = false;
	free_pkgs();
	fuzz_end();
	return 0;
}
