# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# TAP helpers and PCI helpers for the test scripts that run inside the
# guest. A script sources this file, calls the helpers, and ends with
# 'done_testing', which prints the plan.

_tap_n=0
_tap_failed=0

diag() { echo "# $*"; }

ok() { # COND-STATUS DESCRIPTION
	local status=$1
	shift
	_tap_n=$((_tap_n + 1))
	if [ "$status" = 0 ]; then
		echo "ok $_tap_n - $*"
	else
		echo "not ok $_tap_n - $*"
		_tap_failed=$((_tap_failed + 1))
		return 1
	fi
}

is() { # GOT WANT DESCRIPTION
	local got=$1 want=$2
	shift 2
	if [ "$got" = "$want" ]; then
		ok 0 "$*"
	else
		ok 1 "$*"
		diag "  got:  '$got'"
		diag "  want: '$want'"
		return 1
	fi
}

skip() { # REASON DESCRIPTION
	local why=$1
	shift
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $* # SKIP $why"
}

# run a TAP-producing program; each of its results becomes one of ours,
# and a program that fails without saying which test failed is a failure
tap_include() { # PREFIX COMMAND...
	local prefix=$1 line rc out failed=0
	shift
	# the output in a variable: no mktemp and rm processes per call
	out=$(exec 2>&1; "$@")
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*" - "*) ok 0 "$prefix: ${line#* - }" ;;
		"not ok "*" - "*) ok 1 "$prefix: ${line#* - }"; failed=1 ;;
		"#"*) echo "$line" ;;
		esac
	done <<<"$out"
	[ $rc = 0 ] || [ $failed = 1 ] || { ok 1 "$prefix: exited $rc"; printf '# %s\n' "${out//$'\n'/$'\n'# }"; }
}

# run a kselftest-harness program (TAP 13: "ok N name", "ok N name # SKIP
# why", "not ok N name"); each of its results becomes one of ours. Names
# matching a glob of the associative array KSFT_XFAIL (glob -> why) must
# fail: their failure passes here, with the reason, and their success
# fails. Names matching a glob of KSFT_RUN (glob -> why) must not skip. A
# program that exits non-zero without a failure we expected, that prints
# no result, or fewer than its plan, is a failure.
declare -A KSFT_XFAIL=() KSFT_RUN=()
ksft_include() { # PREFIX COMMAND...
	local prefix=$1 line name dir why g rc out bad=0 xhit=0 n=0 xf run plan=
	shift
	out=$(mktemp)
	"$@" >"$out" 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*|"not ok "*) ;;
		"1.."*) plan=${line#1..}; continue ;;
		*) echo "# $line"; continue ;;
		esac
		n=$((n + 1))
		name=${line#*ok [0-9]* }
		dir= why=
		case $name in *" # "*)
			why=${name#* # }; name=${name%% # *}
			dir=${why%% *}; why=${why#"$dir"}; why=${why# } ;;
		esac
		xf= run=
		for g in "${!KSFT_XFAIL[@]}"; do
			# shellcheck disable=SC2053
			[[ $name == $g ]] && xf=${KSFT_XFAIL[$g]}
		done
		for g in "${!KSFT_RUN[@]}"; do
			# shellcheck disable=SC2053
			[[ $name == $g ]] && run=${KSFT_RUN[$g]}
		done
		if [ "$dir" = SKIP ] && [ -n "$run" ]; then
			ok 1 "$prefix: $name skipped ($why), but must run here: $run"; bad=1
		elif [ "$dir" = SKIP ] && [ -n "$xf" ]; then
			ok 1 "$prefix: $name skipped ($why), but was expected to fail: $xf"; bad=1
		elif [ "$dir" = SKIP ]; then
			skip "$why" "$prefix: $name"
		elif [ -n "$xf" ]; then
			case $line in
			"not ok "*) ok 0 "$prefix: $name fails, as expected: $xf"; xhit=1 ;;
			*) ok 1 "$prefix: $name passes, but was expected to fail: $xf"; bad=1 ;;
			esac
		else
			case $line in
			"not ok "*) ok 1 "$prefix: $name"; bad=1 ;;
			*) ok 0 "$prefix: $name${dir:+ ($dir${why:+ $why})}" ;;
			esac
		fi
	done <"$out"
	if [ $n = 0 ]; then
		ok 1 "$prefix: printed no result (exit $rc)"
		sed 's/^/# /' "$out"
	elif [ -n "$plan" ] && [ "$plan" != $n ]; then
		ok 1 "$prefix: ran $n of its $plan tests (exit $rc)"
	elif [ $rc != 0 ] && [ $bad = 0 ] && [ $xhit = 0 ]; then
		ok 1 "$prefix: exited $rc"
	fi
	rm -f "$out"
}

