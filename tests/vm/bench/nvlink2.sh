# SPDX-License-Identifier: GPL-2.0
# The benchmarks of Documentation/admin-guide/vfio-variant-bench.rst: each
# figure against its baseline measured in this boot, N runs each (median
# and the spread of the per-run ratios). Writes bench.csv (one row per
# figure) and bind-scale.csv (for the plot) to the results share.
# VV_BENCH=smoke (make check): one run each, fewer points, the smallest
# GPU RAM; figures are reported, never judged.
# vv-append: pci=no_override_autoload
# A boot of its own without the override write's module request: "bind via
# alias vs exact" is the cost of the ranked attach; what the request costs
# (an exec of modprobe per write) is alias-cost.sh's figure.
. "$VV_TOP/tests/vm/lib.sh"

bench_init
B=$VV_BIN/vv-bench
V=$VV_TOP/build/tools/vfio-variant
scale=$VV_OUT/bind-scale.csv
echo "axis,x,us_per_device" >"$scale"

sim_up || { ok 1 "simulated NVLink2 node is up"; done_testing; exit; }
# nothing is loaded for us in this boot
have_modules && modprobe -a vfio-pci nvlink2gpu-vfio-pci npu2-vfio-pci

# --- GPU RAM: first touch, faults, read/write -----------------------------
# the largest GPU RAM (1 GiB); smoke: the last GPU's, the smallest
line=$(sim_gpus | head -1)
[ $smoke = 1 ] && line=$(sim_gpus | tail -1)
gpu=$(echo "$line" | cut -d' ' -f1)
size=$(($(sim_field "$line" size)))
rebind "$gpu" vfio-pci
is "$(driver_of "$gpu")" nvlink2gpu-vfio-pci "GPU $gpu ($((size >> 20)) MiB) on the variant"
echo always >/sys/kernel/mm/transparent_hugepage/enabled
for i in $(seq "$N"); do
	echo "$($B touch-region "$gpu" | cut -d' ' -f1) $($B touch-anon "$size" | cut -d' ' -f1)"
done >$pairs
report "first touch vs THP anon" s "<= 1.1"
# the same RAM mapped one page off huge alignment: every fault a PTE's
for i in $(seq "$N"); do
	echo "$($B touch-region "$gpu" | cut -d' ' -f1) $($B touch-region-4k "$gpu" | cut -d' ' -f1)"
done >$pairs
report "first touch vs 4 KiB faults" s "<= 0.02"
for i in $(seq "$N"); do
	echo "$($B touch-region "$gpu" | cut -d' ' -f2) $((size / 4096))"
done >$pairs
report "page faults vs size/4KiB" faults "<= $(awk "BEGIN {print 4096 / (2 * 1048576)}")"
for i in $(seq "$N"); do
	echo "$($B pread "$gpu") $($B memcpy "$size")"
done >$pairs
report "pread 1 MiB chunks vs memcpy" s "time ratio <= 1.25"
for i in $(seq "$N"); do
	echo "$($B pwrite "$gpu") $($B memcpy "$size")"
done >$pairs
report "pwrite 1 MiB chunks vs memcpy" s "time ratio <= 1.25"
rebind "$gpu" ""

# --- bind through the alias: 254 devices, 500 drivers ---------------------
if have_modules; then
	autoload 0
	sim_down
	modprobe vv_nvlink2_sim gpus=127 links=1 ram_mb=2 ram_default_mb=2 bar1_mb=256
	gpus=$(sim_gpus | cut -d' ' -f1)
	links=$(sim_links | cut -d' ' -f1)
	modprobe nvlink2gpu-vfio-pci
	modprobe npu2-vfio-pci
	modprobe vv_dummy_drivers count=500
	ndev=$(echo $gpus $links | wc -w)
	# bind_s OVERRIDE_GPU OVERRIDE_LINK [DEVICES...]: seconds to bind them all
	bind_s() {
		local og=$1 ol=$2 t1 t2
		$B bind "" $gpus $links >/dev/null
		t1=$($B bind "$og" $gpus)
		t2=$($B bind "$ol" $links)
		awk "BEGIN {print $t1 + $t2}"
	}
	for i in $(seq "$N"); do
		echo "$(bind_s vfio-pci vfio-pci) $(bind_s nvlink2gpu-vfio-pci npu2-vfio-pci)"
	done >$pairs
