# SPDX-License-Identifier: GPL-2.0
# What the alias costs on QEMU's edu device: "rebind" (override write +
# unbind + drivers_probe) through driver_override=vfio-pci against the exact
# variant name, and (=m) an override write that autoloads the variants
# against one that finds them loaded. Rows of bench.csv (see lib.sh).
. "$VV_TOP/tests/vm/lib.sh"
bench_init
N=$((N * 3))	# single rebinds are short: three times the runs
bdf=$(find_dev 1234 11e8)
now() { date +%s%N; }

for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt; do load $m; done
bind_us() { # OVERRIDE: one rebind through it, in microseconds
	local t0
	set_override "$bdf" ""
	unbind "$bdf"
	t0=$(now)
	set_override "$bdf" "$1"
	echo "$bdf" >$SYS_PCI/drivers_probe
	echo $(( ($(now) - t0) / 1000 ))
}
have_modules && autoload 0
# alternate, so that drift in the machine's speed hits both alike
for i in $(seq $N); do
	echo "$(bind_us vfio-pci) $(bind_us edu-vfio-best)"
done >$pairs
is "$(driver_of "$bdf")" edu-vfio-best "binds through both paths"
report "edu: bind via alias vs exact name" us "<= 1.02"

if have_modules; then
	autoload 1
	for i in $(seq $N); do
		rebind "$bdf" ""; unload_edu
		t0=$(now); set_override "$bdf" vfio-pci; cold=$(( ($(now) - t0) / 1000 ))
		set_override "$bdf" ""
		t0=$(now); set_override "$bdf" vfio-pci; warm=$(( ($(now) - t0) / 1000 ))
		echo "$cold $warm"
	done >$pairs
	ok "$(loaded vv_edu_vfio_best; echo $?)" "the autoloading write loaded the variant"
	report "override write: autoload vs loaded" us "report"
fi
rebind "$bdf" ""
done_testing
