/* Stand-in for falcosecurity/libs' userspace/common/types.h, which a driver's
 * ppm_events_public.h includes as "../userspace/common/types.h" outside the kernel. Debian's
 * falcosecurity-scap-dkms ships the driver tree alone, so tools/scap-tables.c is compiled with
 * -I tools/scap-compat/userspace: that relative include then lands here. A full libs tree
 * finds its own file first (next to the driver directory). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
