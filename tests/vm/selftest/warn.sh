# SPDX-License-Identifier: GPL-2.0
# Harness self-test: every test passes, but the kernel warns.
. "$VV_TOP/tests/vm/lib.sh"
modprobe vv_selftest_warn
ok $? "load a module that triggers WARN_ON"
done_testing
