# SPDX-License-Identifier: GPL-2.0
# The udev rule on the simulated NVLink2 node, with the real systemd-udevd:
# a fleet choice (vendor:device) persisted, then the whole node hot-added
# while the native driver is loaded; every V100 must end on vfio (the
# variant, or vfio-pci where it declines). Then vfio-variant bind racing a
# hot-remove: a clear result, never a hang or a half-done device.
. "$VV_TOP/tests/vm/lib.sh"
need_modules "the rule's tool reads the module index"
sim_up || { ok 1 "simulated NVLink2 node is up"; done_testing; exit; }
modprobe vfio-pci
V=$VV_TOP/build/tools/vfio-variant
gpu=$(sim_gpus | head -1 | cut -d' ' -f1)

udev_up

"$V" bind --persist --by-id "$gpu" >/dev/null
grep -qx "10de:1db1" /etc/vfio-variant/persist
ok $? "the fleet choice 10de:1db1 is recorded"
"$V" unbind "$gpu" >/dev/null

# the node goes away and comes back: add events for every device, with the
# native driver loaded and winning the race at device_add()
sim_down
udevadm settle -t 30
modprobe vv_nvlink2_sim
udevadm settle -t 60
for b in $(sim_gpus | cut -d' ' -f1); do
	is "$(driver_of "$b")" nvlink2gpu-vfio-pci "hot-added $b: udev gave it to nvlink2gpu-vfio-pci"
done
for b in $(sim_bare_gpus | cut -d' ' -f1); do
	is "$(driver_of "$b")" vfio-pci "hot-added $b (no NVLink2 description): vfio-pci"
done
for b in $(sim_links | cut -d' ' -f1); do
	is "$(driver_of "$b")" none "link $b: not in the fleet choice, left alone"
done

"$V" unbind --persist --by-id "$gpu" >/dev/null
ok "$(! grep -q "10de:1db1" /etc/vfio-variant/persist; echo $?)" "unbind --persist --by-id forgets the fleet"
udev_down
for b in $(sim_gpus | cut -d' ' -f1) $(sim_bare_gpus | cut -d' ' -f1); do rebind "$b" ""; done

# bind racing a hot-remove, a few times: success, or "went away" (2),
# never a sysfs error or a wait for the full timeout; the device comes back clean
b=$(sim_gpus | tail -1 | cut -d' ' -f1)
# (the remove lands from the tool's start to its last sysfs write: 0..88 ms)
for i in $(seq 1 12); do
	"$V" -t 3000 bind "$b" >/run/vv-race.out 2>&1 &
	pid=$!
	sleep "$(printf '0.%03d' $(((i - 1) * 8)))"
	echo 1 >"$SYS_PCI/devices/$b/remove" 2>/dev/null
	wait $pid
	rc=$?
	ok "$(case $rc in 0 | 2) echo 0 ;; *) echo 1 ;; esac)" \
		"race $i: bind during hot-remove exits $rc ($(tail -1 /run/vv-race.out))"
	echo 1 >$SYS_PCI/rescan
	is "$(cat "$SYS_PCI/devices/$b/driver_override" 2>/dev/null) $(driver_of "$b")" \
		"(null) gpu-native" "race $i: found again, no override, native driver"
done
done_testing
