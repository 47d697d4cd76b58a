# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m m-7.2
# 40 override / unbind / reprobe cycles (100 in 'make stress', on the debug
# kernel), alternating between the alias, an exact name and no override,
# each ending in the state the rules give. Every alias cycle first unloads
# the two variants, and the override write loads them again (10 unload/load
# cycles). Not on =y: without modules its cycles are override-rank's.
. "$VV_TOP/tests/vm/lib.sh"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt vv_edu_native; do load $m; done
n=40
[ "$VV_STRESS" = 1 ] && n=100
wrong=0 reloads=0
for i in $(seq 1 $n); do
	case $((i % 4)) in
	0) want=edu-vfio-best unloaded=0
	   have_modules && rmmod vv_edu_vfio_best vv_edu_vfio_alt && unloaded=1
	   rebind "$bdf" vfio-pci
	   [ $unloaded = 1 ] && loaded vv_edu_vfio_best && loaded vv_edu_vfio_alt &&
		   reloads=$((reloads + 1)) ;;
	1) want=edu-native; rebind "$bdf" "" ;;
	2) want=edu-vfio-alt; rebind "$bdf" edu-vfio-alt ;;
	3) want=vfio-pci; decline vv_edu_vfio_best 1; decline vv_edu_vfio_alt 1
	   rebind "$bdf" vfio-pci; decline vv_edu_vfio_best 0; decline vv_edu_vfio_alt 0 ;;
	esac
	got=$(driver_of "$bdf")
	if [ "$got" != "$want" ]; then
		wrong=$((wrong + 1))
		diag "cycle $i: got $got, want $want"
	fi
done
is "$wrong" 0 "$n cycles, each ends bound to the expected driver"
if have_modules; then
	is "$reloads" $((n / 4)) "$((n / 4)) of them unloaded both variants, and the override write loaded them again"
else
	skip "CONFIG_MODULES=n in this kernel (=y flavour): nothing to unload" \
		"$((n / 4)) of them unloaded both variants, and the override write loaded them again"
fi
rebind "$bdf" vfio-pci
tap_include "usable after the cycles" "$VV_BIN/vfio-edu" "$bdf"
rebind "$bdf" ""
done_testing
