# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m unpatched m-7.2
# What an override write asks modprobe for. Only a value that override-only
# ids answer to ("vfio-pci", whose ids modpost turns into vfio_pci: aliases)
# loads modules, and only those matching the device; "none", "pci-stub",
# "pci", a driver's own name and a value nobody answers to ask for nothing,
# as on the stock kernel, which asks for nothing at all. The switch is a
# pci= option (see override-noautoload), not a module parameter.
# Not on m-debug in make check (make stress runs it there): the writes it
# makes go through the same store and module requests as
# override-stock-flows' and override-concurrency's, which the debug kernel
# runs.
. "$VV_TOP/tests/vm/lib.sh"
need_modules "module autoload"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
rebind "$bdf" ""
unload_edu
modprobe_wrap
for v in none pci-stub pci edu-native edu-vfio-best nonexistent-driver vfio_pci VFIO-PCI; do
	: >/run/vv-modprobe.log
	set_override "$bdf" "$v"
	is "$(cat /run/vv-modprobe.log)" "" "writing '$v' asks modprobe for nothing"
done
ok "$(! loaded vv_edu_native; echo $?)" "the native driver's module was not loaded by 'pci'"
: >/run/vv-modprobe.log
set_override "$bdf" vfio-pci
if [ "$VV_FLAVOUR" = unpatched ]; then
	is "$(cat /run/vv-modprobe.log)" "" "stock kernel: writing 'vfio-pci' asks for nothing"
else
	is "$(cat /run/vv-modprobe.log)" \
		"-q -- vfio_pci:v00001234d000011E8sv00001AF4sd00001100bc00scFFi00" \
		"writing 'vfio-pci' asks for the device's vfio_pci: alias, once"
fi
modprobe_unwrap
ok "$([ ! -e /sys/module/pci ]; echo $?)" "no /sys/module/pci: the switch is not a module parameter"

# the cost of a write that loads nothing, against the stock kernel (the
# harness prints both flavours' figures)
set_override "$bdf" ""
t0=$(date +%s%N)
for i in $(seq 200); do set_override "$bdf" pci-stub; done
t1=$(date +%s%N)
diag "figure: 200 writes of 'pci-stub' took $(( (t1 - t0) / 200000 )) us each on $VV_FLAVOUR"
rebind "$bdf" ""
done_testing
