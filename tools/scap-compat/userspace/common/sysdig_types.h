/* Stand-in for userspace/common/sysdig_types.h, which the 2021 driver trees (Falco 0.28-0.31)
 * include from ppm_events_public.h where later ones include types.h: the same thing under its
 * older name (see types.h). */
#pragma once
#include "types.h"
