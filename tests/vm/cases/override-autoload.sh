# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m y m-7.2
# Writing "vfio-pci" to driver_override loads the modules whose vfio_pci:
# aliases match the device, before the write returns. A device bound to its
# native driver keeps it until reprobed; an unbound device binds the best of
# the new modules when the write returns, as it would have bound the first
# of them to load on the stock kernel. pci=no_override_autoload turns it
# off (override-noautoload).
# Not on m-debug: the debug kernel runs the same paths in
# override-stock-flows, override-concurrency and core-rank.
. "$VV_TOP/tests/vm/lib.sh"
need_modules "module autoload"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
now() { date +%s%N; }

for bound in native none; do
	rebind "$bdf" ""
	unload_edu
	if [ $bound = native ]; then
		modprobe vv_edu_native
		echo "$bdf" >$SYS_PCI/drivers_probe
	fi
	is "$(driver_of "$bdf")" "$( [ $bound = native ] && echo edu-native || echo none)" \
		"start: device bound to $bound, no vfio module loaded"
	t0=$(now)
	set_override "$bdf" vfio-pci
	t1=$(now)
	ok "$(loaded vv_edu_vfio_best && loaded vv_edu_vfio_alt && loaded vfio_pci; echo $?)" \
		"the write loaded vfio_pci and both variants ($(( (t1 - t0) / 1000 )) us)"
	is "$(driver_of "$bdf")" "$( [ $bound = native ] && echo edu-native || echo edu-vfio-best)" \
		"after the write: $( [ $bound = native ] && echo "the native driver kept it" ||
			echo "the unbound device got the best of the new modules")"
	unbind "$bdf"
	echo "$bdf" >$SYS_PCI/drivers_probe
	is "$(driver_of "$bdf")" edu-vfio-best "drivers_probe binds the best autoloaded variant"
done

# with the variants already loaded, the write costs no module load
t0=$(now); set_override "$bdf" vfio-pci; t1=$(now)
diag "override write with the modules already loaded: $(( (t1 - t0) / 1000 )) us"

rebind "$bdf" ""
unload_edu
set_override "$bdf" nonexistent-driver
ok "$(! loaded vfio_pci; echo $?)" "an override nobody answers to loads nothing"
rebind "$bdf" ""
done_testing
