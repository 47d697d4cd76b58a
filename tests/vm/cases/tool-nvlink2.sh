# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m y
# vfio-variant, driverctl and lspci on the simulated NVLink2 node: the tool
# predicts the variant from the modules' vfio_pci: aliases (checked against
# what the kernel binds), binds and unbinds it, and explains a decline.
. "$VV_TOP/tests/vm/lib.sh"
need_modules "vfio-variant reads the module index, which a CONFIG_MODULES=n kernel lacks"
sim_up || { ok 1 "simulated NVLink2 node is up"; done_testing; exit; }
modprobe vfio-pci
V=$VV_TOP/build/tools/vfio-variant
gpu=$(sim_gpus | head -1 | cut -d' ' -f1)
bare=$(sim_bare_gpus | head -1 | cut -d' ' -f1)
link=$(sim_links | head -1 | cut -d' ' -f1)

# the tool names a not yet loaded candidate by its module, a loaded one by
# its driver: compare with the driver the kernel bound, or its module
for b in "$gpu" "$link"; do
	want=$("$V" list --json | python3 -c '
import json, sys
for d in json.load(sys.stdin):
    if d["address"] == sys.argv[1]:
        c = next((c for c in d["candidates"] if c["chosen"]), {})
        print(c.get("driver") or "-", c.get("module") or "-")' "$b")
	"$V" bind "$b" >/dev/null
	ok $? "vfio-variant bind $b"
	drv=$(driver_of "$b")
	mod=$(basename "$(readlink "$SYS_PCI/drivers/$drv/module")")
	ok "$(case "$want" in "$drv "* | *" $mod") echo 0 ;; *) echo 1 ;; esac)" \
		"$b: the kernel bound what the tool predicted ($want -> $drv, module $mod)"
	lspci -k -s "$b" | grep -q "Kernel driver in use: $drv"
	ok $? "$b: lspci -k shows $drv in use"
	"$V" unbind "$b" >/dev/null
	ok $? "vfio-variant unbind $b"
done
is "$(driver_of "$gpu")" gpu-native "$gpu: unbind gives it back to the native driver"

"$V" bind "$bare" >/dev/null
is "$(driver_of "$bare")" vfio-pci "$bare (no NVLink2 description): the variant declines, vfio-pci binds"
"$V" explain "$bare" | grep -qi "declined"
ok $? "explain says nvlink2gpu-vfio-pci declined $bare"
"$V" unbind "$bare" >/dev/null

driverctl --nosave set-override "$gpu" vfio-pci >/dev/null 2>&1
ok $? "driverctl set-override $gpu vfio-pci"
is "$(driver_of "$gpu")" nvlink2gpu-vfio-pci "driverctl's vfio-pci binds nvlink2gpu-vfio-pci"
driverctl --nosave unset-override "$gpu" >/dev/null 2>&1
ok $? "driverctl unset-override $gpu"
is "$(driver_of "$gpu")" gpu-native "the native driver is back"
done_testing
