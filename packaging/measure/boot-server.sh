#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# boot-server.sh DEBDIR: the server kernel's packages (make deb-kernel
# KCONFIG=..., packaging/server-kernel.sh) installed and booted as on a
# server, twice: the admin guide's "From a stock server to a patched one".
#
# A Debian 12 root (mmdebstrap: systemd, udev, initramfs-tools) gets
# DEBDIR's linux-image and the vfio-variant tool package (build/deb, make
# deb-tools) with dpkg; the kernel package's hook builds the initrd with
# initramfs-tools. The root goes onto an ext4 disk image on the ICH9 AHCI
# controller of QEMU's q35 machine, with an Intel IOMMU and QEMU's edu
# device, and boots through that initrd (the kernel and initrd are taken
# from the disk's /boot; GRUB is not installed). Once the boot is over, a
# systemd unit prints what it finds on the serial console (no getty there)
# and powers off:
#
#   boot 1: the running kernel is the package's, the root is /dev/sda on
#           ahci (ahci, sd_mod, ext4 loaded from the initrd), the series'
#           override_priority attribute is there, no kernel warning, and
#           systemd is running; writing vfio-pci into the edu device's
#           driver_override alone loads vfio_pci (the series' vfio_pci:
#           aliases) and binds it; 'vfio-variant bind --persist' then finds
#           nothing to do and records the choice
#   boot 2: with nobody writing anything, the device is on vfio-pci when
#           the boot is over: udev's rule at coldplug.
#
# Not in make check: the packages it boots take over an hour to build.
# Run it once where they were built, as root (mmdebstrap, chroot), with
# mmdebstrap, QEMU and e2fsprogs installed (2 cores, TCG: two minutes):
#
#   bash packaging/measure/boot-server.sh /root/measure/debs
#
# Exit 0 when every check of both boots held; the console logs stay in
# build/server-boot/.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
debs=$(cd "${1:?usage: boot-server.sh DEBDIR}" && pwd)
image='' tool=''
for f in "$debs"/linux-image-*_amd64.deb; do
	case $f in *-dbg_*) ;; *) image=$f ;; esac
done
for f in "$top"/build/deb/vfio-variant_*_amd64.deb; do tool=$f; done
[ -f "$image" ] && [ -f "$tool" ] ||
	{ echo "boot-server: need DEBDIR's linux-image and build/deb's vfio-variant (make deb-tools)" >&2; exit 1; }
work=$top/build/server-boot
rm -rf "$work"
mkdir -p "$work"

cat >"$work/vv-check" <<'EOF'
#!/bin/sh
# what a boot of the server kernel shows (boot-server.sh)
say() { echo "VV: $*"; }
edu=$(lspci -D -n -d 1234:11e8 | cut -d' ' -f1)
drv() { basename "$(readlink "/sys/bus/pci/devices/$1/driver")"; }
say "kernel $(uname -r)"
say "root $(findmnt -n -o SOURCE,FSTYPE /)"
say "sda on $(drv "$(basename "$(readlink -f /sys/block/sda/device/../../../..)")")"
for m in ahci sd_mod ext4; do
	grep -q "^$m " /proc/modules && say "module $m loaded"
done
say "override_priority $(cat /sys/bus/pci/drivers/pcieport/override_priority)"
say "edu $edu"
if [ ! -e /var/lib/vv-boot ]; then
	touch /var/lib/vv-boot
	say "boot 1"
	[ -d /sys/module/vfio_pci ] && say "vfio_pci loaded before the write"
	echo vfio-pci >"/sys/bus/pci/devices/$edu/driver_override"
	[ -d /sys/module/vfio_pci ] && say "vfio_pci loaded by the write"
	say "driver after the write $(drv "$edu")"
	vfio-variant bind --persist "$edu"; say "bind rc $?"
else
	say "boot 2"
	# boot does not wait for coldplug's udev queue (as on any systemd
	# host): where the device stands when the boot is over, then settled
	say "driver at boot end $(drv "$edu")"
	udevadm settle
fi
say "driver $(drv "$edu")"
say "driver_override $(cat "/sys/bus/pci/devices/$edu/driver_override")"
say "vfio group $(ls /dev/vfio | grep -v vfio | tr '\n' ' ')"
say "warnings $(dmesg | grep -cE 'WARNING:|BUG:|Oops|Call Trace')"
say "disk errors $(dmesg | grep -cE 'ata[0-9.]+: (exception|failed command)')"
say "state $(systemctl is-system-running)"
systemctl --failed --no-legend --plain | sed 's/^/VV: failed unit /'
say done
EOF
cat >"$work/vv-check.service" <<'EOF'
[Unit]
Description=vfio-variant server boot check (boot-server.sh)
After=multi-user.target

