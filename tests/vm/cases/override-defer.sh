# SPDX-License-Identifier: GPL-2.0
# A preferred variant whose probe asks to be deferred (-EPROBE_DEFER) is
# retried later, and binds then: the next candidate does not take the
# device meanwhile (v1 treated the deferral as a refusal and bound the next
# variant for good). With asynchronous probing (the module's async_probe=1)
# the retry, which runs the sync pass first, still picks it.
. "$VV_TOP/tests/vm/lib.sh"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt vv_edu_native; do load $m; done
wait_driver() { # BDF: up to 5 s for a retried or asynchronous probe
	local i
	for i in $(seq 50); do [ "$(driver_of "$1")" != none ] && break; sleep 0.1; done
	driver_of "$1"
}

rebind "$bdf" ""
echo 1 >/sys/module/vv_edu_vfio_best/parameters/defer
rebind "$bdf" vfio-pci
is "$(driver_of "$bdf")" none "edu-vfio-best defers: nothing binds meanwhile"
grep -q "$bdf" /sys/kernel/debug/devices_deferred
ok $? "the device waits on the deferred list"
deferred_trigger
is "$(wait_driver "$bdf")" edu-vfio-best "the retry binds edu-vfio-best"

if have_modules; then
	rebind "$bdf" ""
	rmmod vv_edu_vfio_best
	modprobe vv_edu_vfio_best async_probe=1 defer=1
	rebind "$bdf" vfio-pci
	is "$(driver_of "$bdf")" none "asynchronous edu-vfio-best defers: nothing binds meanwhile"
	deferred_trigger
	is "$(wait_driver "$bdf")" edu-vfio-best \
		"the retry's sync pass leaves the device to asynchronous edu-vfio-best"
	rebind "$bdf" ""
	rmmod vv_edu_vfio_best
	modprobe vv_edu_vfio_best
else
	skip "=y: no module parameters to make a driver asynchronous; the test bus checks async ranking (core-rank)" \
		"asynchronous preferred driver after a deferral"
fi
rebind "$bdf" ""
done_testing
