# SPDX-License-Identifier: GPL-2.0
# Hostile driver_override writes behave exactly as the driver core
# documents (drivers/base/dd.c __device_set_driver_override): too long is
# EINVAL and changes nothing, anything up to the first newline or NUL is
# stored as it is, "" and "\n" clear. None of them changes the binding.
. "$VV_TOP/tests/vm/lib.sh"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt vv_edu_native; do load $m; done
f=$SYS_PCI/devices/$bdf/driver_override
W=$VV_BIN/sysfs-write
page=$(getconf PAGESIZE)

rebind "$bdf" vfio-pci
start=$(driver_of "$bdf")
is "$start" edu-vfio-best "starting bound to edu-vfio-best"

# case: BYTES | expected write result | expected override afterwards
# (@N:C is N copies of C; "(unchanged)" means the previous value)
while IFS='|' read -r bytes result after; do
	[ -n "$bytes" ] || continue
	printf 'vfio-pci' >"$f"
	got=$("$W" "$f" "$bytes")
	now=$(cat "$f")
	[ "$after" = "(unchanged)" ] && after=vfio-pci
	is "$got" "$result" "write '$bytes' returns '$result'"
	is "$now" "$after" "after '$bytes' the override reads '$after'"
	is "$(driver_of "$bdf")" "$start" "after '$bytes' the binding is unchanged"
done <<CASES
@$((page - 1)):a|error EINVAL|(unchanged)
@$page:a|error EINVAL|(unchanged)
@5000:a|error EINVAL|(unchanged)
@$((page - 2)):a|ok $((page - 2))|$(printf 'a%.0s' $(seq 1 $((page - 2))))
\\n|ok 1|(null)
\\0|ok 1|(null)
\\0vfio-pci|ok 9|(null)
vfio\\0-pci|ok 9|vfio
vfio-pci\\n\\n|ok 10|vfio-pci
vfio-pci\\nedu-native|ok 19|vfio-pci
\\xff\\xfe|ok 2|$(printf '\xff\xfe')
vfio pci|ok 8|vfio pci
../vfio-pci|ok 11|../vfio-pci
no-such-driver|ok 14|no-such-driver
CASES

rebind "$bdf" "no-such-driver"
is "$(driver_of "$bdf")" none "an override naming no driver binds nothing"
rebind "$bdf" "vfio"
is "$(driver_of "$bdf")" none "a prefix of the alias is not the alias"
rebind "$bdf" "VFIO-PCI"
is "$(driver_of "$bdf")" none "the alias is case-sensitive"
rebind "$bdf" ""
done_testing