[Service]
ExecStart=/bin/sh -c 'systemctl is-system-running --wait >/dev/null; /usr/local/sbin/vv-check >/dev/ttyS0 2>&1; systemctl poweroff --no-block'

[Install]
WantedBy=multi-user.target
EOF

t0=$(date +%s)
echo "boot-server: root (mmdebstrap bookworm), $(basename "$image"), $(basename "$tool")"
mmdebstrap --quiet --variant=minbase \
	--include=systemd-sysv,udev,initramfs-tools,kmod,zstd,pciutils,e2fsprogs,libkmod2,libpci3,procps \
	--customize-hook="copy-in '$image' '$tool' '$work/vv-check' '$work/vv-check.service' /tmp" \
	--customize-hook='chroot "$1" dpkg -i /tmp/'"$(basename "$image")"' /tmp/'"$(basename "$tool")" \
	--customize-hook='install -m755 "$1/tmp/vv-check" "$1/usr/local/sbin/vv-check"' \
	--customize-hook='install -m644 "$1/tmp/vv-check.service" "$1/etc/systemd/system/"' \
	--customize-hook='chroot "$1" systemctl enable vv-check.service' \
	--customize-hook='chroot "$1" systemctl mask serial-getty@ttyS0.service' \
	--customize-hook='echo "LABEL=vvroot / ext4 defaults 0 1" >"$1/etc/fstab"' \
	--customize-hook='echo server >"$1/etc/hostname"; rm -f "$1"/tmp/*.deb' \
	bookworm "$work/root" http://deb.debian.org/debian
t1=$(date +%s)
cp "$work"/root/boot/vmlinuz-* "$work/vmlinuz"
cp "$work"/root/boot/initrd.img-* "$work/initrd"
echo "boot-server: root in $((t1 - t0)) s, $(du -sh "$work/root" | cut -f1); initrd $(du -h "$work/initrd" | cut -f1)"
inrd=$(chroot "$work/root" sh -c 'lsinitramfs /boot/initrd.img-*' | grep -cE '/(ahci|sd_mod|ext4)\.ko' || true)
echo "boot-server: initrd has $inrd of ahci.ko, sd_mod.ko, ext4.ko"
mkfs.ext4 -q -L vvroot -d "$work/root" "$work/disk.img" 3G
rm -rf "$work/root"

boot() { # N
	local s
	s=$(date +%s)
	timeout 900 qemu-system-x86_64 -machine q35 -cpu max -m 2G -smp 2 \
		-accel tcg -nographic -no-reboot \
		-device intel-iommu,intremap=off \
		-drive file="$work/disk.img",if=none,format=raw,id=root \
		-device ide-hd,drive=root,bus=ide.0 \
		-device edu \
		-kernel "$work/vmlinuz" -initrd "$work/initrd" \
		-append "root=LABEL=vvroot ro console=ttyS0 quiet systemd.show_status=0 intel_iommu=on iommu=pt panic=-1" \
		</dev/null >"$work/console-$1.log" 2>&1 || true
	echo "boot-server: boot $1 took $(($(date +%s) - s)) s"
	grep '^VV: ' "$work/console-$1.log" | tr -d '\r' | sed 's/^/boot-server: /'
}
boot 1
boot 2

fail=0
check() { # BOOT WANT: a line of that boot's report
	if grep -qxF "VV: $2" <(grep '^VV: ' "$work/console-$1.log" | tr -d '\r'); then
		echo "ok: boot $1: $2"
	else
		echo "FAILED: boot $1: $2"
		fail=1
	fi
}
rel=$(dpkg-deb -f "$image" Package | sed 's/^linux-image-//')
edu=$(grep -m1 '^VV: edu ' "$work/console-1.log" | tr -d '\r' | cut -d' ' -f3)
for n in 1 2; do
	check $n "kernel $rel"
	check $n "root /dev/sda ext4"
	check $n "sda on ahci"
	check $n "module ahci loaded"
	check $n "module sd_mod loaded"
	check $n "module ext4 loaded"
	check $n "driver vfio-pci"
	check $n "driver_override vfio-pci"
	check $n "override_priority 0"
	check $n "warnings 0"
	check $n "disk errors 0"
	check $n "state running"
	check $n "done"
done
check 1 "vfio_pci loaded by the write"
check 1 "driver after the write vfio-pci"
check 1 "bind rc 0"
check 2 "driver at boot end vfio-pci"
if grep -q '^VV: vfio_pci loaded before' "$work/console-1.log"; then
	echo "FAILED: boot 1: vfio_pci was loaded before the override write"
	fail=1
fi
[ "$inrd" = 3 ] || { echo "FAILED: the initrd lacks ahci, sd_mod or ext4"; fail=1; }
[ -n "$edu" ] || { echo "FAILED: no edu device"; fail=1; }
exit $fail
