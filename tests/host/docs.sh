#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Documentation/ as its readers' tools see it: every reStructuredText file
# parses with Debian's docutils (python3-docutils, under Sphinx too) with no
# warning and no error. A malformed table or a title line shorter than its
# title renders wrong or not at all.
#
# The harness self-test points it at broken inputs instead: VV_DOCS_FILES.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/vm/lib.sh"
py=/usr/bin/python3
cd "$top" || exit 1
if ! $py -c 'import docutils' 2>/dev/null; then
	skip "python3-docutils is not installed (make deps installs it)" "docutils: Documentation/"
	done_testing
	exit
fi
for f in ${VV_DOCS_FILES-$(git ls-files 'Documentation/*.rst')}; do
	out=$($py - "$f" 2>&1 <<'PY'
import io
import sys

import docutils.core

err = io.StringIO()
with open(sys.argv[1]) as f:
    docutils.core.publish_doctree(f.read(), source_path=sys.argv[1],
                                  settings_overrides={"warning_stream": err,
                                                      "report_level": 2,
                                                      "halt_level": 5})
sys.stdout.write(err.getvalue())
PY
)
	ok "$([ -z "$out" ]; echo $?)" "docutils: $f parses with no warning"
	[ -z "$out" ] || printf '%s\n' "$out" | head -8 | sed 's/^/# /'
done
done_testing
