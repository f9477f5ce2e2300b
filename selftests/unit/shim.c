// SPDX-License-Identifier: GPL-2.0
/*
 * shim.c - the state behind shim.h, linked into every unit test.
 */
#include "shim.h"

unsigned long shim_warnings;
unsigned long shim_errors;
