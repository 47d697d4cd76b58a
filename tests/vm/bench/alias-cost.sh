# SPDX-License-Identifier: GPL-2.0
# What the alias costs: time of "rebind" (override write + unbind +
# drivers_probe) through driver_override=vfio-pci against the exact
# variant name, and of an override write that autoloads the variants
# against one that finds them loaded. Medians of N runs in this boot.
. "$VV_TOP/tests/vm/lib.sh"
N=${VV_BENCH_N:-15}
bdf=$(find_dev 1234 11e8)
now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt; do load $m; done
bind_us() { # OVERRIDE
	local i t0
	for i in $(seq 1 "$N"); do
		set_override "$bdf" ""
		unbind "$bdf"
		t0=$(now)
		set_override "$bdf" "$1"
		echo "$bdf" >$SYS_PCI/drivers_probe
		echo $(( ($(now) - t0) / 1000 ))
	done | median
}
have_modules && autoload 0
alias=$(bind_us vfio-pci)
exact=$(bind_us edu-vfio-best)
is "$(driver_of "$bdf")" edu-vfio-best "binds through both paths"
diag "bind via alias vfio-pci: ${alias} us, via exact name: ${exact} us (median of $N), ratio $(awk "BEGIN {printf \"%.3f\", $alias / $exact}")"
echo "alias_bind_us=$alias exact_bind_us=$exact" >"$VV_OUT/alias-cost.txt"

if have_modules; then
	autoload 1
	cold=$(for i in $(seq 1 "$N"); do
		rebind "$bdf" ""; unload_edu
		t0=$(now); set_override "$bdf" vfio-pci; echo $(( ($(now) - t0) / 1000 ))
	done | median)
	warm=$(for i in $(seq 1 "$N"); do
		set_override "$bdf" ""
		t0=$(now); set_override "$bdf" vfio-pci; echo $(( ($(now) - t0) / 1000 ))
	done | median)
	ok "$(loaded vv_edu_vfio_best; echo $?)" "the autoloading write loaded the variant"
	diag "override write that autoloads: ${cold} us; with modules loaded: ${warm} us (median of $N)"
	echo "autoload_cold_us=$cold autoload_warm_us=$warm" >>"$VV_OUT/alias-cost.txt"
fi
rebind "$bdf" ""
done_testing
