# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m
# vv-append: VV_TEST_TIMEOUT=600
# The Debian packages 'make deb' built (build/deb), installed with dpkg in
# this guest, whose root is a writable overlay over the host's: the test
# kernel's linux-image and linux-headers (bindeb-pkg), vfio-variant and
# vfio-variant-nvlink2-dkms, which DKMS builds against the installed
# headers. Then the simulated NVLink2 node bound, persisted and explained
# with the installed tool, rule and unit (not the build tree), the DKMS
# modules being the ones loaded; then 'dpkg --purge' of all four, after
# which the overlay holds no file or directory that the host does not have
# (apart from dpkg's own records and logs). A boot of its own, with 600 s
# for the test (dpkg reads the host's whole package database, and DKMS
# compiles, under TCG: about 4 minutes on an idle 2-core host).
. "$VV_TOP/tests/vm/lib.sh"
need_modules "the packaged kernel has modules"

debs=$VV_TOP/build/deb
rel=$(uname -r)
pkg() { ls "$debs"/$1 2>/dev/null | head -n1; }
img=$(pkg "linux-image-${rel}_*.deb") hdr=$(pkg "linux-headers-${rel}_*.deb")
tool=$(pkg "vfio-variant_*.deb") dkms=$(pkg "vfio-variant-nvlink2-dkms_*_all.deb")
if [ -z "$img" ] || [ -z "$hdr" ] || [ -z "$tool" ] || [ -z "$dkms" ]; then
	ok 1 "the packages of kernel $rel and vfio-variant are in build/deb (run 'make deb')"
	done_testing
	exit
fi
upper=/.vv-oldroot/run/vv/upper lower=/.vv-oldroot
[ -d "$upper/usr" ] || [ -d "$upper" ] || { ok 1 "the overlay's upper directory is at $upper"; done_testing; exit; }
V=/usr/sbin/vfio-variant
log=/run/vv-dpkg.log
run_ok() { # DESCRIPTION COMMAND...: a test point, with the command's last lines when it fails
	local d=$1 rc t0
	shift
	t0=$(date +%s)
	"$@" >$log 2>&1
	rc=$?
	ok $rc "$d"
	diag "$d: $(($(date +%s) - t0)) s"
	[ $rc = 0 ] || tail -30 $log | sed 's/^/# /'
}
export DEBIAN_FRONTEND=noninteractive
# no fsync for each file: this root is thrown away at power-off
dpkg() { command dpkg --force-unsafe-io "$@"; }

# the guest's /lib/modules is the build's (a bind mount): the package's
# instead; the boot loader's and initramfs' kernel hooks of the host must
# not run here (the guest boots no disk): only DKMS's
umount /lib/modules
mkdir -p /run/vv-hooks
for h in /etc/kernel/*.d/*; do
	[ -e "$h" ] && [ "$(basename "$h")" != dkms ] && mv "$h" "/run/vv-hooks/${h//\//_}"
done
# /dev/fd, which systemd sets up on a real system (DKMS needs it)
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
snapshot() { (cd "$upper" && find . -mindepth 1 ! -path './.vv*' | sort); }
snapshot >/run/vv-before

run_ok "dpkg -i linux-image-$rel linux-headers-$rel vfio-variant vfio-variant-nvlink2-dkms" \
	dpkg -i "$img" "$hdr" "$tool" "$dkms"
ok "$([ -e "/lib/modules/$rel/build/Module.symvers" ] && [ -f "/boot/vmlinuz-$rel" ]; echo $?)" \
	"the kernel's modules, image and headers are installed"
is "$(dkms status vfio-variant-nvlink2 -k "$rel" 2>/dev/null | sed 's/, x86_64//')" \
	"vfio-variant-nvlink2/$(cat "$VV_TOP/VERSION"), $rel: installed" \
	"dkms status: DKMS built the variants against the installed headers and installed them"
for m in nvlink2gpu-vfio-pci npu2-vfio-pci; do
	is "$(modinfo -n $m 2>/dev/null)" "/lib/modules/$rel/updates/dkms/$m.ko" \
		"modprobe finds DKMS's $m (updates/dkms), not the kernel package's"
done
is "$($V --version)" "vfio-variant $(cat "$VV_TOP/VERSION")" "the packaged tool in /usr/sbin runs"
is "$(man -w vfio-variant 2>/dev/null)" /usr/share/man/man8/vfio-variant.8.gz "its man page is installed"

sim_up || { ok 1 "simulated NVLink2 node is up (from the packaged kernel's modules)"; done_testing; exit; }
gpu=$(sim_gpus | head -1 | cut -d' ' -f1)
"$V" explain "$gpu" | grep -q "nvlink2gpu-vfio-pci: priority 10, matches through alias"
ok $? "explain $gpu (installed tool): nvlink2gpu-vfio-pci, from the DKMS module's modinfo, before loading"
/usr/lib/systemd/systemd-udevd --daemon
udevadm control --ping
"$V" bind --persist --by-id "$gpu" >/dev/null
is "$(driver_of "$gpu")" nvlink2gpu-vfio-pci "bind --persist --by-id: nvlink2gpu-vfio-pci"
is "$(cat /sys/module/nvlink2gpu_vfio_pci/version 2>/dev/null)" "$(cat "$VV_TOP/VERSION")" \
	"the loaded variant is DKMS's build (its version in modinfo)"
"$V" unbind "$gpu" >/dev/null
sim_down
udevadm settle -t 30
modprobe vv_nvlink2_sim
udevadm settle -t 60
for b in $(sim_gpus | cut -d' ' -f1); do
	is "$(wanted "$b")" "vfio-variant@$b.service" "hot-added $b: the packaged rule wants the packaged unit"
	for u in $(wanted "$b"); do unit_start "$u"; done
	is "$(driver_of "$b")" nvlink2gpu-vfio-pci "$b: the unit gave it to nvlink2gpu-vfio-pci"
done
"$V" explain "$gpu" | grep -q "bound to nvlink2gpu-vfio-pci, the first choice"
ok $? "explain: the first choice"
"$V" unbind --persist --by-id "$gpu" >/dev/null
is "$("$V" persisted)" "" "unbind --persist --by-id: nothing persisted"
udevadm control --exit
for b in $(sim_gpus | cut -d' ' -f1); do rebind "$b" ""; done
sim_down
loaded npu2_vfio_pci && rmmod npu2_vfio_pci

run_ok "dpkg --purge vfio-variant-nvlink2-dkms vfio-variant linux-headers-$rel linux-image-$rel" \
	dpkg --purge vfio-variant-nvlink2-dkms vfio-variant "linux-headers-$rel" "linux-image-$rel"
snapshot >/run/vv-after
# what is new in the overlay, and not the host's (dpkg's records and logs aside)
left=$(comm -13 /run/vv-before /run/vv-after | while read -r p; do
	case $p in ./var/lib/dpkg/* | ./var/log/* | ./var/cache/man/* | ./var/cache/debconf/*) continue ;; esac
	[ -c "$upper/$p" ] && { echo "removed from the host's: ${p#.}"; continue; }
	[ -e "$lower/$p" ] || [ -L "$lower/$p" ] || echo "${p#.}"
done)
is "$left" "" "after dpkg --purge, nothing of the four packages is left"
[ -z "$left" ] || diag "$(echo "$left" | head -20)"
done_testing
