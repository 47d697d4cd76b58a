# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m m-debug m-7.2
# SR-IOV under the alias, on QEMU's emulated NVMe controller with two VFs
# behind the emulated IOMMU. A PF bound to a vfio-pci driver makes
# vfio-pci-core write an override into each new VF: with the alias it is
# "vfio-pci" when the PF's driver answers to it, so that each VF gets its
# own best vfio driver (the PF's variant may not take VFs at all), and
# never a native driver. A PF on base vfio-pci with no VF variant gives
# VFs bound to "vfio-pci", which mainline's vfio_pci_sriov_uapi_test expects.
# Not on =y: the same code as on =m, where neither module loading nor the
# link order is in its path (=y runs the binding tests: ranks, escape,
# load order, autoload, nvlink2).
. "$VV_TOP/tests/vm/lib.sh"

pf=$(find_dev 1b36 0010) || { ok 1 "NVMe controller with SR-IOV present"; done_testing; exit; }
ok 0 "NVMe PF at $pf, $(cat $SYS_PCI/devices/$pf/sriov_totalvfs) VFs possible"
for m in vfio-pci vv_nvme_pf_vfio vv_nvme_vf_vfio; do load $m; done
vfs() { local v; for v in $SYS_PCI/devices/$pf/virtfn*; do basename "$(readlink "$v")"; done; }
numvfs() { echo "$1" >$SYS_PCI/devices/$pf/sriov_numvfs; }
wait_bound() { local i; for i in $(seq 50); do [ "$(driver_of "$1")" != none ] && break; sleep 0.1; done; driver_of "$1"; }

rebind "$pf" vfio-pci
is "$(driver_of "$pf")" nvme-pf-vfio "the PF binds its variant through vfio-pci"
numvfs 2
ok $? "two VFs enabled on the PF bound to nvme-pf-vfio"
n=0
for vf in $(vfs); do
	n=$((n + 1))
	is "$(cat $SYS_PCI/devices/$vf/driver_override)" vfio-pci "VF $vf inherits driver_override 'vfio-pci'"
	is "$(wait_bound "$vf")" nvme-vf-vfio "VF $vf binds the VF variant, its own best"
done
is "$n" 2 "two VFs appeared"
! dmesg | grep -q "while PF bound to driver"
ok $? "no warning that a VF's driver differs from the PF's"
numvfs 0

# PF on base vfio-pci, no variant for VFs: VFs bind vfio-pci
decline vv_nvme_pf_vfio 1
decline vv_nvme_vf_vfio 1
rebind "$pf" vfio-pci
is "$(driver_of "$pf")" vfio-pci "PF on base vfio-pci (both variants decline)"
numvfs 2
for vf in $(vfs); do
	is "$(wait_bound "$vf")" vfio-pci "VF $vf on vfio-pci, as vfio_pci_sriov_uapi_test asserts"
done
numvfs 0
decline vv_nvme_pf_vfio 0
decline vv_nvme_vf_vfio 0

if have_modules; then
	# the VF variant asynchronous: the VF's initial probe still picks it
	rmmod vv_nvme_vf_vfio
	modprobe vv_nvme_vf_vfio async_probe=1
	rebind "$pf" vfio-pci
	numvfs 2
	for vf in $(vfs); do
		is "$(wait_bound "$vf")" nvme-vf-vfio "VF $vf: an asynchronous VF variant wins over sync vfio-pci"
	done
	numvfs 0
	rmmod vv_nvme_vf_vfio
	modprobe vv_nvme_vf_vfio
else
	skip "=y: no module parameter makes a built-in driver asynchronous" \
		"an asynchronous VF variant wins the VF's initial probe"
fi
rebind "$pf" ""
done_testing
