# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m m-7.2
# A peer's test suite: mainline's VFIO selftests (tools/testing/selftests/
# vfio of Linux 7.2, built by 'make vfio-selftests', run unmodified) on
# devices bound through the alias as driverctl and libvirt bind (the
# override "vfio-pci", then a probe): edu and the NVMe PF go to their test
# variants (edu-vfio-best, nvme-pf-vfio), QEMU's pci-testdev, which no
# variant takes, to vfio-pci itself. On the 7.2 kernel and on 6.12. (Their
# setup.sh writes vfio-pci's bind file after the override, which binds
# vfio-pci itself: vfio-selftests-setup.sh.)
#
# Every result of theirs is one of ours. What they cannot do here, and why:
#  - vfio_pci_driver_test drives a device through a driver plug-in of
#    libvfio; 7.2.13 has plug-ins for Intel DSA and IOAT only, so on these
#    devices it exits 4 (KSFT_SKIP) with "No driver found": asserted.
#  - reset, MSI and MSI-X skip where QEMU's device has none (edu and
#    pci-testdev have no reset, pci-testdev no interrupts); the NVMe PF has
#    FLR and MSI-X and edu MSI, and there they must run (KSFT_RUN).
#  - 1 GiB hugetlb mappings skip: the test kernel has no 1 GiB pages at
#    run time (no CONFIG_CONTIG_ALLOC), and hugepagesz=1G hugepages=1 at
#    boot finds no free aligned GiB in 4 GiB beside the memory the NVLink2
#    simulation reserves (tried: "allocating 1 of page size 1.00 GiB failed").
#  - On 6.12 the type1 backend answers a mapping that overflows the IOVA
#    space with -EINVAL; 7.2's (the overflow checks of 6.18) with
#    -EOVERFLOW, which vfio_dma_map_limit_test.*.overflow asserts; and 6.12
#    cannot take a VF token when a device cdev binds to iommufd
#    (VFIO_DEVICE_BIND_FLAG_TOKEN came in 6.19), which the iommufd cases of
#    the SR-IOV test use: expected failures there, by name. Everything else
#    passes on 6.12 too.
# The SR-IOV UAPI test creates a VF of a PF it opens and asserts that the
# VF is on "vfio-pci". With the alias, a user-owned PF stamps "vfio-pci"
# into its VFs' driver_override (patch 11 of the series; a stock kernel
# stamps the PF driver's name), which binds the best vfio driver for the
# VF: the test variant nvme-vf-vfio, and the test stops at that assertion,
# by design. With the VF variant ranked below vfio-pci (override_priority
# -1, the escape hatch), the VF binds vfio-pci and the test runs in full.
. "$VV_TOP/tests/vm/lib.sh"
need_modules "the test variants as modules"

st=$VV_TOP/build/vfio-selftests
[ -x "$st/vfio_pci_sriov_uapi_test" ] ||
	{ ok 1 "the VFIO selftests are built (make vfio-selftests)"; done_testing; exit; }
base=6.12
case $(uname -r) in 7.2.*) base=7.2 ;; esac
diag "kernel $(uname -r): the $base expectations"

# their DMA mapping tests map 2 MiB hugetlb pages
echo 16 >/proc/sys/vm/nr_hugepages
is "$(cat /proc/sys/vm/nr_hugepages)" 16 "16 hugetlb pages of 2 MiB reserved"

edu=$(find_dev 1234 11e8)
tdev=$(find_dev 1b36 0005)
pf=$(find_dev 1b36 0010)
load vfio-pci vv_edu_vfio_best vv_edu_vfio_alt vv_nvme_pf_vfio vv_nvme_vf_vfio
for d in $edu $tdev $pf; do
	rebind "$d" vfio-pci
done
is "$(driver_of "$edu") $(driver_of "$tdev") $(driver_of "$pf")" \
	"edu-vfio-best vfio-pci nvme-pf-vfio" \
	"through \"vfio-pci\": edu on its best variant, pci-testdev on vfio-pci, the NVMe PF on its variant"

KSFT_XFAIL=()
if [ $base = 6.12 ]; then
	KSFT_XFAIL["vfio_dma_map_limit_test.vfio_type1*_iommu.overflow"]="6.12's type1 returns -EINVAL, not -EOVERFLOW"
fi
for d in "$edu edu-vfio-best" "$tdev vfio-pci" "$pf nvme-pf-vfio"; do
	set -- $d
	KSFT_RUN=()
	case $2 in
	edu-vfio-best) KSFT_RUN["vfio_pci_irq_test.msi.*"]="edu has MSI" ;;
	nvme-pf-vfio)
		KSFT_RUN["vfio_pci_device_test.reset"]="QEMU's NVMe has FLR"
		KSFT_RUN["vfio_pci_irq_test.msix.*"]="QEMU's NVMe has MSI-X"
		;;
	esac
	for t in vfio_pci_device_test vfio_dma_mapping_test vfio_dma_mapping_mmio_test \
		vfio_iommufd_setup_test vfio_pci_device_init_perf_test; do
		ksft_include "$t on $2" "$st/$t" "$1"
	done
	out=$("$st/vfio_pci_driver_test" "$1" 2>&1)
	is "$? $out" "4 No driver found for device $1" \
		"vfio_pci_driver_test on $2: no libvfio plug-in for this device (KSFT_SKIP)"
done
KSFT_XFAIL=() KSFT_RUN=()

# SR-IOV: the VF of a user-owned PF gets "vfio-pci" and binds its variant
sriov_out=$("$st/vfio_pci_sriov_uapi_test" "$pf" 2>&1)
rc=$?
case $sriov_out in
*'strcmp(vf_driver, "vfio-pci") == 0'*) stopped=yes ;;
*) stopped=no ;;
esac
is "$rc $stopped" "1 yes" \
	"vfio_pci_sriov_uapi_test stops at its assertion that the VF is on vfio-pci"
[ $stopped = yes ] || diag "$sriov_out"
echo 1 >$SYS_PCI/devices/$pf/sriov_numvfs
vf=$(basename "$(readlink $SYS_PCI/devices/$pf/virtfn0)")
is "$(cat $SYS_PCI/devices/$vf/driver_override) $(driver_of "$vf")" "vfio-pci nvme-vf-vfio" \
	"because the VF's override is \"vfio-pci\" and its best vfio driver the VF variant"
echo 0 >$SYS_PCI/devices/$pf/sriov_numvfs

# Opening the PF resets it (FLR), and QEMU's NVMe then drops its VFs: the
# VF reads all-ones ("D3cold ... inaccessible") and every test after it
# times out or finds its group busy, with the PF on vfio-pci as on a
# variant. Root turns the PF's reset off (reset_method, PCI sysfs ABI).
echo "" >$SYS_PCI/devices/$pf/reset_method
echo -1 >$SYS_PCI/drivers/nvme-vf-vfio/override_priority
KSFT_XFAIL=()
[ $base = 6.12 ] && KSFT_XFAIL["vfio_pci_sriov_uapi_test.iommufd_[!c]*"]="6.12 has no VF token for a cdev bound to iommufd (VFIO_DEVICE_BIND_FLAG_TOKEN, 6.19): bind fails -EINVAL"
ksft_include "vfio_pci_sriov_uapi_test, VF variant ranked below vfio-pci" \
	"$st/vfio_pci_sriov_uapi_test" "$pf"
echo 15 >$SYS_PCI/drivers/nvme-vf-vfio/override_priority
echo default >$SYS_PCI/devices/$pf/reset_method

for d in $edu $tdev $pf; do
	rebind "$d" ""
done
done_testing
