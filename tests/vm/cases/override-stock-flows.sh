# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m m-debug unpatched m-7.2
# Flows that bound a device to vfio-pci on the stock kernel still bind it
# with the series, to the best candidate: the same script runs on the
# unpatched kernel (same config), where the answer is vfio-pci itself, and
# on the patched ones, where it is edu-vfio-best. A probe that races the
# modules loaded by the override write is not lost (v1 dropped it).
. "$VV_TOP/tests/vm/lib.sh"
need_modules "module loading flows"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
if [ "$VV_FLAVOUR" = unpatched ]; then want=vfio-pci; else want=edu-vfio-best; fi
diag "on the $VV_FLAVOUR kernel the flows must end on $want"

fresh() { # the device unbound, no override, none of the edu drivers loaded
	rebind "$bdf" ""
	unbind "$bdf"
	unload_edu
}

fresh
set_override "$bdf" vfio-pci
modprobe vfio-pci
is "$(driver_of "$bdf")" "$want" "unbound, override written, then modprobe vfio-pci: bound"

fresh
modprobe vfio-pci
set_override "$bdf" vfio-pci
echo "$bdf" >$SYS_PCI/drivers_probe
is "$(driver_of "$bdf")" "$want" "vfio-pci loaded, override written, drivers_probe: bound"

# the explicit bind that follows the write in dpdk-devbind and the VFIO
# selftests' setup.sh: vfio-pci loaded, the device unbound, the override
# written (it binds nothing by itself, as on the stock kernel), then the
# device written to vfio-pci's bind file: the exact driver asked for
fresh
modprobe vfio-pci
set_override "$bdf" vfio-pci
is "$(driver_of "$bdf")" none "vfio-pci loaded, override written on an unbound device: nothing binds yet"
out=$(echo "$bdf" 2>&1 >$SYS_PCI/drivers/vfio-pci/bind)
is "$(driver_of "$bdf")${out:+ ($out)}" vfio-pci "then written to vfio-pci's bind file: vfio-pci binds it"

fresh
modprobe vv_edu_native
echo "$bdf" >$SYS_PCI/drivers_probe
modprobe vfio-pci
set_override "$bdf" vfio-pci
is "$(driver_of "$bdf")" edu-native "override written while bound: the native driver keeps it"
unbind "$bdf"
echo "$bdf" >$SYS_PCI/drivers_probe
is "$(driver_of "$bdf")" "$want" "then unbind and drivers_probe: bound"

# udev's order at coldplug: 60-*.rules write the override, then
# 80-drivers.rules loads the native module (kmod load MODALIAS), then the
# rule reprobes
fresh
set_override "$bdf" vfio-pci
modprobe vv_edu_native
ok "$([ "$(driver_of "$bdf")" != edu-native ]; echo $?)" \
	"override written before the native module loads: the native driver does not bind"
modprobe vfio-pci
echo "$bdf" >$SYS_PCI/drivers_probe
is "$(driver_of "$bdf")" "$want" "udev's order, then a reprobe: bound"

# a drivers_probe racing the write's module loading (modprobe made slow)
probe_during_load() {
	local writer
	modprobe_wrap 1
	set_override "$bdf" vfio-pci &
	writer=$!
	sleep 0.3
	echo "$bdf" >$SYS_PCI/drivers_probe
	wait $writer
	modprobe_unwrap
}
fresh
probe_during_load
modprobe vfio-pci
sleep 0.2
is "$(driver_of "$bdf")" "$want" "a drivers_probe during the write's module loading is not lost"

# the same with vfio-pci loaded before the write (so that the write itself
# binds nothing): the drivers_probe that came during the loading still binds
fresh
modprobe vfio-pci
probe_during_load
sleep 0.2
is "$(driver_of "$bdf")" "$want" "vfio-pci loaded: a drivers_probe during the write's module loading is not lost"

fresh
rebind "$bdf" ""
done_testing