report "bind via alias vs exact ($ndev dev)" s "<= 1.02"
	g1=$(echo $gpus | cut -d' ' -f1)
	is "$(driver_of "$g1")" nvlink2gpu-vfio-pci "$g1 bound to the variant"

	# scale: drivers (all devices), then devices (500 drivers)
	for d in 1 10 100 500 1000; do
		[ $smoke = 1 ] && [ $d != 1 ] && [ $d != 100 ] && continue
		rmmod vv_dummy_drivers
		modprobe vv_dummy_drivers count=$d
		t=$(bind_s vfio-pci vfio-pci)
		echo "drivers,$(ls $SYS_PCI/drivers | wc -l),$(awk "BEGIN {print $t * 1e6 / $ndev}")" >>"$scale"
	done
	rmmod vv_dummy_drivers
	modprobe vv_dummy_drivers count=500
	for n in 1 4 16 64 127; do
		[ $smoke = 1 ] && [ $n != 1 ] && [ $n != 16 ] && continue
		set -- $gpus
		sub=$(echo "$@" | cut -d' ' -f1-$n)
		$B bind "" $sub >/dev/null
		t=$($B bind vfio-pci $sub)
		echo "devices,$n,$(awk "BEGIN {print $t * 1e6 / $n}")" >>"$scale"
	done
	[ "$(wc -l <"$scale")" -gt 3 ] || ok 1 "no figure: bind scaling"
	$B bind "" $gpus $links >/dev/null
	rmmod vv_dummy_drivers
	sim_down
	autoload 1
else
	skip "=y kernel: no modules to load 500 drivers with" "bind via alias at scale"
fi

# --- vfio-variant list over 1000 devices vs a scan of modules.alias -------
if have_modules; then
	fake=/run/vv-fake-sysfs
	rm -rf $fake
	python3 - "$fake" <<'PY'
import os, sys
root = sys.argv[1]
ids = [(0x10de, 0x1db1, 0x030200), (0x10de, 0x1db5, 0x030200), (0x1014, 0x04ea, 0x068000),
       (0x1234, 0x11e8, 0x00ff00), (0x8086, 0x10d3, 0x020000), (0x1af4, 0x1000, 0x020000),
       (0x15b3, 0x101e, 0x020000), (0x144d, 0xa808, 0x010802)]
for n in range(1000):
    bdf = "%04x:%02x:%02x.%d" % (n // 256, (n // 32) % 8, n % 32, 0)
    d = os.path.join(root, "bus/pci/devices", bdf)
    os.makedirs(d)
    v, dv, c = ids[n % len(ids)]
    for k, val in (("vendor", v), ("device", dv), ("subsystem_vendor", v), ("subsystem_device", 0),
                   ("class", c)):
        open(os.path.join(d, k), "w").write("0x%04x\n" % val if k != "class" else "0x%06x\n" % val)
    open(os.path.join(d, "driver_override"), "w").write("(null)\n")
# a kernel with the series: every PCI driver shows its override_priority
os.makedirs(os.path.join(root, "bus/pci/drivers/pcieport"))
open(os.path.join(root, "bus/pci/drivers/pcieport/override_priority"), "w").write("0\n")
PY
	cat >/run/vv-scan.py <<'PY'
# the plain way: read modules.alias as text, match every vfio_pci: alias
import fnmatch, os, sys
root, mods = sys.argv[1], sys.argv[2]
aliases = [l.split()[1:3] for l in open(os.path.join(mods, "modules.alias"))
           if l.startswith("alias vfio_pci:")]
devs = os.path.join(root, "bus/pci/devices")
out = {}
for bdf in sorted(os.listdir(devs)):
    r = lambda k: int(open(os.path.join(devs, bdf, k)).read(), 16)
    c = r("class")
    ma = "vfio_pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X" % (
        r("vendor"), r("device"), r("subsystem_vendor"), r("subsystem_device"),
        c >> 16, (c >> 8) & 0xff, c & 0xff)
    out[bdf] = sorted({m for a, m in aliases if fnmatch.fnmatchcase(ma, a)})
print(sum(1 for v in out.values() if v))
PY
	mods=/lib/modules/$(uname -r)
	now_s() { date +%s.%N; }
	for i in $(seq "$N"); do
		t0=$(now_s); "$V" -s $fake -m $mods list --json >/run/vv-list.json; t1=$(now_s)
		python3 /run/vv-scan.py $fake $mods >/run/vv-scan.out; t2=$(now_s)
		echo "$(awk "BEGIN {print $t1 - $t0}") $(awk "BEGIN {print $t2 - $t1}")"
	done >$pairs
report "vfio-variant list vs alias scan (1000 dev)" s "<= 0.1, < 50 ms"
	with=$(python3 -c 'import json,sys; print(sum(1 for d in json.load(open(sys.argv[1])) if any(c.get("module") for c in d["candidates"])))' /run/vv-list.json)
	is "$with" "$(cat /run/vv-scan.out)" "the tool and the scan find variants for the same number of devices"
fi
diag "$(cat "$bench_csv")"
done_testing
