# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m unpatched
# vv-upstream: vfio-selftests
# A peer's tooling that binds by the name "vfio-pci": the VFIO selftests'
# own setup and cleanup scripts (Linux 7.2, tools/testing/selftests/vfio/
# scripts, from Debian's linux-source-7.2) on edu, which has test variants.
# setup.sh unbinds the native driver, writes "vfio-pci" to driver_override
# and then the device to vfio-pci's bind file (set -e): it must end on
# vfio-pci itself, the exact driver it asked for, with or without the
# variants loaded, as on the unpatched kernel booted in the same run.
# cleanup.sh must give the device back to its native driver.
. "$VV_TOP/tests/vm/lib.sh"
need_modules "the edu drivers as modules"

scripts=$VV_TOP/build/upstream/vfio-selftests/scripts
[ -r "$scripts/setup.sh" ] || { ok 1 "the VFIO selftests' scripts are in build/upstream (kernel/scripts/upstream.sh)"; done_testing; exit; }
bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
export TMPDIR=/run

round() { # WHAT
	local out rc
	out=$(bash "$scripts/setup.sh" "$bdf" 2>&1)
	rc=$?
	is "$rc $(driver_of "$bdf")" "0 vfio-pci" "$1: setup.sh succeeds and leaves $bdf on vfio-pci"
	[ $rc = 0 ] || diag "$out"
	is "$(cat $SYS_PCI/devices/$bdf/driver_override)" vfio-pci "$1: driver_override reads vfio-pci"
	tap_include "$1: vfio-edu" "$VV_BIN/vfio-edu" "$bdf"
	out=$(bash "$scripts/cleanup.sh" 2>&1)
	rc=$?
	is "$rc $(driver_of "$bdf") $(cat $SYS_PCI/devices/$bdf/driver_override)" "0 edu-native (null)" \
		"$1: cleanup.sh gives it back to edu-native and clears the override"
	[ $rc = 0 ] || diag "$out"
}

rebind "$bdf" ""
unload_edu
modprobe vv_edu_native
modprobe vfio-pci
echo "$bdf" >$SYS_PCI/drivers_probe
is "$(driver_of "$bdf")" edu-native "edu on its native driver, vfio-pci loaded, no variant loaded"
round "no variant loaded"
if [ "$VV_FLAVOUR" != unpatched ]; then
	is "$(ls -d /sys/module/vv_edu_vfio_* 2>/dev/null | wc -l)" 2 \
		"the override write loaded the edu variants (they did not take the device)"
	round "variants loaded"
fi
rebind "$bdf" ""
done_testing
