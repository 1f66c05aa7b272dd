/* The rpmmd-index source under the harnesses' tracking (fuzz.h), with xmlread's. */
#include "fuzz.h"

#include <archive.h>
#include <libxml/xmlreader.h>
#include <sys/stat.h>

#include "../xmlread.h"

#include "fuzz-own.h"
#include "../xmlread.c"
#define main rpmmd_index_main
#include "../rpmmd-index.c"
#undef main

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	LIBXML_TEST_VERSION
	return 0;
}

/* cmd_listing's state, as a first run finds it. */
static void rpmmd_reset(void)
{
	free(pkgs), free(names), free(arches), free(image_names);
	pkgs = NULL, names = arches = image_names = NULL;
	npkgs = nnames = narches = nimage_names = 0;
	cur_file = NULL;
}