done_testing() {
	echo "1..$_tap_n"
	[ $_tap_failed = 0 ]
}

# --- PCI helpers -----------------------------------------------------------

SYS_PCI=/sys/bus/pci

# find_dev VENDOR DEVICE: print the first device address with these ids
find_dev() {
	local d v
	for d in $SYS_PCI/devices/*; do
		read -r v <"$d/vendor" || continue
		[ "$v" = "0x$1" ] || continue
		if read -r v <"$d/device" && [ "$v" = "0x$2" ]; then
			echo "${d##*/}"
			return 0
		fi
	done
	return 1
}

# driver_of BDF: the bound driver's name, or "none". The helpers the
# tests call in loops use no other program: a process costs about 0.4 s on
# the debug kernel under TCG (/proc/stat's "processes", tests/vm/init).
driver_of() {
	local l=$SYS_PCI/devices/$1/driver here=$PWD
	if [ -L "$l" ] && cd -P "$l" 2>/dev/null; then
		echo "${PWD##*/}"
		cd "$here" || return
	else
		echo none
	fi
}

unbind() {
	local drv
	drv=$(driver_of "$1")
	[ "$drv" = none ] || echo "$1" >"$SYS_PCI/drivers/$drv/unbind"
}

set_override() { # BDF VALUE ('' clears)
	printf '%s\n' "$2" >"$SYS_PCI/devices/$1/driver_override"
}

# rebind BDF [OVERRIDE]: set the override (or clear it), unbind, reprobe
rebind() {
	set_override "$1" "${2:-}"
	unbind "$1"
	echo "$1" >$SYS_PCI/drivers_probe 2>/dev/null || true
}

have_modules() { [ -e /proc/modules ]; }

# edu_devs: the address of every edu function
edu_devs() {
	local d v i
	for d in $SYS_PCI/devices/*; do
		read -r v <"$d/vendor" && read -r i <"$d/device" || continue
		[ "$v:$i" = 0x1234:0x11e8 ] && echo "${d##*/}"
	done
	return 0
}

# the edu functions that are not on the root bus (behind the root port)
edu_pair() {
	local b
	for b in $(edu_devs); do
		[ "${b:5:2}" != 00 ] && echo "$b"
	done
	return 0
}

