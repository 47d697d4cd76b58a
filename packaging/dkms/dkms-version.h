/* SPDX-License-Identifier: GPL-2.0-only */
/* Included into each source file of the DKMS build (Kbuild): its version. */
#include <linux/module.h>
MODULE_VERSION(VV_DKMS_VERSION);
