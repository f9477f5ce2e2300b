// SPDX-License-Identifier: GPL-2.0
/*
 * counters.c - the device's global counters (counters.h).
 */
#include "counters.h"

struct vmarena_counters vmarena_counters;