# --- udev (the host's systemd-udevd, run in the guest) ----------------------
# udev_up installs the tool, its udev rule and systemd unit with 'make
# install' (PREFIX=/usr/local) into the guest's root, an overlay that the
# host never sees, with no choice persisted, and starts systemd-udevd;
# udev_down stops it and runs 'make uninstall'.
UNITDIR=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
udev_up() {
	rm -rf /etc/vfio-variant
	make -s -C "$VV_TOP" install PREFIX=/usr/local >/run/vv-install.log 2>&1
	ok $? "make install PREFIX=/usr/local in the guest's root" || sed 's/^/# /' /run/vv-install.log
	/usr/lib/systemd/systemd-udevd --daemon
	udevadm control --ping
	ok $? "systemd-udevd runs in the guest with the installed rule"
}
udev_down() {
	udevadm control --exit
	make -s -C "$VV_TOP" uninstall PREFIX=/usr/local >/dev/null 2>&1
	rm -rf /etc/vfio-variant
}
# wanted BDF: the units the rules made the device want (udev's SYSTEMD_WANTS)
wanted() { udevadm info -q property "$SYS_PCI/devices/$1" 2>/dev/null | sed -n 's/^SYSTEMD_WANTS=//p'; }
# unit_start UNIT: start UNIT as systemd would for SYSTEMD_WANTS (the
# guest's PID 1 is not systemd): the installed template's ExecStart=, with
# %I and %i the instance; its output in /run/vv-unit.out
unit_start() {
	local unit=$1 inst cmd
	inst=${unit#*@}
	inst=${inst%.service}
	cmd=$(sed -n 's/^ExecStart=//p' "$UNITDIR/${unit%%@*}@.service")
	cmd=${cmd//%I/$inst}
	$cmd >/run/vv-unit.out 2>&1
}

# bind_events BDF COMMAND...: run COMMAND (its output in /run/vv-ev.out,
# its status in $ev_rc) and print the kernel's bind and unbind uevents for
# BDF meanwhile: "bind:DRIVER unbind ..."
bind_events() {
	local bdf=$1 m
	shift
	udevadm monitor --kernel --property --subsystem-match=pci >/run/vv-ev 2>&1 &
	m=$!
	until grep -q "^monitor will print" /run/vv-ev 2>/dev/null; do sleep 0.05; done
	"$@" >/run/vv-ev.out 2>&1
	ev_rc=$?
	sleep 0.3
	kill $m
	wait $m 2>/dev/null
	awk -v d="/$bdf" 'BEGIN { RS = "" } {
		a = p = drv = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^ACTION=/) a = substr($i, 8)
			if ($i ~ /^DEVPATH=/) p = substr($i, 9)
			if ($i ~ /^DRIVER=/) drv = substr($i, 8)
		}
		if ((a == "bind" || a == "unbind") && substr(p, length(p) - length(d) + 1) == d)
			printf "%s%s ", a, (a == "bind" ? ":" drv : "")
	}' /run/vv-ev
}

# --- leaks (kmemleak, on the debug kernel) ----------------------------------
# leak_mark forgets what is suspected so far (boot and earlier tests);
# leak_check reports what leaked since. kmemleak reports an object only
# once it is 5 s old and was unreferenced at a scan, hence the wait.
KMEMLEAK=/sys/kernel/debug/kmemleak
leak_mark() {
	[ -w $KMEMLEAK ] || return 0
	echo scan >$KMEMLEAK && echo clear >$KMEMLEAK
}
leak_check() { # WHAT
	local n
	if [ ! -w $KMEMLEAK ]; then
		skip "CONFIG_DEBUG_KMEMLEAK is in the debug kernel only" "kmemleak: $1 leaks nothing"
		return
	fi
	sleep 6
	local t0=$SECONDS
	echo scan >$KMEMLEAK
	echo scan >$KMEMLEAK
	diag "kmemleak: two scans took $((SECONDS - t0)) s"
	n=$(grep -c '^unreferenced object' $KMEMLEAK)
	[ "$n" = 0 ] || diag "$(head -60 $KMEMLEAK)"
	is "$n" 0 "kmemleak: $1 leaks nothing"
}

