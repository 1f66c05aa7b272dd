/* The cos-index source under the harnesses' tracking (fuzz.h), with xmlread's. */
#include "fuzz.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <libxml/xmlreader.h>
#include <sys/stat.h>

#include "../xmlread.h"

#include "fuzz-own.h"
#include "../xmlread.c"
#define main cos_index_main
#include "../cos-index.c"
#undef main

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	LIBXML_TEST_VERSION
	return 0;
}
