# SPDX-License-Identifier: GPL-2.0
# 'make demo': the main job, shown on QEMU's edu device with the test
# variants edu-vfio-best (priority 20) and edu-vfio-alt (priority 15).
. "$VV_TOP/tests/vm/lib.sh"

bdf=$(find_dev 1234 11e8)
show() { diag "\$ $*"; eval "$*" 2>&1 | sed 's/^/#   /'; }
drv() { diag "    => $bdf is bound to: $(driver_of "$bdf")"; }

diag "edu device at $bdf; kernel $(uname -r)"
show "modprobe vv_edu_native"
show "echo $bdf > /sys/bus/pci/drivers_probe"
drv
is "$(driver_of "$bdf")" edu-native "without driver_override the native driver owns the device"

diag ""
diag "No vfio module is loaded. An admin (or libvirt, or driverctl) writes vfio-pci:"
show "lsmod | grep -E 'vfio|edu' || echo '(none)'"
show "echo vfio-pci > /sys/bus/pci/devices/$bdf/driver_override"
show "lsmod | grep -E 'vfio|edu' | cut -d' ' -f1"
show "echo $bdf > /sys/bus/pci/devices/$bdf/driver/unbind"
show "echo $bdf > /sys/bus/pci/drivers_probe"
drv
is "$(driver_of "$bdf")" edu-vfio-best "driver_override=vfio-pci bound the best variant, loaded on demand"
show "grep . /sys/bus/pci/drivers/*/override_*"
diag ""
diag "vfio-variant explains the choice:"
show "$VV_TOP/build/tools/vfio-variant list | grep -A5 '^$bdf'"
show "$VV_TOP/build/tools/vfio-variant explain $bdf | tail -6"

diag ""
diag "The best variant declines the device: the next candidate binds."
show "echo 1 > /sys/module/vv_edu_vfio_best/parameters/decline"
rebind "$bdf" vfio-pci
drv
is "$(driver_of "$bdf")" edu-vfio-alt "fallback to the next variant"
show "echo 1 > /sys/module/vv_edu_vfio_alt/parameters/decline"
rebind "$bdf" vfio-pci
drv
is "$(driver_of "$bdf")" vfio-pci "fallback to base vfio-pci"
decline vv_edu_vfio_best 0
decline vv_edu_vfio_alt 0

diag ""
diag "A VMM uses the device through VFIO:"
rebind "$bdf" vfio-pci
"$VV_BIN/vfio-edu" "$bdf" | grep '^ok' | sed 's/^ok [0-9]* - /#   /'
diag ""
diag "Back to the native driver:"
show "echo > /sys/bus/pci/devices/$bdf/driver_override"
rebind "$bdf" ""
drv
is "$(driver_of "$bdf")" edu-native "clearing the override returns the device"
done_testing
