/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forced into every object of the VFIO selftests of Debian's
 * linux-source-7.2 (7.2.13), which do not build as shipped: a backported
 * commit makes lib/vfio_pci_device.c call calloc_assert(), which that
 * source does not define. Defined here as mainline's libvfio has it: an
 * allocation that cannot fail quietly.
 */
#ifndef VV_VFIO_SELFTESTS_FIXUP_H
#define VV_VFIO_SELFTESTS_FIXUP_H
#include <stdio.h>
#include <stdlib.h>

static inline void *calloc_assert(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb, size);

	if (!p) {
		fprintf(stderr, "calloc(%zu, %zu) failed\n", nmemb, size);
		exit(1);
	}
	return p;
}
#endif
