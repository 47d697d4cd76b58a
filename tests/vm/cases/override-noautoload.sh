# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m m-7.2
# vv-append: pci=no_override_autoload
# With pci=no_override_autoload the override write loads nothing; binding
# works as on the stock kernel once the modules are loaded by hand.
. "$VV_TOP/tests/vm/lib.sh"
need_modules "module autoload"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
grep -qw pci=no_override_autoload /proc/cmdline
ok $? "booted with pci=no_override_autoload"
rebind "$bdf" ""
unload_edu
modprobe_wrap
set_override "$bdf" vfio-pci
is "$(cat /run/vv-modprobe.log)" "" "the write asks modprobe for nothing"
modprobe_unwrap
ok "$(! loaded vv_edu_vfio_best && ! loaded vfio_pci; echo $?)" "nothing is loaded"
unbind "$bdf"
echo "$bdf" >$SYS_PCI/drivers_probe
is "$(driver_of "$bdf")" none "nothing binds"
modprobe vv_edu_vfio_alt
is "$(driver_of "$bdf")" edu-vfio-alt "a variant loaded by hand binds the unbound device"
rebind "$bdf" ""
done_testing