# --- storms (storm-nvlink2, override-concurrency) ---------------------------
# storm_start SECONDS, then storm_run NAME FUNCTION... for each worker: a
# worker loops 'while storm_alive' and does each operation through try,
# which counts it, and counts it as worked when it succeeds. The storm
# lasts SECONDS, longer (up to six times: an operation of the debug kernel
# under TCG can take seconds) until every worker has worked once. storm_wait
# waits for the workers and fails for each one that did no successful work:
# a storm in which every operation failed is red.
STORM=/run/vv-storm
storm_start() {
	rm -rf $STORM
	mkdir -p $STORM
	storm_t0=$(date +%s)
	storm_end=$((storm_t0 + $1)) storm_limit=$((storm_t0 + 6 * $1))
	storm_pids=() storm_names=()
}
storm_run() {
	local name=$1
	shift
	echo "$name" >>$STORM/workers
	(storm_name=$name n=0 tries=0; "$@"; echo "$n $tries" >"$STORM/$name") &
	storm_pids+=($!)
	storm_names+=("$name")
}
storm_alive() {
	local now
	now=$(date +%s)
	[ "$now" -lt "$storm_end" ] && return 0
	[ "$now" -lt "$storm_limit" ] &&
		[ "$(find $STORM -name '*.worked' | wc -l)" -lt "$(wc -l <$STORM/workers)" ]
}
try() { # COMMAND...: one operation of a storm worker
	tries=$((tries + 1))
	"$@" || return 0
	n=$((n + 1))
	[ $n = 1 ] && : >"$STORM/$storm_name.worked"
}
storm_wait() {
	local name n tries
	wait "${storm_pids[@]}"
	diag "storm of ${#storm_names[@]} workers: $(($(date +%s) - storm_t0)) s"
	for name in "${storm_names[@]}"; do
		read -r n tries <"$STORM/$name"
		ok "$([ "${n:-0}" -gt 0 ]; echo $?)" "storm worker $name: ${n:-no} of ${tries:-?} operations worked"
	done
}
# reprobe BDF: unbind and probe; worked when the unbind released a driver
# or the probe bound one
reprobe() {
	local drv w=1
	drv=$(driver_of "$1")
	[ "$drv" != none ] && echo "$1" >"$SYS_PCI/drivers/$drv/unbind" 2>/dev/null && w=0
	echo "$1" >$SYS_PCI/drivers_probe 2>/dev/null && [ "$(driver_of "$1")" != none ] && w=0
	return $w
}

load() { # MODULE...: modprobe when modules exist (=m); built in otherwise
	if have_modules; then
		modprobe -a "$@"
	fi
}

# --- the edu test drivers (tests/kmod) --------------------------------------

EDU_MODULES="vv_edu_vfio_best vv_edu_vfio_alt vfio_pci vv_edu_native"

decline() { # MODULE 0|1: make a test variant refuse (1) or accept (0) devices
	echo "$2" >"/sys/module/$1/parameters/decline"
}

# modprobe_wrap [DELAY]: the kernel's module requests (request_module) go
# through a wrapper that logs them to /run/vv-modprobe.log and waits DELAY
# seconds before loading; modprobe_unwrap restores the real modprobe.
VV_MODPROBE=/sbin/modprobe
modprobe_wrap() {
	printf '#!/bin/sh\necho "$*" >>/run/vv-modprobe.log\nsleep %s\nexec %s "$@"\n' \
		"${1:-0}" "$VV_MODPROBE" >/run/vv-modprobe
	chmod +x /run/vv-modprobe
	: >/run/vv-modprobe.log
	echo /run/vv-modprobe >/proc/sys/kernel/modprobe
}
modprobe_unwrap() { echo "$VV_MODPROBE" >/proc/sys/kernel/modprobe; }

# autoload 0|1: the kernel loads no module (its module requests run
# /bin/true) while a test sets up load orders itself, or loads them again
autoload() {
	if [ "$1" = 0 ]; then echo /bin/true >/proc/sys/kernel/modprobe; else modprobe_unwrap; fi
}

# unload the edu drivers (=m only); the device must not be bound to them
unload_edu() {
	local m
	for m in $EDU_MODULES; do
		[ -d /sys/module/$m ] && rmmod "$m"
	done
	return 0
}

loaded() { [ -d "/sys/module/$1" ]; }

# ok_cmd DESCRIPTION COMMAND...: one test point from a command's status
ok_cmd() {
	local d=$1
	shift
	"$@" >/dev/null 2>&1
	ok $? "$d"
}

