# SPDX-License-Identifier: GPL-2.0
# Harness self-test: one passing and one deliberately failing test point.
. "$VV_TOP/tests/vm/lib.sh"
ok 0 "a test that passes"
ok 1 "a test that fails on purpose"
done_testing
