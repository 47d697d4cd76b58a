# SPDX-License-Identifier: GPL-2.0
# Persisted choices applied by the real systemd-udevd (the host's, run in
# the guest) with udev/60-vfio-variant.rules: on an add event while the
# native driver holds the device, on hot-remove + rescan, by address and
# by vendor:device, and not once the choice is removed.
. "$VV_TOP/tests/vm/lib.sh"
need_modules "the rule's tool reads the module index"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
V=$VV_TOP/build/tools/vfio-variant
rebind "$bdf" ""
unload_edu
modprobe vv_edu_native
echo "$bdf" >$SYS_PCI/drivers_probe

udev_up
add_event() { udevadm trigger --action=add "$SYS_PCI/devices/$bdf"; udevadm settle -t 30; }

"$V" bind --persist "$bdf" >/dev/null
is "$(driver_of "$bdf")" edu-vfio-best "bind --persist binds"
grep -qx "$bdf" /etc/vfio-variant/persist
ok $? "the address is recorded in /etc/vfio-variant/persist"
"$V" unbind "$bdf" >/dev/null
is "$(driver_of "$bdf")" edu-native "unbind without --persist: native again, choice kept"
add_event
is "$(driver_of "$bdf")" edu-vfio-best "add event: udev applies the choice, taking the device from the native driver"
is "$(cat $SYS_PCI/devices/$bdf/driver_override)" vfio-pci "udev wrote driver_override"

echo 1 >"$SYS_PCI/devices/$bdf/remove"
udevadm settle -t 30
ok "$([ ! -e $SYS_PCI/devices/$bdf ]; echo $?)" "hot-remove"
echo 1 >$SYS_PCI/rescan
udevadm settle -t 30
is "$(driver_of "$bdf")" edu-vfio-best "hot-add: the variant owns the device again"

"$V" unbind --persist "$bdf" >/dev/null
ok "$(! grep -qx "$bdf" /etc/vfio-variant/persist; echo $?)" "unbind --persist removes the address"
add_event
is "$(driver_of "$bdf")" edu-native "no choice recorded: the add event leaves the native driver"

"$V" bind --persist --by-id "$bdf" >/dev/null
grep -qx "1234:11e8" /etc/vfio-variant/persist
ok $? "--by-id records vendor:device"
"$V" unbind "$bdf" >/dev/null
add_event
is "$(driver_of "$bdf")" edu-vfio-best "by vendor:device: udev applies it to the device"
"$V" unbind --persist --by-id "$bdf" >/dev/null
ok "$(! grep -q "1234:11e8" /etc/vfio-variant/persist; echo $?)" "unbind --persist --by-id removes it"

udev_down
done_testing