# --- kernel builds as test points (tests/host) ------------------------------
# kbuild_ok DESCRIPTION TARGETS MAKE...: run MAKE... on TARGETS (objects
# file.o or directories dir/ of the kernel tree, built in $obj) as one test
# point. Red when make fails ("No rule to make target ... Stop." and
# "Error 2" contain no lowercase "error"), when it prints an error or a
# warning in any case, or when a target produced no object. An absolute
# TARGET is outside the tree (the self-test's inputs): built alone as an
# external module (M=). Lines of the file $known_warnings, if set (paths
# relative to $tree, no line numbers), are the pristine tree's: not counted.
kbuild_ok() {
	local d=$1 out rc bad t made=1 goals=() outs=()
	shift
	for t in $1; do
		case $t in
		/*/) goals+=(M="${t%/}"); outs+=("$t") ;;
		/*) goals+=(M="$(dirname "$t")" "$(basename "$t")"); outs+=("$t") ;;
		*) goals+=("$t"); outs+=("$obj/$t") ;;
		esac
	done
	shift
	for t in "${outs[@]}"; do
		if [ "${t%/}" != "$t" ]; then find "$t" -name '*.o' -delete 2>/dev/null; else rm -f "$t"; fi
	done
	out=$("$@" "${goals[@]}" 2>&1)
	rc=$?
	bad=$(printf '%s\n' "$out" | grep -iE 'error|warning')
	if [ -n "$bad" ] && [ -n "$known_warnings" ]; then
		bad=$(printf '%s\n' "$bad" | sed -E "s|^$tree/||; s|:[0-9]+:[0-9]+:|:|" |
			grep -vxF -f <(grep -v '^#' "$known_warnings"))
	fi
	for t in "${outs[@]}"; do
		if [ "${t%/}" != "$t" ]; then
			[ -n "$(find "$t" -name '*.o' 2>/dev/null | head -n1)" ] || made=0
		else
			[ -f "$t" ] || made=0
		fi
	done
	ok "$([ $rc = 0 ] && [ -z "$bad" ] && [ $made = 1 ]; echo $?)" "$d"
	[ $rc = 0 ] || diag "make exited $rc"
	[ $made = 1 ] || diag "no object produced"
	[ -z "$bad" ] || printf '%s\n' "$bad" | sed 's/^/# /' | head -20
	[ $rc = 0 ] || printf '%s\n' "$out" | grep -F 'Stop.' | sed 's/^/# /' | head -5
}

need_modules() { # skip the whole script on a kernel without modules
	if ! have_modules; then
		skip "CONFIG_MODULES=n in this kernel (=y flavour): $1" "$1"
		done_testing
		exit 0
	fi
}

# --- the simulated NVLink2 node (tests/kmod/vv_nvlink2_sim.c) ---------------

SIM_LAYOUT=/sys/kernel/debug/nvlink2-sim/layout

# sim_up: the node is there (loaded on =m, built in on =y), its layout readable
sim_up() {
	mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
	if have_modules && ! loaded vv_nvlink2_sim; then
		modprobe vv_gpu_native && modprobe vv_nvlink2_sim "$@" || return 1
		udev_settle_sim
	fi
	[ -r $SIM_LAYOUT ]
}

# sim_down: remove the node (=m only)
# (the GPU variant calls the node's OPAL stand-in, so it goes first)
sim_down() {
	have_modules || return 0
	loaded nvlink2gpu_vfio_pci && rmmod nvlink2gpu_vfio_pci
	loaded vv_nvlink2_sim && rmmod vv_nvlink2_sim
	return 0
}

udev_settle_sim() { sleep 0.2; }

# sim_field LINE KEY: the value of KEY=value in a layout line
sim_field() {
	local w ws
	read -ra ws <<<"$1"
	for w in "${ws[@]}"; do
		case $w in "$2="*) echo "${w#*=}" ;; esac
	done
}

# sim_gpus / sim_links: layout lines of described GPUs / links with a GPU
sim_gpus() { sim_lines '* gpu * ram=*'; }
sim_bare_gpus() { sim_lines '* gpu * none'; }
sim_links() { sim_lines '* link * gpu=[0-9]*'; }
sim_lone_links() { sim_lines '* link * gpu=-1*'; }
sim_lines() { # PATTERN: the layout lines that match a bash pattern
	local l
	while IFS= read -r l || [ -n "$l" ]; do
		# shellcheck disable=SC2053
		[[ $l == $1 ]] && echo "$l"
	done <$SIM_LAYOUT
	return 0
}

# --- benchmarks (tests/vm/bench) --------------------------------------------
# Every figure is a ratio against a baseline measured in the same boot, N
# runs; VV_BENCH=smoke (make check) makes it one run. A script writes its
# runs as "MEASURED BASELINE" lines to $pairs, then calls report, which
# appends a row to bench.csv in the results share. bench_init sets smoke,
# N, pairs and bench_csv.
bench_init() {
	smoke=0
	[ "$VV_BENCH" = smoke ] && smoke=1
	N=${VV_BENCH_N:-$([ $smoke = 1 ] && echo 1 || echo 5)}
	pairs=/run/vv-bench-pairs
	bench_csv=$VV_OUT/bench.csv
	[ -e "$bench_csv" ] ||
		echo "figure,measured,baseline,ratio,ratio_min,ratio_max,unit,runs,goal" >"$bench_csv"
}

# stats: lines "MEASURED BASELINE" -> "med_m med_b ratio min_ratio max_ratio"
stats() {
	awk '{ m[NR] = $1; b[NR] = $2; r[NR] = $1 / $2 }
	function med(a, n,   i, j, t, c) {
		for (i = 1; i <= n; i++) c[i] = a[i]
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (c[j] < c[i]) { t = c[i]; c[i] = c[j]; c[j] = t }
		return n % 2 ? c[(n + 1) / 2] : (c[n / 2] + c[n / 2 + 1]) / 2
	}
	END {
		lo = hi = r[1]
		for (i = 2; i <= NR; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
		printf "%.6g %.6g %.4f %.4f %.4f\n", med(m, NR), med(b, NR), med(m, NR) / med(b, NR), lo, hi
	}'
}

# report FIGURE UNIT GOAL: the pairs collected in $pairs become a row of
# bench.csv and a diagnostic. A figure is not a test: it adds no test
# point; a benchmark that could not produce it (no runs, or a run without
# a number and a baseline above 0) fails. Not in a pipe: ok must run in
# this shell to count.
report() {
	local s
	if ! awk 'NF != 2 || $1 !~ /^[0-9.e+-]+$/ || !($2 > 0) { bad = 1 }
		END { exit bad || NR == 0 }' $pairs; then
		ok 1 "no figure: $1"
		diag "runs (measured baseline): $(tr '\n' ';' <$pairs)"
		return
	fi
	s=$(stats <$pairs)
	set -- "$1" "$2" "$3" $s
	echo "$1,$4,$5,$6,$7,$8,$2,$N,$3" >>"$bench_csv"
	diag "$(printf '%-34s %12s %12s  ratio %s [%s..%s]  goal %s' "$1" "$4 $2" "$5 $2" "$6" "$7" "$8" "$3")"
}


# deferred_trigger: make the driver core retry deferred probes, as any
# successful bind does: bind a device of the test bus (tests/kmod/vv_rank_bus.c)
_vv_trigger=0
deferred_trigger() {
	load vv_rank_bus
	_vv_trigger=$((_vv_trigger + 1))
	echo "driver vv-trigger-$$-$_vv_trigger 0" >/sys/kernel/debug/vv_rank_bus/ctl &&
		echo "device vv-trigger-$$-$_vv_trigger" >/sys/kernel/debug/vv_rank_bus/ctl
}

# --- libvirt (the root's libvirtd, run in the guest) -------------------------
# libvirt_up: libvirtd as a distribution starts it, minus systemd: a system
# bus, QEMU as root (the overlay has no libvirt-qemu user), no cgroups, mount
# namespaces or security driver (the guest has none), its own log in
# /run/libvirtd.log. libvirt_down stops it.
virsh=(timeout 120 virsh -q -c qemu:///system)
libvirt_up() {
	local i
	mkdir -p /run/dbus
	dbus-daemon --system --fork >/dev/null 2>&1
	sed -i 's/^#*user = .*/user = "root"/; s/^#*group = .*/group = "root"/' /etc/libvirt/qemu.conf
	cat >>/etc/libvirt/qemu.conf <<'CONF'
security_driver = "none"
namespaces = [ ]
cgroup_controllers = [ ]
stdio_handler = "file"
CONF
	libvirtd --verbose >/run/libvirtd.log 2>&1 &
	_vv_libvirtd=$!
	for i in $(seq 120); do [ -S /run/libvirt/libvirt-sock ] && break; sleep 0.5; done
	ok "$([ -S /run/libvirt/libvirt-sock ]; echo $?)" \
		"libvirtd $(libvirtd --version | awk '{print $NF}') is up (socket after ~$((i / 2)) s)"
}
libvirt_down() {
	kill $_vv_libvirtd 2>/dev/null
	wait $_vv_libvirtd 2>/dev/null
}

