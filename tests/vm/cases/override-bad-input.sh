# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m m-7.2
# Hostile driver_override writes behave exactly as the driver core
# documents (drivers/base/dd.c __device_set_driver_override): too long is
# EINVAL and changes nothing, anything up to the first newline or NUL is
# stored as it is, "" and "\n" clear. None of them changes the binding.
# Not on =y: its writes are parsed by the same code (override-escape-boot
# covers =y). The repeated writes are 4 times as many in 'make stress'.
. "$VV_TOP/tests/vm/lib.sh"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt vv_edu_native; do load $m; done
f=$SYS_PCI/devices/$bdf/driver_override
W=$VV_BIN/sysfs-write
page=$(getconf PAGESIZE)

rebind "$bdf" vfio-pci
start=$(driver_of "$bdf")
is "$start" edu-vfio-best "starting bound to edu-vfio-best"

# case: BYTES | write result | override afterwards | driver a reprobe binds
# (@N:C is N copies of C; "(unchanged)" means the previous value; an empty
# last column skips the reprobe)
n_cases=0 written=0
while IFS='|' read -r bytes result after binds; do
	[ -n "$bytes" ] || continue
	n_cases=$((n_cases + 1))
	printf 'vfio-pci' >"$f"
	got=$("$W" "$f" "$bytes")
	# the kernel answered the write: a byte count or an errno
	[[ $got =~ ^(ok\ [0-9]+|error\ E[A-Z]+)$ ]] && written=$((written + 1))
	now=
	IFS= read -r now <"$f"
	[ "$after" = "(unchanged)" ] && after=vfio-pci
	is "$got" "$result" "write '$bytes' returns '$result'"
	is "$now" "$after" "after '$bytes' the override reads '$after'"
	is "$(driver_of "$bdf")" "$start" "after '$bytes' the binding is unchanged"
	if [ -n "$binds" ]; then
		unbind "$bdf"
		echo "$bdf" >$SYS_PCI/drivers_probe 2>/dev/null
		is "$(driver_of "$bdf")" "$binds" "with '$bytes' written, a reprobe binds $binds"
		rebind "$bdf" vfio-pci
	fi
done <<CASES
@$((page - 1)):a|error EINVAL|(unchanged)|edu-vfio-best
@$page:a|error EINVAL|(unchanged)
@5000:a|error EINVAL|(unchanged)
@$((page - 2)):a|ok $((page - 2))|$(printf 'a%.0s' $(seq 1 $((page - 2))))|none
@255:b|ok 255|$(printf 'b%.0s' $(seq 1 255))|none
@256:c|ok 256|$(printf 'c%.0s' $(seq 1 256))|none
@1023:d|ok 1023|$(printf 'd%.0s' $(seq 1 1023))
\\n|ok 1|(null)|edu-native
\\n\\n|ok 2|(null)
\\0|ok 1|(null)
\\0\\0\\0|ok 3|(null)
\\0vfio-pci|ok 9|(null)|edu-native
\\n vfio-pci|ok 10|(null)
vfio\\0-pci|ok 9|vfio|none
vfio-pci\\0edu-native|ok 19|vfio-pci|edu-vfio-best
vfio-pci\\n|ok 9|vfio-pci|edu-vfio-best
vfio-pci\\n\\n|ok 10|vfio-pci
vfio-pci\\nedu-native|ok 19|vfio-pci|edu-vfio-best
vfio-pci\\x0d|ok 9|$(printf 'vfio-pci\r')|none
vfio-pci\\t|ok 9|$(printf 'vfio-pci\t')|none
vfio-pci |ok 9|vfio-pci |none
 vfio-pci|ok 9| vfio-pci|none
 |ok 1| |none
vfio pci|ok 8|vfio pci|none
vfio_pci|ok 8|vfio_pci|none
VFIO-PCI|ok 8|VFIO-PCI|none
Vfio-pci|ok 8|Vfio-pci|none
vfio|ok 4|vfio|none
vfio-pc|ok 7|vfio-pc|none
vfio-pcix|ok 9|vfio-pcix|none
vfio-pci-|ok 9|vfio-pci-|none
*|ok 1|*|none
vfio-*|ok 6|vfio-*|none
vfio-pci*|ok 9|vfio-pci*|none
-|ok 1|-|none
.|ok 1|.|none
..|ok 2|..|none
../vfio-pci|ok 11|../vfio-pci|none
/sys/bus/pci/drivers/vfio-pci|ok 29|/sys/bus/pci/drivers/vfio-pci|none
vfio/pci|ok 8|vfio/pci|none
%s%s%s%n|ok 8|%s%s%s%n|none
\$(reboot)|ok 9|\$(reboot)|none
;true|ok 5|;true|none
'vfio-pci'|ok 10|'vfio-pci'|none
"vfio-pci"|ok 10|"vfio-pci"|none
\\xff\\xfe|ok 2|$(printf '\xff\xfe')|none
vfi\\xc3\\xb6-pci|ok 9|$(printf 'vfi\xc3\xb6-pci')|none
\\xc0\\xaf|ok 2|$(printf '\xc0\xaf')|none
\\x7f|ok 1|$(printf '\x7f')|none
\\x1b[31mvfio-pci|ok 13|$(printf '\x1b[31mvfio-pci')|none
\\x01\\x02\\x03|ok 3|$(printf '\x01\x02\x03')|none
no-such-driver|ok 14|no-such-driver|none
pci-stub|ok 8|pci-stub|none
vfio_pci:v00001234d000011E8sv*sd*bc*sc*i*|ok 41|vfio_pci:v00001234d000011E8sv*sd*bc*sc*i*|none
vv_edu_vfio_best|ok 16|vv_edu_vfio_best|none
edu-vfio-best|ok 13|edu-vfio-best|edu-vfio-best
edu-vfio-alt|ok 12|edu-vfio-alt|edu-vfio-alt
edu-native|ok 10|edu-native|edu-native
CASES
ok "$([ "$written" = "$n_cases" ] && [ "$written" -ge 50 ]; echo $?)" \
	"$written hostile inputs written, each answered by the kernel ($n_cases in the table)"

# the same write many times over, and alternating ones
reps=50
[ "$VV_STRESS" = 1 ] && reps=200
for i in $(seq $reps); do printf 'vfio-pci' >"$f"; done
is "$(cat "$f")" vfio-pci "$reps identical writes: the override reads vfio-pci"
for i in $(seq $((reps / 2))); do printf 'edu-native' >"$f"; printf '\n' >"$f"; done
is "$(cat "$f")" "(null)" "$((reps / 2)) set/clear pairs: the override is cleared"
is "$(driver_of "$bdf")" "$start" "and the binding never changed"
printf 'vfio-pci' >"$f"

rebind "$bdf" "no-such-driver"
is "$(driver_of "$bdf")" none "an override naming no driver binds nothing"
rebind "$bdf" "vfio"
is "$(driver_of "$bdf")" none "a prefix of the alias is not the alias"
rebind "$bdf" "VFIO-PCI"
is "$(driver_of "$bdf")" none "the alias is case-sensitive"
rebind "$bdf" ""
done_testing
