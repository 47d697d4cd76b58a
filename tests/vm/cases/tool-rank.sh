# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m
# vv-append: pci=override_priority=edu-vfio-best:14
# The tool's prediction, made before any candidate is loaded, against what
# the kernel binds when driver_override=vfio-pci is written, where only the
# order of the rank keys, the specificity or only the name decides:
#   A. the command line ranks edu-vfio-best (which names QEMU's subsystem
#      id: 4 modalias fields fixed) at 14, below edu-vfio-alt's 15 (2
#      fields): priority comes before specificity: edu-vfio-alt;
#   B. plus edu-vfio-aa-wide (15, vendor 1234 only: one modalias field
#      fixed): its name sorts first, specificity puts it after
#      edu-vfio-alt: edu-vfio-alt;
#   C. plus edu-vfio-ak (15, module vv_edu_vfio_zz): equal priority and
#      specificity with edu-vfio-alt; its driver name sorts before
#      edu-vfio-alt's, its module name after: edu-vfio-ak.
# B's and C's variants (tests/tool-kmod) are installed in this guest only;
# they are built against the =m kernel, so this runs on m only (on m-debug
# the kernel refused to load them and C bound edu-vfio-alt).
. "$VV_TOP/tests/vm/lib.sh"
need_modules "vfio-variant reads the module index, which a CONFIG_MODULES=n kernel lacks"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
V=$VV_TOP/build/tools/vfio-variant
EXTRA="vv_edu_vfio_wide vv_edu_vfio_zz"
chosen() { "$V" list --json | python3 -c '
import json, sys
for d in json.load(sys.stdin):
    if d["address"] == sys.argv[1]:
        print(" ".join("%s:%d:%d%s" % (c["driver"], c["priority"], c["specificity"],
                       "" if c["loaded"] else "-") for c in d["candidates"]))' "$bdf"; }

# the device on its native driver, no variant loaded
reset() {
	local m
	rebind "$bdf" ""
	for m in $EXTRA; do loaded $m && rmmod $m; done
	unload_edu
	modprobe vv_edu_native
	echo "$bdf" >$SYS_PCI/drivers_probe
}

# case NAME WANT ORDER: the tool's order before loading (driver:priority:
# specificity, '-' for not loaded), then what the kernel binds
case_() {
	local name=$1 want=$2 order=$3 before after
	reset
	before=$(chosen)
	is "$before" "$order" "$name: the tool's order before loading"
	rebind "$bdf" vfio-pci
	is "$(driver_of "$bdf")" "$want" "$name: writing vfio-pci, the kernel binds $want"
	after=$(chosen)
	is "${after%%:*}" "$want" "$name: after loading, the tool's first is the bound driver"
	ok_cmd "$name: explain says first choice" sh -c "'$V' explain $bdf | grep -q 'bound to $want, the first choice'"
}

grep -qw "pci=override_priority=edu-vfio-best:14" /proc/cmdline
ok $? "booted with pci=override_priority=edu-vfio-best:14"
case_ "A (priority before specificity)" edu-vfio-alt \
	"edu-vfio-alt:15:2- edu-vfio-best:14:4- vfio-pci:0:0-"
"$V" explain "$bdf" | grep -q "edu-vfio-best: priority 14"
ok $? "A: a loaded edu-vfio-best shows the command line's priority, 14"
reset
"$V" explain "$bdf" | grep -q "edu-vfio-best: priority 14 (pci=override_priority= on the kernel command line)"
ok $? "A: explain says where edu-vfio-best's 14 comes from before it is loaded"

rel=$(uname -r)
mkdir -p "/lib/modules/$rel/extra"
cp "$VV_TOP/build/tool-kmod/vv_edu_vfio_wide.ko" "/lib/modules/$rel/extra/"
depmod -a
ok $? "install edu-vfio-aa-wide (build/tool-kmod) in this guest, depmod"
case_ "B (specificity)" edu-vfio-alt \
	"edu-vfio-alt:15:2- edu-vfio-aa-wide:15:1- edu-vfio-best:14:4- vfio-pci:0:0-"
cp "$VV_TOP/build/tool-kmod/vv_edu_vfio_zz.ko" "/lib/modules/$rel/extra/"
depmod -a
ok $? "install edu-vfio-ak (module vv_edu_vfio_zz), depmod"
case_ "C (driver name, not module name)" edu-vfio-ak \
	"edu-vfio-ak:15:2- edu-vfio-alt:15:2- edu-vfio-aa-wide:15:1- edu-vfio-best:14:4- vfio-pci:0:0-"

# and the tool's own bind, with every candidate loaded and one declining
decline vv_edu_vfio_zz 1
rebind "$bdf" ""
out=$("$V" bind "$bdf")
is "$(driver_of "$bdf")" edu-vfio-alt "edu-vfio-ak declines: the kernel falls back to edu-vfio-alt"
echo "$out" | grep -q "edu-vfio-ak declined the device; the kernel fell back to edu-vfio-alt"
ok $? "bind reports it"
decline vv_edu_vfio_zz 0
reset
rm -rf "/lib/modules/$rel/extra"
depmod -a
done_testing
