#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Differential tests: every scenario of test/compat/tables/*.json runs with
runtime A (corun) and with the reference B (runc), and optionally C (crun,
recorded only), on identical bundles; what a user can observe is compared.
Prints TAP, a table and "N passed, N failed, N skipped". See README.md.
scenarios.py reads the tables, runner.py runs one scenario under one
runtime; this file normalises, compares and reports."""
import argparse
import concurrent.futures
import fnmatch
import glob
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time

from runner import Run
from scenarios import (ERRNO_PHRASES, GLOBAL_FLAGS, HERE, KEYWORDS, REPO, Env, config_text,
                       load_lines, load_scenarios, need_ok)


# ------------------------------------------------------------ normalising

def normalize_text(run, s):
    # a terminal's CRs (CRLF, or the CR of a line the pty's ONLCR saw
    # twice) are invisible to a user: never a difference
    s = s.replace("\r", "")
    # the systemd driver's default unit is named after the runtime
    # (runc-ID.scope, corun-ID.scope): the spec leaves the default open
    s = s.replace("%s-%s.scope" % (os.path.basename(run.rt), run.id), "RUNTIME-ID.scope")
    for a, b in ((run.bundle, "$B"), (run.root, "$R"), (run.dir, "$T"), (run.id, "ID")):
        s = s.replace(a, b)
    s = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?", "TIME", s)
    return s


def errwords(text):
    t = text.lower()
    words = sorted({p for p in ERRNO_PHRASES + KEYWORDS if p in t})
    # runc's init reports some failures at level fatal, then again at error
    levels = sorted({"error" if x == "fatal" else x for x in re.findall(r"level=(\w+)", t)})
    if "error" in levels:
        levels = ["error"]  # warnings beside an error are the runtime's own clean-up
    return " ".join(["level=" + x for x in levels] + ["[%s]" % w for w in words])


def pid_state(pid):
    if not pid:
        return "0"
    try:
        with open("/proc/%d/stat" % pid) as f:
            return "alive" if f.read().rsplit(")", 1)[1].split()[0] not in "ZX" else "dead"
    except OSError:
        return "dead"


def split_sections(prefix, text, out):
    """Probe output: one key per '== SECTION'."""
    cur, buf = prefix + ".out", []
    for line in text.split("\n"):
        if line.startswith("== "):
            if buf or cur != prefix + ".out":
                out[cur] = "\n".join(buf).strip("\n")
            cur, buf = prefix + ".out." + line[3:].strip(), []
        else:
            buf.append(line)
    if buf and "\n".join(buf).strip() or cur != prefix + ".out":
        out[cur] = "\n".join(buf).strip("\n")


def observations(run):
    """The flat {key: value} a user can see, normalised."""
    res = {}
    for key, o in run.obs.items():
        if key == "left":
            for k, v in o.items():
                res["left." + k] = normalize_text(run, json.dumps(v))
            continue
        if key == "setup":
            res["setup"] = o["error"]
            continue
        step = (run.sc["steps"] or ["run"])[int(key[1:])] if key.startswith("s") else key
        name = "%s[%s]" % (key, re.sub(r"\s+", " ", step)[:40]) if key.startswith("s") else key
        for k in ("reached", "file"):
            if k in o:
                res[name + "." + k] = str(o[k])
        if "rc" in o:
            res[name + ".rc"] = str(o["rc"])
        if "err" in o:
            res[name + ".err"] = errwords(normalize_text(run, o["err"]))
        text = normalize_text(run, o.get("out", "") + o.get("tty", ""))
        if text.startswith("Incorrect Usage"):
            text = "Incorrect Usage"  # the help text that follows is the runtime's own
        first = step.split()
        while first and (first[0].startswith("&") or first[0] in ("tty", "noid") or
                         first[0].startswith("t=")):
            first.pop(0)
        cmd = first[0] if first else ""
        if cmd == "state" and o.get("rc") == 0:
            try:
                st = json.loads(o["out"])
                res[name + ".state"] = json.dumps({
                    "id": normalize_text(run, st.get("id", "")), "status": st.get("status"),
                    "pid": pid_state(st.get("pid")) if st.get("status") != "stopped" else "-",
                    "bundle": normalize_text(run, st.get("bundle", "")),
                    "annotations": st.get("annotations") or {}}, sort_keys=True)
            except ValueError:
                res[name + ".out"] = text
        elif cmd == "ps":
            lines = [ln for ln in text.split("\n") if ln.strip()]
            if "-f" in first and o.get("rc") == 0:
                try:
                    res[name + ".out"] = "pids=%d" % len(json.loads(o["out"]))
                except ValueError:
                    res[name + ".out"] = text
            else:
                res[name + ".out"] = "\n".join(ln.split()[-1] if i else "header" for i, ln in
                                               enumerate(lines))
        elif cmd == "events":
            res[name + ".out"] = ",".join(sorted(set(re.findall(r'"type":\s*"(\w+)"', text))))
        elif cmd == "list":
            continue
        else:
            split_sections(name, text, res)
    return res


# ---------------------------------------------------------------- judging

def matching(rows, scen, key, value):
    """The first entry whose scenario and key globs match (and, if it has a
    fourth column, whose glob matches corun's value)."""
    for r in rows:
        if fnmatch.fnmatch(scen, r[0]) and fnmatch.fnmatch(key, r[1]) and \
                (len(r) < 4 or fnmatch.fnmatch(str(value), r[3])):
            return r
    return None


def judge(sc, oa, ob, allow, gaps):
    diffs, allowed, gapped = [], [], []
    for k in sorted(set(oa) | set(ob)):
        va, vb = oa.get(k, "<none>"), ob.get(k, "<none>")
        if va == vb:
            continue
        a = matching(allow, sc["name"], k, va)
        g = matching(gaps, sc["name"], k, va)
        if a:
            allowed.append((k, a[2]))
        elif g:
            gapped.append((k, g[2], va, vb))
        else:
            diffs.append((k, va, vb))
    return diffs, allowed, gapped


def show(v, other=None):
    v = str(v)
    if other is not None and v != str(other) and show(v) == show(other):
        return repr(v)  # the difference is invisible as text
    return v if "\n" not in v else "\n#     | " + v.replace("\n", "\n#     | ")


def sweep(run_tag):
    """Cgroups of this run still there (an orphan reaped late by pid 1 kept
    one busy during its scenario's clean-up): removed, bottom-up."""
    for _ in range(100):
        left = []
        for d in glob.glob("/sys/fs/cgroup/*/*cx%s*" % run_tag) + \
                glob.glob("/sys/fs/cgroup/*cx%s*" % run_tag):
            for sub, _, _ in os.walk(d, topdown=False):
                try:
                    os.rmdir(sub)
                except OSError:
                    left.append(sub)
        if not left:
            return
        time.sleep(0.1)
    print("# cgroups left behind: %s" % " ".join(left))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-f", "--filter", help="regex over scenario names")
    ap.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("COMPAT_JOBS", "3")))
    ap.add_argument("-l", "--list", action="store_true", help="list scenario names")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every observation")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    scen = load_scenarios(os.path.join(HERE, "tables"))
    if args.filter:
        scen = [s for s in scen if re.search(args.filter, s["name"])]
    if args.list:
        for s in scen:
            print(s["name"])
        return 0
    if os.geteuid() != 0:
        print("1..0 # skip compat tests need root")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    rta = os.environ.get("COMPAT_A") or os.environ.get("CORUN_BIN") or os.path.join(REPO, "build/corun")
    rtb = os.environ.get("COMPAT_B", "runc")
    rtc = os.environ.get("COMPAT_C", "")
    rts = []
    for r in (rta, rtb, rtc):
        p = shutil.which(r) if r else None
        rts.append(os.path.abspath(p) if p else None)
    if not rts[0] or not rts[1]:
        print("1..1\nnot ok 1 - compat: runtimes %s and %s must both exist" % (rta, rtb))
        print("0 passed, 1 failed, 0 skipped")
        return 1
    allow = load_lines(os.path.join(HERE, "allow.tsv"))
    gaps = load_lines(os.path.join(HERE, "gaps.tsv"))
    for rows, what in ((allow, "allow.tsv"), (gaps, "gaps.tsv")):
        for r in rows:
            if len(r) < 3:
                sys.exit("compat: %s: an entry needs PATTERN KEY WHY: %s" % (what, r))
    work = tempfile.mkdtemp(prefix="corun-compat.", dir=os.environ.get("COMPAT_TMP", "/tmp"))
    os.chmod(work, 0o755)
    env = Env(work)
    env.prepare()
    t0 = time.time()
    print("# compat: A=%s B=%s C=%s jobs=%d flags=%s" % (rts[0], rts[1], rts[2] or "-", args.jobs,
                                                          " ".join(GLOBAL_FLAGS) or "-"))
    print("1..%d" % len(scen))
    run_tag = "%03x" % random.randrange(4096)

    def one(i, sc):
        missing = [n for n in sc["need"] if not need_ok(env, n)]
        if missing:
            return i, sc, None, "needs " + ", ".join(missing)
        try:
            sc["config_text"] = config_text(env, sc)
        except RuntimeError as e:
            sc["config_error"] = str(e)
        base = os.path.join(work, "%s%03d" % (run_tag, i))
        os.makedirs(base)
        runs = [Run(env, sc, rt, k, base).run() if rt else None for rt, k in zip(rts, "abc")]
        # a difference seen once may be the machine's timing (a loaded CI
        # host): one more try; what differs twice is real. Both are said.
        first = judge(sc, observations(runs[0]), observations(runs[1]), allow, gaps)[0]
        if first:
            base2 = base + "-again"
            os.makedirs(base2)
            runs = [Run(env, sc, rt, k, base2).run() if rt else None for rt, k in zip(rts, "abc")]
            sc["retried"] = [k for k, _, _ in first]
        return i, sc, runs, None

    counts = {"scenarios": 0, "same": 0, "allowed": 0, "gap": 0, "failed": 0, "skipped": 0}
    by_area, gap_hits, allow_hits, failures, crun = {}, {}, {}, [], {"runc": 0, "corun": 0, "n": 0}
    results = {}
    used_gaps = set()
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as ex:
        futs = [ex.submit(one, i + 1, sc) for i, sc in enumerate(scen)]
        for fut in futs:
            i, sc, runs, skip = fut.result()
            area = by_area.setdefault(sc["area"], {"n": 0, "same": 0, "allowed": 0, "gap": 0,
                                                   "failed": 0, "skipped": 0})
            counts["scenarios"] += 1
            area["n"] += 1
            if skip:
                print("ok %d - compat: %s # skip %s" % (i, sc["name"], skip))
                counts["skipped"] += 1
                area["skipped"] += 1
                continue
            obs = [observations(r) if r else None for r in runs]
            results[sc["name"]] = {"corun": obs[0], "runc": obs[1], "crun": obs[2]}
            diffs, allowed, gapped = judge(sc, obs[0], obs[1], allow, gaps)
            for o, who in ((obs[0], "corun"), (obs[1], "runc")):
                if "setup" in o:  # the scenario itself is broken: never "same"
                    diffs.insert(0, ("setup (%s)" % who, o["setup"], "-"))
            if obs[2] is not None:
                crun["n"] += 1
                crun["runc"] += not judge(sc, obs[2], obs[1], [], [])[0]
                crun["corun"] += not judge(sc, obs[2], obs[0], [], [])[0]
            for k, why in allowed:
                allow_hits.setdefault(why, []).append("%s %s" % (sc["name"], k))
            if sc.get("retried"):
                print("# %s differed on the first try, in: %s" % (sc["name"], ", ".join(sc["retried"])))
            if args.verbose:
                print("# times: " + " ".join("%.2f" % r.secs for r in runs if r))
                for k in sorted(obs[0]):
                    print("#   %s = %s" % (k, show(obs[0][k])))
            if diffs:
                print("not ok %d - compat: %s" % (i, sc["name"]))
                for k, va, vb in diffs:
                    print("#   %s\n#     corun: %s\n#     runc:  %s" % (k, show(va, vb), show(vb, va)))
                for k, why, va, vb in gapped:
                    print("#   (known gap %s) %s" % (why, k))
                counts["failed"] += 1
                area["failed"] += 1
                failures.append(sc["name"])
            elif gapped:
                whys = sorted({g[1] for g in gapped})
                print("ok %d - compat: %s # skip known gap: %s" % (i, sc["name"], "; ".join(whys)))
                for k, why, va, vb in gapped:
                    print("#   %s\n#     corun: %s\n#     runc:  %s" % (k, show(va, vb), show(vb, va)))
                    gap_hits.setdefault(why, []).append(sc["name"])
                counts["gap"] += 1
                area["gap"] += 1
            else:
                print("ok %d - compat: %s" % (i, sc["name"]))
                for k, why in allowed:
                    print("#   allowed %s: %s" % (k, why))
                key = "allowed" if allowed else "same"
                counts[key] += 1
                area[key] += 1
            sys.stdout.flush()
    secs = time.time() - t0
    print("# compat summary (A=%s, B=%s), %.0f s" % (os.path.basename(rts[0]),
                                                    os.path.basename(rts[1]), secs))
    print("# %-12s %9s %5s %8s %10s %8s %8s" % ("area", "scenarios", "same", "allowed",
                                              "known gap", "failed", "skipped"))
    for a in sorted(by_area):
        v = by_area[a]
        print("# %-12s %9d %5d %8d %10d %8d %8d" % (a, v["n"], v["same"], v["allowed"], v["gap"],
                                                  v["failed"], v["skipped"]))
    print("# %-12s %9d %5d %8d %10d %8d %8d" % ("total", counts["scenarios"], counts["same"],
                                              counts["allowed"], counts["gap"], counts["failed"],
                                              counts["skipped"]))
    if crun["n"]:
        print("# crun (recorded, not judged): same as runc in %d of %d, same as corun in %d"
              % (crun["runc"], crun["n"], crun["corun"]))
    for why, names in sorted(gap_hits.items()):
        print("# known gap %s: %d scenarios (%s)" % (why, len(set(names)),
                                                     ", ".join(sorted(set(names))[:4]) +
                                                     (", ..." if len(set(names)) > 4 else "")))
    for why, hits in sorted(allow_hits.items()):
        print("# allowed (%d): %s" % (len(hits), why))
    stale = [g for g in gaps if not any(g[2] == w for w in gap_hits)]
    scen_names = [s["name"] for s in scen]
    for g in stale:
        if not args.filter and len(g) < 4 and any(fnmatch.fnmatch(n, g[0]) for n in scen_names):
            print("# known gap no longer seen (remove it from gaps.tsv?): %s %s" % (g[0], g[1]))
    sweep(run_tag)
    out = os.environ.get("COMPAT_RESULTS")
    if out:
        with open(out, "w") as f:
            json.dump(results, f, indent=1, sort_keys=True)
    if args.keep:
        print("# work directory kept: %s" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    passed = counts["same"] + counts["allowed"]
    print("%d passed, %d failed, %d skipped" % (passed, counts["failed"],
                                               counts["gap"] + counts["skipped"]))
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
