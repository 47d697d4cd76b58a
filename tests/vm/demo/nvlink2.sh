# SPDX-License-Identifier: GPL-2.0
# 'make demo', part 2: the NVLink2 variants on the simulated POWER9 node.
. "$VV_TOP/tests/vm/lib.sh"

show() { diag "\$ $*"; eval "$*" 2>&1 | sed 's/^/#   /'; }
sim_up || { ok 1 "simulated NVLink2 node is up"; done_testing; exit; }
have_modules && modprobe vfio-pci
gpu=$(sim_gpus | head -1 | cut -d' ' -f1)
link=$(sim_links | head -1 | cut -d' ' -f1)

diag ""
diag "The simulated NVLink2 node (a PCI domain of its own, POWER9 firmware properties):"
show "cat $SIM_LAYOUT"
show "lspci -k -s $gpu"
is "$(driver_of "$gpu")" gpu-native "without driver_override the native driver (nouveau's stand-in) owns the GPU"

diag ""
diag "driver_override=vfio-pci binds the NVLink2 variants, loaded through their vfio_pci: aliases:"
show "echo vfio-pci > /sys/bus/pci/devices/$gpu/driver_override"
show "echo $gpu > /sys/bus/pci/devices/$gpu/driver/unbind"
show "echo $gpu > /sys/bus/pci/drivers_probe"
show "echo vfio-pci > /sys/bus/pci/devices/$link/driver_override"
show "echo $link > /sys/bus/pci/drivers_probe"
show "lspci -k -s $gpu; lspci -k -s $link"
is "$(driver_of "$gpu")" nvlink2gpu-vfio-pci "the GPU is bound to nvlink2gpu-vfio-pci"
is "$(driver_of "$link")" npu2-vfio-pci "the NPU2 link is bound to npu2-vfio-pci"
show "$VV_TOP/build/tools/vfio-variant explain $gpu | tail -4"

diag ""
diag "A VMM finds the regions by type/subtype and reads their capabilities:"
show "$VV_BIN/vfio-nvlink2 info $gpu"
show "$VV_BIN/vfio-nvlink2 info $link"

rebind "$gpu" ""
rebind "$link" ""
is "$(driver_of "$gpu")" gpu-native "clearing the override gives the GPU back to the native driver"
done_testing
