# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m y m-7.2
# The outcome does not depend on the order the variants' modules were
# loaded; a variant loaded later binds an unbound device whose override is
# its alias but never takes a bound one. (=y: link order is covered by
# override-rank on that kernel.)
# Not on m-debug: the debug kernel runs the same paths in
# override-stock-flows, override-concurrency and core-rank.
. "$VV_TOP/tests/vm/lib.sh"
need_modules "module load orders"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
autoload 0
for order in "vfio_pci vv_edu_vfio_best vv_edu_vfio_alt" \
	"vfio_pci vv_edu_vfio_alt vv_edu_vfio_best" \
	"vv_edu_vfio_best vfio_pci vv_edu_vfio_alt" \
	"vv_edu_vfio_best vv_edu_vfio_alt vfio_pci" \
	"vv_edu_vfio_alt vfio_pci vv_edu_vfio_best" \
	"vv_edu_vfio_alt vv_edu_vfio_best vfio_pci"; do
	rebind "$bdf" ""
	unload_edu
	for m in $order; do modprobe "$m"; done
	rebind "$bdf" vfio-pci
	is "$(driver_of "$bdf")" edu-vfio-best "loaded as: $order"
	decline vv_edu_vfio_best 1
	rebind "$bdf" vfio-pci
	is "$(driver_of "$bdf")" edu-vfio-alt "loaded as: $order; best declines"
	decline vv_edu_vfio_best 0
done

# late loading
rebind "$bdf" ""
unload_edu
set_override "$bdf" vfio-pci
modprobe vv_edu_native
is "$(driver_of "$bdf")" none "a native driver loaded later does not bind under the override"
modprobe vfio_pci
is "$(driver_of "$bdf")" vfio-pci "vfio-pci loaded later binds the unbound device"
modprobe vv_edu_vfio_best
is "$(driver_of "$bdf")" vfio-pci "a variant loaded later never takes a bound device"
unbind "$bdf"
rmmod vv_edu_vfio_best
modprobe vv_edu_vfio_best
is "$(driver_of "$bdf")" edu-vfio-best "a variant loaded later binds an unbound device with its alias"
rebind "$bdf" ""
is "$(driver_of "$bdf")" edu-native "override cleared: native"
modprobe vv_edu_vfio_alt
is "$(driver_of "$bdf")" edu-native "variants loaded while native owns the device leave it alone"
autoload 1
done_testing
