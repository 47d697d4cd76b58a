# SPDX-License-Identifier: GPL-2.0
# The driver core's ranked attach, on a bus of its own (tests/kmod/
# vv_rank_bus.c) where every driver matches every device: a device the bus
# does not rank costs one walk as before; the highest rank binds whatever
# the registration order, a decline falls back, equal ranks go by name; a driver that goes away while the walk has moved past it is
# never touched again (a use-after-free in v1, found by review); an
# asynchronous preferred driver still wins the initial probe; a preferred
# driver that defers is retried, not replaced.
. "$VV_TOP/tests/vm/lib.sh"

load vv_rank_bus || { ok 1 "load vv_rank_bus"; done_testing; exit; }
D=/sys/kernel/debug/vv_rank_bus
ctl() { echo "$*" >$D/ctl; }
bus_drv() { # DEVICE: the driver bound to it, or none
	local l=/sys/bus/vv_rank/devices/$1/driver
	if [ -L "$l" ]; then basename "$(readlink "$l")"; else echo none; fi
}
wait_bound() { # DEVICE: up to 5 s for an asynchronous or retried probe
	local i
	for i in $(seq 50); do [ "$(bus_drv "$1")" != none ] && break; sleep 0.1; done
	bus_drv "$1"
}

ctl driver low 10 && ctl driver high 20 && ctl driver mid 15
ok $? "three drivers registered, the best in the middle"
ctl device d1
is "$(bus_drv d1)" high "the highest rank binds, not the first registered"

# a device its bus does not rank: the single walk of old, no extra cost
m0=$(cat $D/matches)
ctl device plain1
is "$(bus_drv plain1)" low "a device that is not ranked: the first registered driver binds"
is "$(($(cat $D/matches) - m0))" 1 "one match call: a single walk that stops at the first driver"
m0=$(cat $D/matches)
ctl device d0
is "$(($(cat $D/matches) - m0))" 4 "a ranked device: every driver matched once, the best again to probe it"

ctl driver picky 30 decline
ctl device d2
is "$(bus_drv d2)" high "the best declines: the next one binds in the same attach"
is "$(grep ' d2 ' $D/probes | cut -d' ' -f1 | tr '\n' ' ')" "picky high " \
	"probed in rank order, each once"
ctl unregister picky

ctl driver b-equal 40 && ctl driver a-equal 40
ctl device d3
is "$(bus_drv d3)" a-equal "equal ranks: the name decides, not the registration order"
ctl remove d3 && ctl unregister a-equal && ctl unregister b-equal

# The walk records 'gone' as the best, moves on to 'pauser' and waits in
# its match; 'gone' is unregistered and freed meanwhile. The walk must not
# compare anything with it once it resumes.
ctl driver gone 50 && ctl driver pauser 5 && ctl pause pauser
ok $? "a driver that will go away mid-walk, then one whose match pauses"
ctl device d4 &
adder=$!
ctl wait-paused
ok $? "the attach of d4 paused in pauser's match, after passing gone"
ctl unregister gone
ok $? "gone unregistered and freed while the walk is paused"
ctl resume
wait $adder
ok $? "the attach of d4 completes"
is "$(bus_drv d4)" high "d4 binds the best driver still there"

ctl driver async-best 60 async
ctl device d5
is "$(wait_bound d5)" async-best "an asynchronous best driver wins the initial probe"
ctl remove d5 && ctl unregister async-best

ctl driver deferrer 70 defer
ctl device d6
is "$(bus_drv d6)" none "the best driver defers: nothing else takes the device"
is "$(grep ' d6 ' $D/probes | cut -d' ' -f1 | tr '\n' ' ')" "deferrer " \
	"only the best was probed"
ctl device trigger
is "$(wait_bound d6)" deferrer "a deferred-probe retry binds the driver that deferred"

have_modules && rmmod vv_rank_bus
done_testing
