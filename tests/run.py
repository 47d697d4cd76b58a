#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run the project's tests and print one line per result.

Host suites are TAP programs run here. VM suites boot a test kernel in
QEMU with the host's root as the guest's (read-only 9p + overlayfs), run
tests/vm/<suite>/*.sh inside, and read back their TAP plus the KUnit KTAP
from the console. A run fails on any failed test, on a guest that did not
finish (timeout, panic), on a required KUnit suite missing or short
(KUNIT_REQUIRED), and on any kernel splat in the log even when every test
passed. The last line is 'N passed, N failed[, N skipped]': tests only,
benchmark figures are diagnostics and rows of bench.csv.
"""

import argparse
import fnmatch
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(TOP, "build")

# A kernel splat: any of these at the start of a console line fails a boot.
SPLAT = re.compile(
    r"^(BUG:|WARNING:|Oops|Kernel panic|kernel BUG at|general protection fault"
    r"|UBSAN:|INFO: task .* blocked|Unable to handle kernel|watchdog: BUG)"
)
STAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
TAP = re.compile(r"^(not ok|ok)\s+\d+\s*(?:-\s*)?(.*?)(?:\s+#\s*(SKIP|TODO)\b\s*(.*))?$")


class Results:
    def __init__(self, out=None):
        self.passed = self.failed = self.skipped = 0
        self.failures = []
        self.lock = threading.Lock()
        self.out = out     # where result lines go (sys.stdout when None)

    def add(self, name, status, note=""):
        with self.lock:
            self._add(name, status, note)

    def _add(self, name, status, note):
        if status == "pass":
            self.passed += 1
        elif status == "skip":
            self.skipped += 1
        else:
            self.failed += 1
            self.failures.append(name)
        tag = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP"}[status]
        print(f"{tag} {name}{'  # ' + note if note else ''}", file=self.out or sys.stdout,
              flush=True)

    def summary(self):
        line = f"{self.passed} passed, {self.failed} failed"
        if self.skipped:
            line += f", {self.skipped} skipped"
        return line


def parse_tap(text):
    """(status, description, note) for each test point of a TAP stream."""
    plan = None
    points = []
    for line in text.splitlines():
        if re.match(r"^1\.\.\d+", line):
            plan = int(line[3:].split()[0])
            continue
        m = TAP.match(line)
        if not m:
            continue
        ok, desc, directive, why = m.groups()
        if directive == "SKIP":
            points.append(("skip", desc, why or ""))
        elif ok == "ok" or directive == "TODO":
            points.append(("pass", desc, ""))
        else:
            points.append(("fail", desc, ""))
    return plan, points


def tap_diagnostics(text, keep=3):
    """For each test point of a TAP stream, the first diagnostic lines that
    follow it (what a failing host check says about itself), joined."""
    out = []
    for line in text.splitlines():
        if TAP.match(line):
            out.append([])
        elif line.startswith("# ") and out and len(out[-1]) < keep:
            out[-1].append(line[2:].strip())
    return [" | ".join(d) for d in out]


def parse_kunit(console):
    """(suite, case, status, note) for each KUnit case printed on the console."""
    out = []
    suite = None
    for raw in console.splitlines():
        line = STAMP.sub("", raw)
        m = re.match(r"^    # Subtest: (\S+)", line)
        if m:
            suite = m.group(1)
            continue
        m = re.match(r"^    (not ok|ok) \d+ (\S+)(?:\s+#\s*SKIP\s*(.*))?", line)
        if m and suite:
            status = "skip" if m.group(3) is not None else ("pass" if m.group(1) == "ok" else "fail")
            out.append((suite, m.group(2), status, m.group(3) or ""))
            continue
        m = re.match(r"^(not ok|ok) \d+ (\S+)", line)
        if m and suite == m.group(2):
            suite = None
    return out


# KUnit suites a boot must print, per flavour, with at least this many
# cases that ran (not skipped): a suite missing or short fails the run. A
# suite built as a module runs only when a test loads it: (cases, "suite/
# test") requires it only from boots that ran that test.
KUNIT_REQUIRED = {
    "m": {"pci_driver_override": 12, "vfio_variant_smoke": 2,
          "nvlink2_fw": (6, "cases/nvlink2")},
    "y": {"pci_driver_override": 12, "vfio_variant_smoke": 2, "nvlink2_fw": 6},
    "m-debug": {"pci_driver_override": 12, "vfio_variant_smoke": 2,
                "nvlink2_fw": (6, "cases/nvlink2")},
    "y-debug": {"pci_driver_override": 12, "vfio_variant_smoke": 2, "nvlink2_fw": 6},
    # the 7.2 base (kernel/patches-7.2)
    "m-7.2": {"pci_driver_override": 12, "vfio_variant_smoke": 2,
              "nvlink2_fw": (6, "cases/nvlink2")},
    # the pristine kernel has no PCI driver_override suite
    "unpatched": {"vfio_variant_smoke": 2, "nvlink2_fw": (6, "cases/nvlink2")},
}


def kunit_required(flavour, console, ran):
    """(name, status, note) for each suite KUNIT_REQUIRED asks of this boot;
    ran: the 'suite/test' names the boot ran."""
    if flavour not in KUNIT_REQUIRED:
        return [("kunit", "fail", f"no required KUnit suites for flavour {flavour}: "
                 "add them to KUNIT_REQUIRED in tests/run.py")]
    cases = {}
    for s, _, status, _ in parse_kunit(console):
        if status != "skip":
            cases[s] = cases.get(s, 0) + 1
    found = []
    for suite, want in KUNIT_REQUIRED[flavour].items():
        want, test = want if isinstance(want, tuple) else (want, None)
        if test and test not in ran:
            continue
        got = cases.get(suite, 0)
        found.append((f"kunit suite {suite} ran (at least {want} cases)",
                      "pass" if got >= want else "fail",
                      "" if got >= want else f"{got} cases ran" if got else "missing"))
    return found


def splats(console):
    found = []
    for raw in console.splitlines():
        line = STAMP.sub("", raw)
        if SPLAT.match(line):
            found.append(line.strip())
    return found


# The simulated NVLink2 node's GPU RAM: reserved at boot above 4 GiB (q35
# puts RAM past 2 GiB there), 1 GiB for GPU 0 (PUD-aligned), 64 MiB 64 KiB
# off alignment for GPU 1, then the ATSD pages: 5 of them, so that link 5
# has none (the size-0 region). VFIO runs the node's devices in noiommu
# mode (they sit behind no IOMMU).
SIM_RAM = os.environ.get("VV_SIM_RAM", "1100M")
SIM_APPEND = (
    f"memmap={SIM_RAM}$0x100000000 vv_nvlink2_sim.ram={SIM_RAM}@0x100000000 "
    f"vv_nvlink2_sim.ram_mb={os.environ.get('VV_SIM_RAM_MB', '1024,64')} "
    "vv_nvlink2_sim.atsd_regs=5 vfio.enable_unsafe_noiommu_mode=1 vfio_pci.enable_sriov=1"
)


def kvm_usable():
    return os.environ.get("VV_KVM") == "1" and os.access("/dev/kvm", os.W_OK)


# Other userspaces than the host's, for tests whose header says
# '# vv-root: NAME': a Debian root made by kernel/scripts/root.sh into
# build/roots/NAME, booted with the same kernels (the project directory is
# shared into it at the same path).
ROOTS = ("trixie",)


def root_dir(name):
    """The directory of root NAME, made (or remade) by kernel/scripts/root.sh."""
    subprocess.run(["bash", os.path.join(TOP, "kernel", "scripts", "root.sh"), name],
                   check=True)
    return os.path.join(BUILD, "roots", name)


def boot(flavour, suite, tests, timeout, extra_append="", tag="", root=""):
    """Boot one guest; return (outdir, console text, finished?, seconds)."""
    obj = os.path.join(BUILD, f"obj-{flavour}")
    kernel = os.path.join(obj, "arch/x86/boot/bzImage")
    if not os.path.exists(kernel):
        raise SystemExit(f"run: no kernel {kernel}: run 'make kernel' first")
    out = os.path.join(BUILD, "vm", f"{flavour}-{suite}{tag}")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    console = os.path.join(out, "console.log")
    rootpath, init, top_share = "/", f"{TOP}/tests/vm/init", []
    if root:
        # the init runs from the root it boots; the project comes as a share
        rootpath, init = root_dir(root), "/vv-init"
        shutil.copy(os.path.join(TOP, "tests", "vm", "init"), rootpath + init)
        top_share = ["-fsdev", f"local,id=vvtop,path={TOP},security_model=none,readonly=on",
                     "-device", "virtio-9p-pci,fsdev=vvtop,mount_tag=vvtop"]
    append = (
        "console=ttyS0,115200 root=vvroot rootfstype=9p "
        "rootflags=trans=virtio,version=9p2000.L,msize=512000 ro "
        f"init={init} panic=-1 oops=panic sysrq_always_enabled "
        f"vv.top={TOP} vv.flavour={flavour} vv.suite={suite} vv.tests={tests} "
        f"vv.root={root or 'host'} {SIM_APPEND} {extra_append}"
    )
    cmd = [
        "qemu-system-x86_64",
        "-machine", "q35,kernel-irqchip=split",
        "-accel", "kvm" if kvm_usable() else "tcg",
        "-cpu", "max", "-smp", "2", "-m", os.environ.get("VV_MEM", "4G"),
        "-device", "intel-iommu,intremap=on",
        "-kernel", kernel, "-append", append,
        "-fsdev", f"local,id=vvroot,path={rootpath},security_model=none,readonly=on",
        "-device", "virtio-9p-pci,fsdev=vvroot,mount_tag=vvroot",
        *top_share,
        "-fsdev", f"local,id=vvout,path={out},security_model=none",
        "-device", "virtio-9p-pci,fsdev=vvout,mount_tag=vvout",
        "-device", "edu",
        # two edu functions behind a root port: one dev_set, one IOMMU group
        "-device", "pcie-root-port,id=vvrp2,chassis=2",
        "-device", "edu,bus=vvrp2,addr=0.0,multifunction=on",
        "-device", "edu,bus=vvrp2,addr=0.1",
        # a modern virtio-net (1af4:1041), which virtio-vfio-pci takes, behind
        # a root port (PCIe, with FLR); a PCI test device no variant takes
        "-device", "pcie-root-port,id=vvrp3,chassis=3",
        "-netdev", "user,id=vvnet,restrict=on",
        "-device", "virtio-net-pci,bus=vvrp3,disable-legacy=on,netdev=vvnet",
        "-device", "pci-testdev",
        # an NVMe controller with SR-IOV (two VFs) behind a root port
        "-device", "pcie-root-port,id=vvrp1,chassis=1",
        "-device", "nvme-subsys,id=vvnvs,nqn=vfio-variant",
        "-device", "nvme,serial=vv-sriov,subsys=vvnvs,bus=vvrp1,sriov_max_vfs=2,"
                   "sriov_vq_flexible=4,sriov_vi_flexible=2",
        "-display", "none", "-monitor", "none", "-no-reboot",
        "-serial", f"file:{console}",
    ]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        qout, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        qout, _ = proc.communicate()
    secs = time.monotonic() - start
    with open(console, errors="replace") as f:
        text = f.read()
    if qout.strip():
        text += "\n[qemu] " + qout
    return out, text, os.path.exists(os.path.join(out, "done")), secs


def suite_tests(suite):
    d = os.path.join(TOP, "tests", "vm", suite)
    return sorted(f[:-3] for f in os.listdir(d) if f.endswith(".sh"))


# A test script's header may say which kernels it runs on and what it needs
# on the kernel command line:
#   # vv-flavours: m m-debug unpatched    (default: the patched flavours)
#   # vv-append: pci=no_override_autoload (a boot of its own)
#   # vv-root: trixie                     (a Debian root of its own, ROOTS)
#   # vv-upstream: vfio-selftests         (fetched first, kernel/scripts/upstream.sh)
PATCHED = ("m", "y", "m-debug", "y-debug", "m-7.2")


def test_header(suite, name):
    hdr = {"flavours": PATCHED, "append": "", "root": "", "upstream": ""}
    with open(os.path.join(TOP, "tests", "vm", suite, name + ".sh")) as f:
        for line in f:
            if not line.startswith("#"):
                break
            m = re.match(r"^# vv-(flavours|append|root|upstream):\s*(.*?)\s*$", line)
            if m:
                hdr[m.group(1)] = tuple(m.group(2).split()) if m.group(1) == "flavours" \
                    else m.group(2)
    return hdr


def selected(name, pattern):
    return any(fnmatch.fnmatch(name, g) for g in pattern.split(","))


def run_vm(res, flavour, suite, pattern, timeout, expect_red=False, label=None, show=False,
           extra_append="", any_flavour=False):
    """Boot once per kernel command line the selected tests need; record results.

    any_flavour: run the selected tests whatever kernels their headers name
    (make stress runs long versions of tests that make check runs elsewhere)."""
    groups = {}
    for n in suite_tests(suite):
        hdr = test_header(suite, n)
        if selected(n, pattern) and (suite != "cases" or any_flavour
                                     or flavour in hdr["flavours"]):
            groups.setdefault((hdr["root"], hdr["append"]), []).append(n)
            for part in hdr["upstream"].split():
                subprocess.run(["bash", os.path.join(TOP, "kernel", "scripts", "upstream.sh"),
                                part], check=True)
    found = []
    for i, ((root, append), names) in enumerate(sorted(groups.items())):
        found += run_boot(res, flavour, suite, names, timeout, expect_red, label, show,
                          (extra_append + " " + append).strip(), f"-{i}" if i else "",
                          root)
    return found


def run_boot(res, flavour, suite, names, timeout, expect_red, label, show, extra_append,
             tag, root=""):
    """Boot and record results; with expect_red, record whether it went red."""
    label = label or f"{flavour}"
    if flavour.endswith("-debug"):
        timeout *= 2    # KASAN, lockdep and kmemleak: everything is slower
    out, console, finished, secs = boot(flavour, suite, ",".join(names), timeout,
                                        extra_append, tag, root)
    found = []
    if not finished:
        why = (f"guest did not finish within {timeout}s" if secs >= timeout
               else f"guest stopped after {secs:.0f}s before finishing")
        found.append(("boot", "fail", f"{why} (see {os.path.relpath(out, TOP)}/console.log)"))
    for name in names:
        tap_path = os.path.join(out, name + ".tap")
        if not os.path.exists(tap_path):
            found.append((name, "fail", "did not run"))
            continue
        with open(tap_path, errors="replace") as f:
            text = f.read()
        if show:
            print("\n".join(l[2:] if l.startswith("# ") else l
                            for l in text.splitlines() if l.startswith("#")))
        plan, points = parse_tap(text)
        rc_path = os.path.join(out, name + ".rc")
        if not os.path.exists(rc_path):
            found.append((name, "fail", "did not finish (the guest stopped during it)"))
            continue
        rc = open(rc_path).read().strip()
        for status, desc, note in points:
            found.append((f"{name}: {desc}", status, note))
        if plan is None or plan != len(points):
            found.append((name, "fail", f"plan {plan} but {len(points)} results (rc {rc})"))
        elif rc != "0" and not any(s == "fail" for s, _, _ in points):
            found.append((name, "fail", f"exited {rc}"))
    for s, case, status, note in parse_kunit(console):
        found.append((f"kunit {s}.{case}", status, note))
    found += kunit_required(flavour, console, {f"{suite}/{n}" for n in names})
    bad = splats(console)
    for line in bad:
        found.append(("kernel log", "fail", "splat: " + line))

    if expect_red:
        return found
    for name, status, note in found:
        res.add(f"{label}: {name}", status, note)
    print(f"# {label}/{suite}{tag}: boot and tests took {secs:.1f}s"
          + (f" ({extra_append})" if extra_append else "")
          + (f" (root: {root})" if root else ""), flush=True)
    return found


def host_bases(path, stress=False):
    """The kernel bases a host suite checks ('# vv-bases: 6.12 7.2' in its
    header comment; 6.12 alone without one; with --stress those of
    '# vv-stress-bases:' where it has one)."""
    bases = {}
    with open(path) as f:
        for line in f:
            if not line.startswith("#"):
                break
            m = re.match(r"^# vv-(bases|stress-bases):\s*(.*?)\s*$", line)
            if m:
                bases[m.group(1)] = m.group(2).split()
    if stress and "stress-bases" in bases:
        return bases["stress-bases"]
    return bases.get("bases", ["6.12"])


def run_host(res, pattern, stress=False):
    """Host suites: every tests/host/*.sh is a TAP program run here, once
    per kernel base it checks (VV_BASE; results of 7.2 as 'host-7.2')."""
    d = os.path.join(TOP, "tests", "host")
    for script in sorted(os.listdir(d)):
        name = script[:-3] if script.endswith(".sh") else script
        if not selected(name, pattern):
            continue
        for base in host_bases(os.path.join(d, script), stress):
            label = "host" if base == "6.12" else f"host-{base}"
            t0 = time.monotonic()
            p = subprocess.run(["bash", os.path.join(d, script)], capture_output=True,
                               text=True, cwd=TOP, timeout=1800,
                               env=dict(os.environ, VV_BASE=base))
            print(f"# {label}/{name}: took {time.monotonic() - t0:.1f}s", flush=True)
            plan, points = parse_tap(p.stdout)
            diags = tap_diagnostics(p.stdout)
            for (status, desc, note), diag in zip(points, diags):
                res.add(f"{label}: {name}: {desc}", status,
                        note or (diag if status == "fail" else ""))
            if plan != len(points) or (p.returncode and all(s != "fail" for s, _, _ in points)):
                res.add(f"{label}: {name}", "fail",
                        f"plan {plan}, {len(points)} results, exit {p.returncode}: {p.stderr[-300:]}")


def host_check(script, env):
    """Run tests/host/SCRIPT with ENV: {description: (status, its diagnostics)}."""
    p = subprocess.run(["bash", os.path.join(TOP, "tests", "host", script)],
                       capture_output=True, text=True, cwd=TOP, timeout=1800,
                       env=dict(os.environ, **env))
    points, last = {}, None
    for line in p.stdout.splitlines():
        m = TAP.match(line)
        if m:
            last = m.group(2)
            status = "skip" if m.group(3) == "SKIP" else "pass" if m.group(1) == "ok" else "fail"
            points[last] = (status, "")
        elif line.startswith("#") and last:
            points[last] = (points[last][0], points[last][1] + line + "\n")
    return points


def guarded(res, fn, *a):
    """Run FN(*A) in the host thread: an exception there (a suite past its
    timeout) would only print a traceback; it is a failure of the run."""
    try:
        fn(*a)
    except Exception as e:  # noqa: BLE001
        res.add(f"host: {fn.__name__}", "fail", f"{type(e).__name__}: {e}")


def run_host_selftest(res):
    """Each host build check must turn red on a deliberately broken input of
    tests/broken/ (for the reason its diagnostics give) and stay green on a
    clean one; nothing else of the check may fail."""
    def timed_out(*_):
        raise subprocess.TimeoutExpired("bash tests/host/x.sh", 1800)
    r = Results(out=io.StringIO())   # not stdout: other threads print there
    guarded(r, timed_out)
    res.add("selftest: a host suite past its timeout is red (the host thread)",
            "pass" if r.failed == 1 else "fail")
    # a failed check returns 1, so that 'ok ... || diag' and 'is ... || {...}' run
    lib = os.path.join(TOP, "tests", "vm", "lib.sh")
    p = subprocess.run(["bash", "-c", f'. "{lib}"; ok 1 x; echo "ok=$?"; is a b x; echo "is=$?"'],
                       capture_output=True, text=True)
    good = "ok=1" in p.stdout and "is=1" in p.stdout
    res.add("selftest: ok and is of tests/vm/lib.sh return 1 on a failed check",
            "pass" if good else "fail", "" if good else p.stdout[-200:])
    broken = os.path.join(TOP, "tests", "broken")
    tmp = tempfile.mkdtemp(prefix="vv-selftest-")

    def kb(arch, f):
        return os.path.join(tmp, arch, f)
    for arch in ("x86", "ppc"):
        shutil.copytree(os.path.join(broken, "kbuild"), os.path.join(tmp, arch))
    # the pristine tree's sparse warning in drivers/base/bus.c, dropped from
    # the baseline, must turn series.sh red; pci-driver.c's must not
    baseline = os.path.join(tmp, "baseline")
    with open(os.path.join(TOP, "kernel", "sparse-baseline.txt")) as f, open(baseline, "w") as b:
        b.writelines(l for l in f if not l.startswith("drivers/base/bus.c:"))
    red_w1 = ("fail", "Wunused-but-set-variable")
    cases = (
        ("kcode", "a checkpatch error, a W=1 and a sparse warning, a missing source", {
            "VV_KCODE_FILES": f"{kb('x86', 'clean.c')} {kb('x86', 'style.c')}",
            "VV_KCODE_TARGETS": " ".join(kb("x86", o) for o in
                                         ("clean.o", "w1.o", "sparse.o", "missing.o")),
        }, {
            f"checkpatch --strict: {kb('x86', 'clean.c')}": ("pass", ""),
            f"checkpatch --strict: {kb('x86', 'style.c')}": ("fail", "space required before"),
            f"W=1 and sparse clean: {kb('x86', 'clean.o')}": ("pass", ""),
            f"W=1 and sparse clean: {kb('x86', 'w1.o')}": red_w1,
            f"W=1 and sparse clean: {kb('x86', 'sparse.o')}": ("fail", "Should it be static"),
            f"W=1 and sparse clean: {kb('x86', 'missing.o')}": ("fail", "No rule to make target"),
        }),
        ("series", "a checkpatch error, a sparse warning not in the baseline, a missing source", {
            "VV_SERIES_DIR": os.path.join(broken, "series"),
            "VV_SERIES_FILES": "",
            "VV_SERIES_OBJS": "drivers/base/bus.o drivers/pci/pci-driver.o "
                              "drivers/base/vv_selftest_missing.o",
            "VV_SPARSE_BASELINE": baseline,
        }, {
            "checkpatch --strict: 0001-driver-core-Say-what-system_kset-is.patch": ("pass", ""),
            "checkpatch --strict: 0002-driver-core-Tidy-bus_is_registered.patch":
                ("fail", "space required before"),
            "W=1 and sparse clean: drivers/base/bus.o": ("fail", "context imbalance"),
            "W=1 and sparse clean: drivers/pci/pci-driver.o": ("pass", ""),
            "W=1 and sparse clean: drivers/base/vv_selftest_missing.o":
                ("fail", "No rule to make target"),
        }),
        ("series-bisect", "a patch that does not build", {
            "VV_SERIES_DIR": os.path.join(broken, "bisect"),
        }, {
            "patch 1 builds on its own: selftest: Add a file that does not build":
                ("fail", "undeclared (first use in this function)"),
            "patch 2 builds on its own: selftest: Make the file build": ("pass", ""),
        }),
        ("docs", "a malformed table", {
            "VV_DOCS_FILES": " ".join(os.path.join(broken, "docs", f)
                                      for f in ("clean.rst", "table.rst")),
        }, {
            f"docutils: {os.path.join(broken, 'docs', 'clean.rst')} parses with no warning":
                ("pass", ""),
            f"docutils: {os.path.join(broken, 'docs', 'table.rst')} parses with no warning":
                ("fail", "Malformed table"),
        }),
        ("ppc64le", "a W=1 warning", {
            "VV_PPC64LE_TARGETS": f"{kb('ppc', 'clean.o')} {kb('ppc', 'w1.o')}",
        }, {
            f"ppc64le W=1 compile: {kb('ppc', 'clean.o')}": ("pass", ""),
            f"ppc64le W=1 compile: {kb('ppc', 'w1.o')}": red_w1,
        }),
    )
    for script, why, env, want in cases:
        got = host_check(script + ".sh", env)
        name = f"selftest: host check {script} is red on {why}, green on a clean input"
        if got and all(s == "skip" for s, _ in got.values()):
            res.add(name, "skip", "; ".join(got))
            continue
        wrong = [f"{d}: {got.get(d, ('missing', ''))[0]}, want {st}"
                 + (f" saying '{reason}'" if reason else "")
                 for d, (st, reason) in want.items()
                 if got.get(d, ("missing", ""))[0] != st or reason not in got[d][1]]
        wrong += [f"{d}: {st}" for d, (st, _) in got.items() if d not in want and st == "fail"]
        res.add(name, "fail" if wrong else "pass", "; ".join(wrong)[:600])
    shutil.rmtree(tmp, ignore_errors=True)


def kunit_without(console, suite, case=None):
    """The console with SUITE's KTAP cut out, or only CASE's result line."""
    out, inside = [], False
    for line in console.splitlines():
        bare = STAMP.sub("", line)
        if case:
            if not re.match(rf"^    (not ok|ok) \d+ {case}\b", bare):
                out.append(line)
            continue
        inside = inside or bare == f"    # Subtest: {suite}"
        if not inside:
            out.append(line)
        elif re.match(rf"^(not ok|ok) \d+ {suite}$", bare):
            inside = False
    return "\n".join(out)


def run_selftest(res, flavour, timeout):
    """The harness must turn red on a failing test, on a splat, and on a
    required KUnit suite missing or short."""
    for case, why in (("fail", "a failing test"), ("warn", "a WARN_ON splat")):
        found = run_vm(res, flavour, "selftest", case, timeout, expect_red=True)
        if case == "fail":
            with open(os.path.join(BUILD, "vm", f"{flavour}-selftest", "console.log"),
                      errors="replace") as f:
                console = f.read()
        status = {n: s for n, s, _ in found}
        red = {n for n, s, _ in found if s == "fail"}
        # red for the right reason only: the guest ran the test and reported it
        if case == "warn":
            caught = (status.get("warn: load a module that triggers WARN_ON") == "pass"
                      and red == {"kernel log"})
        else:
            caught = (status.get("fail: a test that passes") == "pass"
                      and red == {"fail: a test that fails on purpose"})
        res.add(f"selftest: a run with {why} is red", "pass" if caught else "fail",
                "; ".join(f"{n} {s}" for n, s, _ in found)[:300] if not caught else "")
    # the KUnit requirement, on that boot's console: green as it is, red
    # without a suite, red with a suite one case short
    ok = not [n for n, s, _ in kunit_required(flavour, console, set()) if s == "fail"]
    for why, text, suite in (
            ("without KUnit suite pci_driver_override",
             kunit_without(console, "pci_driver_override"), "pci_driver_override"),
            ("with KUnit suite vfio_variant_smoke one case short",
             kunit_without(console, "vfio_variant_smoke", "vv_smoke_strings"), "vfio_variant_smoke")):
        red = [n for n, s, _ in kunit_required(flavour, text, set()) if s == "fail"]
        caught = ok and len(red) == 1 and f"suite {suite} " in red[0]
        res.add(f"selftest: a run {why} is red", "pass" if caught else "fail",
                "" if caught else f"unchanged console red: {not ok}; red: {red}")


def bench_report(src, dst):
    """The bench table as CSV and JSON, and the bind-scaling plot (gnuplot)."""
    import csv, json
    os.makedirs(dst, exist_ok=True)
    rows = list(csv.DictReader(open(os.path.join(src, "bench.csv"))))
    shutil.copy(os.path.join(src, "bench.csv"), dst)
    with open(os.path.join(dst, "bench.json"), "w") as f:
        json.dump(rows, f, indent=1)
    print(f"# bench: {len(rows)} figures in {dst}/bench.csv and bench.json")
    scale = os.path.join(src, "bind-scale.csv")
    if not os.path.exists(scale) or not shutil.which("gnuplot"):
        print("# bench: no scaling data or no gnuplot: no plot")
        return
    shutil.copy(scale, dst)
    pts = list(csv.DictReader(open(scale)))
    for axis in ("drivers", "devices"):
        with open(os.path.join(dst, f"bind-{axis}.dat"), "w") as f:
            for p in pts:
                if p["axis"] == axis:
                    f.write(f"{p['x']} {p['us_per_device']}\n")
    plot = f"""set terminal png size 900,420 noenhanced
set output '{dst}/bind-scale.png'
set multiplot layout 1,2 title 'bind through driver_override=vfio-pci (simulated node, TCG)'
set xlabel 'registered PCI drivers'; set ylabel 'us per device'; set logscale x; set yrange [0:*]
plot '{dst}/bind-drivers.dat' using 1:2 with linespoints title '254 devices'
set xlabel 'devices bound'; unset logscale x
plot '{dst}/bind-devices.dat' using 1:2 with linespoints title '500 dummy drivers'
unset multiplot
"""
    subprocess.run(["gnuplot"], input=plot, text=True, check=True)
    print(f"# bench: plot in {dst}/bind-scale.png")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--flavour", action="append", default=[],
                    help="test kernel(s) to boot: m, y, m-debug, y-debug, unpatched, m-7.2")
    ap.add_argument("--tests", default="*", help="comma-separated globs of test names")
    ap.add_argument("--suite", default="cases", help="tests/vm/SUITE to run")
    ap.add_argument("--host", action="store_true", help="run the host suites")
    ap.add_argument("--selftest", action="store_true", help="prove the harness catches failures")
    ap.add_argument("--show", action="store_true",
                    help="print what the guest's tests printed (for the demo)")
    ap.add_argument("--stress", action="store_true",
                    help="longer storms and more fuzzing in the VM tests (make stress)")
    ap.add_argument("--bench-smoke", action="store_true",
                    help="run the benchmarks once, briefly, on the =m kernel (figures not judged)")
    ap.add_argument("--bench-report", metavar="DIR",
                    help="after the bench suite, write its table, JSON and plot to DIR")
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("VV_TIMEOUT", "900")))
    args = ap.parse_args()

    res = Results()

    def host_work():
        if args.host:
            guarded(res, run_host, res, args.tests, args.stress)
        if args.selftest:
            guarded(res, run_host_selftest, res)
    # The host suites and their self-test (compiles, checkpatch) run beside
    # the guests of the second flavour on, which leave one of the two cores
    # mostly idle; the first flavour's guest (=m: libvirt, udev, DKMS) runs
    # alone.
    host = threading.Thread(target=host_work)
    if len(args.flavour) < 2:
        host.run()
    for i, fl in enumerate(args.flavour):
        if i == 1:
            host.start()
        run_vm(res, fl, args.suite, args.tests, args.timeout, show=args.show,
               extra_append="vv.stress=1" if args.stress else "", any_flavour=args.stress)
    if host.is_alive():
        host.join()
    if args.bench_smoke:
        run_vm(res, "m", "bench", "*", args.timeout, label="bench-smoke",
               extra_append="vv.bench=smoke")
    if args.bench_report:
        bench_report(os.path.join(BUILD, "vm", f"{args.flavour[0]}-bench"), args.bench_report)
    if args.selftest:
        run_selftest(res, "m", args.timeout)
    if res.failures:
        print("# failed: " + "; ".join(res.failures[:20]))
    print(res.summary())
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
