#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The NVLink2 variants for the platform they are for: cross-compile them
# (and the powernv file the series touches) for ppc64le powernv with KVM
# HV, W=1, with Debian's gcc-powerpc64le-linux-gnu. A compile check: no
# POWER9 machine runs them here. The harness self-test builds broken inputs
# instead (VV_PPC64LE_TARGETS; see kbuild_ok in tests/vm/lib.sh).
# VV_BASE=7.2 does it in the 7.2 tree.
# vv-bases: 6.12 7.2
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/vm/lib.sh"
. "$top/kernel/scripts/base.sh"
vv_base "${VV_BASE:-6.12}"
sfx=$([ "$base" = 6.12 ] || echo "-$base")
obj=$top/build/obj-ppc64le$sfx
cross=powerpc64le-linux-gnu-
if ! command -v ${cross}gcc >/dev/null; then
	skip "${cross}gcc is not installed (make deps)" "ppc64le compile check"
	done_testing
	exit
fi
kmake=(make -s -C "$tree" O="$obj" ARCH=powerpc CROSS_COMPILE=$cross -j"$(nproc)" "$vv_kpin")
# depend mode: see kernel/scripts/build.sh
command -v ccache >/dev/null && kmake+=(CC="ccache ${cross}gcc") &&
	export CCACHE_BASEDIR=$top CCACHE_DEPEND=1

mkdir -p "$obj"
frag=$top/kernel/configs/ppc64le.config
if [ ! -f "$obj/.config" ] || ! cmp -s "$frag" "$obj/.vv-fragment" ||
	[ "$tree/.git/vv-series" -nt "$obj/.config" ]; then
	"${kmake[@]}" tinyconfig >/dev/null &&
		(cd "$tree" && KCONFIG_CONFIG=$obj/.config scripts/kconfig/merge_config.sh \
			-m -O "$obj" "$obj/.config" "$frag" >/dev/null) &&
		"${kmake[@]}" olddefconfig >/dev/null
	ok $? "configure ppc64le powernv (tinyconfig + ppc64le.config)"
	cp "$frag" "$obj/.vv-fragment"
fi
missing=$(grep -v '^#' "$frag" | grep -vxF -f "$obj/.config")
ok "$([ -z "$missing" ]; echo $?)" "every ppc64le.config symbol is set"
[ -z "$missing" ] || echo "$missing" | sed 's/^/# missing: /'

"${kmake[@]}" prepare >/dev/null 2>&1
ok $? "prepare the ppc64le tree"
for t in ${VV_PPC64LE_TARGETS-arch/powerpc/platforms/powernv/opal.o arch/powerpc/platforms/powernv/opal-call.o vfio-variant/drivers/vfio/pci/nvlink2/}; do
	kbuild_ok "ppc64le W=1 compile: $t" "$t" "${kmake[@]}" W=1
done
# the self-test's inputs (VV_PPC64LE_TARGETS) are not the variants
[ -z "${VV_PPC64LE_TARGETS+set}" ] || { done_testing; exit; }
for m in nvlink2gpu-vfio-pci npu2-vfio-pci; do
	f=$obj/vfio-variant/drivers/vfio/pci/nvlink2/${m}.o
	readelf -h "$f" 2>/dev/null | grep -q "Machine: *PowerPC64" &&
		readelf -h "$f" | grep -q "little endian"
	ok $? "$m.o is a ppc64le object"
done
# on powernv the GPU variant calls OPAL itself (strongly: no stand-in) and
# registers GPU RAM with the sPAPR TCE memory tracker
gpu=$obj/vfio-variant/drivers/vfio/pci/nvlink2/nvlink2gpu.o
for sym in opal_npu_map_lpar opal_npu_init_context opal_npu_destroy_context \
	mm_iommu_newdev mm_iommu_put; do
	nm "$gpu" 2>/dev/null | grep -q " U $sym\$"
	ok $? "on powernv nvlink2gpu-vfio-pci calls $sym"
done
done_testing
