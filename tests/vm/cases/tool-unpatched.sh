# SPDX-License-Identifier: GPL-2.0
# vv-flavours: unpatched
# vfio-variant on the kernel without the series (the pristine 6.12 source,
# same config): the kernel binds only the exact name written to
# driver_override, so bind writes each candidate's name in turn, in the
# series' order, until one binds, as the series' kernel falls back itself.
. "$VV_TOP/tests/vm/lib.sh"
need_modules "vfio-variant reads the module index, which a CONFIG_MODULES=n kernel lacks"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
V=$VV_TOP/build/tools/vfio-variant
ovr() { cat "$SYS_PCI/devices/$bdf/driver_override"; }
rebind "$bdf" ""
unload_edu
modprobe vv_edu_native
echo "$bdf" >$SYS_PCI/drivers_probe
ok "$([ ! -e $SYS_PCI/drivers/edu-native/override_priority ]; echo $?)" \
	"a kernel without the series: PCI drivers have no override_priority"

out=$("$V" bind "$bdf")
ok $? "bind exits 0"
is "$(driver_of "$bdf"):$(ovr)" edu-vfio-best:edu-vfio-best "bind wrote edu-vfio-best's name, and it bound"
echo "$out" | grep -q "bound to edu-vfio-best (predicted edu-vfio-best)"
ok $? "bind reports it with its prediction"

decline vv_edu_vfio_best 1
"$V" unbind "$bdf" >/dev/null
is "$(driver_of "$bdf"):$(ovr)" "edu-native:(null)" "unbind: override cleared, the native driver back"
out=$("$V" bind "$bdf")
ok $? "bind exits 0 when the first candidate declines"
diag "$out"
is "$(driver_of "$bdf"):$(ovr)" edu-vfio-alt:edu-vfio-alt "edu-vfio-best declines: bind falls back to edu-vfio-alt"
echo "$out" | grep -q "edu-vfio-best did not take the device; trying edu-vfio-alt" &&
	echo "$out" | grep -q "edu-vfio-best declined the device; vfio-variant fell back to edu-vfio-alt"
ok $? "and says so"
is "$("$V" bind "$bdf" | tail -1)" "$bdf: edu-vfio-best ranks higher: it declined the device, or came later; --force rebinds (a VM using the device loses it)" \
	"bind again: left on edu-vfio-alt"
is "$(driver_of "$bdf")" edu-vfio-alt "still on edu-vfio-alt"

decline vv_edu_vfio_alt 1
"$V" unbind "$bdf" >/dev/null
"$V" bind "$bdf" >/dev/null
is "$(driver_of "$bdf"):$(ovr)" vfio-pci:vfio-pci "both variants decline: vfio-pci"
decline vv_edu_vfio_alt 0
decline vv_edu_vfio_best 0

# udev's rule leaves a recorded device with driver_override=vfio-pci, which
# without the series binds vfio-pci itself: its service (apply) moves it on
"$V" bind --persist -d /run/vv-persist "$bdf" >/dev/null
ok "$([ -f "/run/vv-persist/devices/$bdf" ]; echo $?)" "bind --persist records the device"
is "$(driver_of "$bdf")" vfio-pci "bind of the device on vfio-pci left it there"
"$V" apply -d /run/vv-persist "$bdf" >/dev/null
is "$(driver_of "$bdf"):$(ovr)" edu-vfio-best:edu-vfio-best \
	"apply (the udev service) moves it from vfio-pci to edu-vfio-best, the first choice"
"$V" unbind --persist -d /run/vv-persist "$bdf" >/dev/null
is "$(driver_of "$bdf"):$(ls /run/vv-persist/devices)" "edu-native:" "unbind --persist: native, nothing recorded"
done_testing
