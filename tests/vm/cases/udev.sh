# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m y
# Persisted choices applied by the real systemd-udevd (the host's, run in
# the guest) with the rule and unit 'make install' put in the guest's root:
#  - nothing recorded: the rule writes nothing and wants nothing;
#  - the ordinary boot order: a recorded device present, unbound, its
#    native module not loaded, then coldplug ('udevadm trigger --action=add'
#    of the PCI devices, as systemd-udev-trigger does): the rule writes the
#    override before 80-drivers.rules loads the native module, and the
#    native driver never binds (the kernel's bind uevents show it);
#  - the same on hot-add (remove, then rescan with nothing loaded);
#  - the native driver first (bound before udev sees the device, as a
#    built-in or initramfs driver is at coldplug): the service moves it;
#  - by vendor:device, and nothing once the choice is forgotten.
# The guest's PID 1 is not systemd: the unit udev wants (SYSTEMD_WANTS) is
# started by unit_start, which runs its ExecStart= as systemd would. Not
# covered: systemd itself starting it, its ordering, the initramfs.
. "$VV_TOP/tests/vm/lib.sh"
need_modules "the rule's service reads the module index"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
V=/usr/local/sbin/vfio-variant
ovr() { cat "$SYS_PCI/devices/$bdf/driver_override"; }
settle() { udevadm settle -t 30; }
add_event() { udevadm trigger --action=add "$SYS_PCI/devices/$bdf"; settle; }
coldplug() { udevadm trigger --type=devices --action=add --subsystem-match=pci; settle; }
native() { # the device on its native driver, no variant loaded
	rebind "$bdf" ""
	unload_edu
	modprobe vv_edu_native
	echo "$bdf" >$SYS_PCI/drivers_probe
}
nothing_loaded() { # the device unbound, no edu module loaded: early boot
	rebind "$bdf" ""
	unbind "$bdf"
	unload_edu
}
# start_wanted: start the units udev wants for the device, as systemd would
start_wanted() {
	local u r=0
	for u in $(wanted "$bdf"); do unit_start "$u" || r=$?; done
	return $r
}

native
udev_up
ok "$([ -x $V ]; echo $?)" "the tool is installed in /usr/local/sbin"
systemd-analyze verify "$UNITDIR/vfio-variant@.service" >/run/vv-verify 2>&1
is "$?:$(cat /run/vv-verify)" "0:" "systemd-analyze verify: the installed unit, its command and man page"

add_event
is "$(ovr):$(wanted "$bdf")" "(null):" "nothing recorded: the rule writes no override and wants no service"

"$V" bind --persist "$bdf" >/dev/null
is "$(driver_of "$bdf")" edu-vfio-best "bind --persist binds"
ok "$([ -f "/etc/vfio-variant/devices/$bdf" ]; echo $?)" "and records /etc/vfio-variant/devices/$bdf"
"$V" unbind "$bdf" >/dev/null
is "$(driver_of "$bdf")" edu-native "unbind without --persist: native again, choice kept"

# the ordinary boot order, at coldplug
nothing_loaded
is "$(driver_of "$bdf"):$(ovr)" "none:(null)" "early boot: the device unbound, no override, nothing loaded"
ev=$(bind_events "$bdf" coldplug)
is "$(ovr)" vfio-pci "coldplug: the rule wrote driver_override=vfio-pci"
ok "$(loaded vv_edu_native; echo $?)" "coldplug: 80-drivers.rules loaded the native module (after the override)"
is "$ev" "bind:edu-vfio-best " "coldplug: the only bind was edu-vfio-best's; the native driver never bound"
is "$(wanted "$bdf")" "vfio-variant@$bdf.service" "coldplug: the device wants vfio-variant@$bdf.service"
start_wanted
ok $? "the service runs (exit 0)"
grep -q "already bound to edu-vfio-best: nothing to do" /run/vv-unit.out
ok $? "the service finds the device bound by the kernel and leaves it"

# the same on hot-add, nothing loaded
nothing_loaded
echo 1 >"$SYS_PCI/devices/$bdf/remove"
settle
ok "$([ ! -e "$SYS_PCI/devices/$bdf" ]; echo $?)" "hot-remove"
ev=$(bind_events "$bdf" sh -c "echo 1 >$SYS_PCI/rescan; udevadm settle -t 30")
is "$ev" "bind:edu-vfio-best " "hot-add, nothing loaded: the only bind was edu-vfio-best's"
ok "$(loaded vv_edu_native; echo $?)" "hot-add: the native module was loaded, and did not bind"
start_wanted
is "$(driver_of "$bdf")" edu-vfio-best "hot-add: the variant owns the device"

# the native driver bound before udev sees the device (built in, or loaded
# from the initramfs), then coldplug: the service moves the device
native
ev=$(bind_events "$bdf" coldplug)
is "$ev:$(driver_of "$bdf"):$(ovr)" ":edu-native:vfio-pci" \
	"native driver first, then coldplug: the rule wrote the override, the native driver keeps the device"
is "$(wanted "$bdf")" "vfio-variant@$bdf.service" "and the device wants the service"
ev=$(bind_events "$bdf" start_wanted)
is "$ev" "unbind bind:edu-vfio-best " "the service released it from edu-native and the kernel bound edu-vfio-best"

"$V" unbind --persist "$bdf" >/dev/null
ok "$([ ! -e "/etc/vfio-variant/devices/$bdf" ]; echo $?)" "unbind --persist removes the choice"
add_event
is "$(driver_of "$bdf"):$(ovr):$(wanted "$bdf")" "edu-native:(null):" \
	"no choice recorded: the add event leaves the native driver"

"$V" bind --persist --by-id "$bdf" >/dev/null
ok "$([ -f /etc/vfio-variant/ids/1234:11E8 ]; echo $?)" "--by-id records /etc/vfio-variant/ids/1234:11E8"
"$V" unbind "$bdf" >/dev/null
add_event
start_wanted
is "$(driver_of "$bdf")" edu-vfio-best "by vendor:device: udev and the service apply it to the device"
"$V" unbind --persist --by-id "$bdf" >/dev/null
is "$("$V" persisted)" "" "unbind --persist --by-id forgets it: nothing persisted"

udev_down
done_testing