# domain_xml NAME BDF [DRIVER]: a paused-startable domain with one managed
# hostdev at guest slot 5 (and <driver model='DRIVER'/> when given)
domain_xml() {
	local d=${2%%:*} rest=${2#*:} b s f
	b=${rest%%:*}; rest=${rest#*:}; s=${rest%%.*}; f=${rest#*.}
	cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      ${3:+<driver model='$3'/>}
      <source><address domain='0x$d' bus='0x$b' slot='0x$s' function='0x$f'/></source>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
    </hostdev>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
XML
}

# hmp DOM CMD: a command to the domain's QEMU monitor; its answer's last word
# hmp DOM COMMAND: the last word QEMU's monitor answers (HMP ends lines in CRLF)
hmp() { "${virsh[@]}" qemu-monitor-command --hmp "$1" "$2" | tr -d '\r' | awk 'NF { w = $NF } END { print w }'; }

# guest_config DOM REG: the hostdev's (guest 00:05.0) config dword at REG,
# read through the guest's config ports from QEMU's monitor (no guest OS:
# the domain is paused), as a guest driver would read it
guest_config() {
	hmp "$1" "o /w 0xcf8 $(printf '0x%x' $((0x80002800 | $2)))" >/dev/null &&
		hmp "$1" 'i /w 0xcfc'
}

# guest_bar0 DOM: program the hostdev's BAR0 at 0xfe000000 through the
# config ports, enable memory decoding, and read the first word there
guest_bar0() {
	hmp "$1" 'o /w 0xcf8 0x80002810' >/dev/null && hmp "$1" 'o /w 0xcfc 0xfe000000' >/dev/null &&
		hmp "$1" 'o /w 0xcf8 0x80002804' >/dev/null && hmp "$1" 'o /h 0xcfc 0x0006' >/dev/null &&
		hmp "$1" 'xp /1wx 0xfe000000'
}

# domain_trip WHAT BDF WANT NATIVE [MODEL]: a transient domain with BDF as a
# managed hostdev (<driver model='MODEL'/> when given) starts paused; while
# it runs WANT has the device and the guest reads the device's ids through
# its config space (and edu's identification register through BAR0); once
# destroyed, NATIVE has it back
domain_trip() {
	local what=$1 b=$2 want=$3 native=$4 model=${5:-} out ids i rc
	ids=$(printf '0x%04x%04x' "$(cat "$SYS_PCI/devices/$b/device")" "$(cat "$SYS_PCI/devices/$b/vendor")")
	domain_xml vvdom "$b" "$model" >/run/vvdom.xml
	out=$("${virsh[@]}" create --paused /run/vvdom.xml 2>&1)
	rc=$?
	ok $rc "$what: a domain with $b as a managed hostdev${model:+ (model $model)} starts (paused)"
	[ $rc = 0 ] || { diag "$out"; return 1; }
	is "$(driver_of "$b")" "$want" "$what: while it runs, $want has $b"
	# what an admin sees (the README's example)
	diag "$ virsh list; lspci -k -s $b"
	"${virsh[@]}" list | sed '/^$/d; s/^/# /'
	lspci -k -s "$b" | sed 's/^/# /'
	is "$(guest_config vvdom 0)" "$ids" "$what: the guest reads the device's ids ($ids) in its config space"
	[ "$ids" = 0x11e81234 ] &&
		is "$(guest_bar0 vvdom)" 0x010000ed "$what: the guest reads edu's identification register through BAR0"
	"${virsh[@]}" destroy vvdom >/dev/null
	for i in $(seq 50); do [ "$(driver_of "$b")" = "$native" ] && break; sleep 0.1; done
	is "$(driver_of "$b")" "$native" "$what: destroyed, $b is back on ${native/none/no driver}"
}
