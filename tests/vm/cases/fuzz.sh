# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m-debug m-7.2
# A seeded random VFIO client (tests/client/vfio-fuzz.c) over both NVLink2
# variants and base vfio-pci on the simulated node. VV_FUZZ_CALLS calls per
# seed (2000 calls of seed 1 here; in 'make stress' 100000 calls of a fresh
# seed); a failure names its seed: 'vfio-fuzz SEED CALLS BDF...' replays it.
# On the debug kernel (KASAN, UBSAN, lockdep, kmemleak), not on =m or =y,
# which run the same code unchecked; and on 7.2, whose region paths differ.
. "$VV_TOP/tests/vm/lib.sh"

sim_up || { ok 1 "simulated NVLink2 node is up"; done_testing; exit; }
have_modules && modprobe vfio-pci
gpu=$(sim_gpus | head -1 | cut -d' ' -f1)
link=$(sim_links | head -1 | cut -d' ' -f1)
bare=$(sim_bare_gpus | head -1 | cut -d' ' -f1)
for b in $gpu $link $bare; do rebind "$b" vfio-pci; done
is "$(driver_of "$gpu") $(driver_of "$link") $(driver_of "$bare")" \
	"nvlink2gpu-vfio-pci npu2-vfio-pci vfio-pci" "the fuzzed devices: both variants and base vfio-pci"

if [ "$VV_STRESS" = 1 ]; then
	calls=${VV_FUZZ_CALLS:-100000}
	seeds=${VV_FUZZ_SEEDS:-$(date +%s)}	# a new seed each stress run
else
	calls=${VV_FUZZ_CALLS:-2000}
	seeds=${VV_FUZZ_SEEDS:-1}
fi
leak_mark
for seed in $seeds; do
	t0=$(date +%s)
	tap_include "fuzz" timeout $((600 + calls / 10)) "$VV_BIN/vfio-fuzz" "$seed" "$calls" $gpu $link $bare
	diag "seed $seed: $calls calls in $(($(date +%s) - t0)) s"
done

# afterwards the devices still work: the GPU client's checks pass (as in
# nvlink2.sh), on the GPU and the link that were fuzzed. The fuzzer wrote
# at random into the link's ATSD register: put back first the mark the
# simulation left there, which the link's check and other tests look for
line=$(sim_gpus | head -1)
lline=$(sim_links | head -1)
magic=$(sim_field "$lline" atsd_magic)
"$VV_BIN/vfio-nvlink2" atsd-set "$link" "$magic"
ok $? "$link: ATSD register restored to $magic"
base=$(sim_field "$line" ram)
tap_include "after fuzzing: gpu $gpu" "$VV_BIN/vfio-nvlink2" gpu "$gpu" "$(sim_field "$line" size)" \
	"$(sim_field "$line" tgt)" "$(((base & 0x1fffff) == 0 ? 1 : 0))"
tap_include "after fuzzing: link $link" "$VV_BIN/vfio-nvlink2" npu "$link" \
	"$(sim_field "$lline" tgt)" "$(sim_field "$lline" speed)" "${magic:-none}"
for b in $gpu $link $bare; do rebind "$b" ""; done
is "$(driver_of "$gpu")" gpu-native "the GPU goes back to its native driver"
leak_check "$calls fuzzed calls a seed, open to close"
done_testing
