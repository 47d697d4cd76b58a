# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m y
# The udev rule and its service on the simulated NVLink2 node, installed by
# 'make install', with the real systemd-udevd: a fleet choice
# (vendor:device) persisted, then the whole node hot-added while the native
# driver is loaded (it races udev's override for each GPU); udev writes the
# overrides and wants vfio-variant@.service for each GPU,
# which is started as systemd would (unit_start): every V100 must end on
# vfio (the variant, or vfio-pci where it declines). Then vfio-variant bind
# racing a hot-remove: a clear result, never a hang or a half-done device,
# and at least one removal that landed mid-bind.
. "$VV_TOP/tests/vm/lib.sh"
need_modules "the rule's tool reads the module index"
sim_up || { ok 1 "simulated NVLink2 node is up"; done_testing; exit; }
modprobe vfio-pci
V=/usr/local/sbin/vfio-variant
gpu=$(sim_gpus | head -1 | cut -d' ' -f1)

udev_up

"$V" bind --persist --by-id "$gpu" >/dev/null
ok "$([ -f /etc/vfio-variant/ids/10DE:1DB1 ]; echo $?)" "the fleet choice 10de:1db1 is recorded"
"$V" unbind "$gpu" >/dev/null

# the node goes away and comes back: add events for every device, with the
# native driver loaded and winning the race at device_add()
sim_down
udevadm settle -t 30
modprobe vv_nvlink2_sim
udevadm settle -t 60 || diag "udev did not settle within 60 s"
for b in $(sim_gpus | cut -d' ' -f1) $(sim_bare_gpus | cut -d' ' -f1); do
	is "$(cat "$SYS_PCI/devices/$b/driver_override")" vfio-pci "hot-added $b: udev wrote the override"
	diag "$b: $(driver_of "$b") before the service"
	is "$(wanted "$b")" "vfio-variant@$b.service" "hot-added $b: it wants vfio-variant@$b.service"
	for u in $(wanted "$b"); do unit_start "$u"; cp /run/vv-unit.out "/run/vv-unit-$b.out"; done
done
for b in $(sim_gpus | cut -d' ' -f1); do
	is "$(driver_of "$b")" nvlink2gpu-vfio-pci "hot-added $b: udev gave it to nvlink2gpu-vfio-pci" ||
		{ sed "s/^/# $b service: /" "/run/vv-unit-$b.out"; dmesg | tail -40 | sed 's/^/# dmesg: /'; }
done
for b in $(sim_bare_gpus | cut -d' ' -f1); do
	is "$(driver_of "$b")" vfio-pci "hot-added $b (no NVLink2 description): vfio-pci"
done
for b in $(sim_links | cut -d' ' -f1); do
	is "$(driver_of "$b")" none "link $b: not in the fleet choice, left alone"
done

"$V" unbind --persist --by-id "$gpu" >/dev/null
ok "$([ ! -e /etc/vfio-variant/ids/10DE:1DB1 ]; echo $?)" "unbind --persist --by-id forgets the fleet"
udev_down
V=$VV_TOP/build/tools/vfio-variant
for b in $(sim_gpus | cut -d' ' -f1) $(sim_bare_gpus | cut -d' ' -f1); do rebind "$b" ""; done

# bind racing a hot-remove, 12 times: the removal lands at delays spread
# over the time a bind takes here (measured first: the spread follows the
# machine's speed). Each run ends in a clear result, bound (0) or the
# device gone (2), never a sysfs error or a wait for the full timeout, and
# the device comes back clean. At least one removal must land mid-bind:
# after the tool found the device, before it was bound ("went away").
b=$(sim_gpus | tail -1 | cut -d' ' -f1)
t0=$(date +%s%N)
"$V" -t 3000 bind "$b" >/dev/null 2>&1
span=$(( ($(date +%s%N) - t0) / 1000000 ))
is "$(driver_of "$b")" nvlink2gpu-vfio-pci "bind with no removal: the variant, in $span ms"
rebind "$b" ""
mid=0
for i in $(seq 1 12); do
	delay=$(awk "BEGIN {print $span * ($i - 1) / 11 / 1000}")
	"$V" -t 3000 bind "$b" >/run/vv-race.out 2>&1 &
	pid=$!
	sleep "$delay"
	removed=0
	echo 1 >"$SYS_PCI/devices/$b/remove" 2>/dev/null || removed=1
	wait $pid
	rc=$?
	case $removed:$rc:$(cat /run/vv-race.out) in
	0:0:*"bound to nvlink2gpu-vfio-pci"*) r=0 ;;
	0:2:*"went away"*) r=0 mid=$((mid + 1)) ;;
	0:2:*"no such PCI device"*) r=0 ;;
	*) r=1 ;;
	esac
	ok $r "race $i, removed ${delay}s after the start: exits $rc ($(tail -1 /run/vv-race.out))"
	echo 1 >$SYS_PCI/rescan
	is "$(cat "$SYS_PCI/devices/$b/driver_override" 2>/dev/null) $(driver_of "$b")" \
		"(null) gpu-native" "race $i: found again, no override, native driver"
done
ok "$([ $mid -gt 0 ]; echo $?)" "a removal landed mid-bind in $mid of 12 races (the tool saw the device go)"
done_testing
