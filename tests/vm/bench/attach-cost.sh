# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m unpatched
# What the series costs a device without driver_override: attach 250 PCI
# devices (no override; 125 simulated V100s that gpu-native binds, 125
# NVLink2 links that nothing binds) with 500 other PCI drivers registered
# before gpu-native, on the patched =m kernel and on the unpatched one
# (same config, same boot). The harness puts the two side by side
# (attach-cost.txt of each boot: one time in seconds per run).
. "$VV_TOP/tests/vm/lib.sh"
need_modules "loading 500 drivers and the simulated node"
bench_init
B=$VV_BIN/vv-bench

autoload 0
modprobe vv_dummy_drivers count=500
modprobe vv_gpu_native
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
modprobe vv_nvlink2_sim gpus=125 links=1 bare_gpu=0 lone_link=0 ram_mb=2 ram_default_mb=2 bar1_mb=256
devs="$(sim_gpus | cut -d' ' -f1) $(sim_links | cut -d' ' -f1)"
is "$(echo $devs | wc -w)" 250 "250 devices to attach"
$B bind "" $devs >/dev/null
for i in $(seq $((N * 3))); do $B bind "" $devs; done >"$VV_OUT/attach-cost.txt"
g=$(echo $devs | cut -d' ' -f1)
is "$(driver_of "$g")" gpu-native "the GPUs are attached to gpu-native"
diag "figure: attach of 250 devices on $VV_FLAVOUR, s per run: $(tr '\n' ' ' <"$VV_OUT/attach-cost.txt")"
rmmod vv_nvlink2_sim vv_gpu_native vv_dummy_drivers
autoload 1
done_testing
