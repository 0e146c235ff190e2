#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""test/compat: the scenario tables and the inputs every scenario shares
(template bundle, engine seccomp profiles)."""
import glob
import itertools
import fnmatch
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TAG_VAR = "CORUN_COMPAT_TAG"
# global options given to both runtimes on every call (e.g. --systemd-cgroup)
GLOBAL_FLAGS = shlex.split(os.environ.get("COMPAT_GLOBAL_FLAGS", ""))
# the cgroup driver the runtimes use; the tables see it as $driver and a
# scenario may need "driver-systemd" or "driver-cgroupfs"
DRIVER = "systemd" if "--systemd-cgroup" in GLOBAL_FLAGS else "cgroupfs"
# a slow machine (the TCG guest): steps' time limits, `sleep` steps and a
# container's `sleep N` init are this many times longer, so that a race
# window stays wider than one runtime call there
TIME_SCALE = float(os.environ.get("COMPAT_TIME_SCALE", "1"))
ERRNO_PHRASES = sorted({os.strerror(e).lower() for e in range(1, 134)} - {"success"},
                       key=len, reverse=True)


def load_lines(path):
    """Non-comment lines of a TSV file, split on tabs."""
    rows = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.strip() and not line.lstrip().startswith("#"):
                rows.append([c.strip() for c in line.split("\t") if c.strip()])
    return rows


KEYWORDS = [r[0].lower() for r in load_lines(os.path.join(HERE, "keywords.txt"))]


# ---------------------------------------------------------------- scenarios

def combine(parts):
    """One scenario from one value of every axis: names joined with '-',
    config filters and setup commands concatenated, later steps/args win."""
    sc = {"names": [], "config": [], "rootfs": [], "host": [], "steps": None,
          "probe": None, "args": None, "need": [], "timeout": None, "exec_process": False}
    for p in parts:
        if p.get("name"):
            sc["names"].append(p["name"])
        for k in ("config", "rootfs", "host", "need"):
            v = p.get(k)
            if v:
                sc[k] += v if isinstance(v, list) else [v]
        for k in ("steps", "probe", "args", "timeout"):
            if p.get(k) is not None:
                sc[k] = p[k]
        sc["exec_process"] = sc["exec_process"] or p.get("exec_process", False)
    return sc


def load_scenarios(tables_dir):
    """Expands every table: the product of its axes (lists of values, or
    '@NAME' for a shared axis from the file's 'axes')."""
    out = []
    for path in sorted(glob.glob(os.path.join(tables_dir, "*.json"))):
        with open(path) as f:
            doc = json.load(f)
        shared = doc.get("axes", {})
        for t in doc["tables"]:
            axes = []
            for a in t.get("axes", []):
                axes.append(shared[a[1:]] if isinstance(a, str) else a)
            for combo in itertools.product(*axes) if axes else [()]:
                sc = combine([t.get("base", {})] + list(combo))
                name = "/".join(x for x in (doc["area"], t["name"], "-".join(sc["names"])) if x)
                if any(fnmatch.fnmatch(name, pat) for pat in t.get("exclude", [])):
                    continue
                sc["name"] = name
                sc["area"] = doc["area"]
                out.append(sc)
    names = [s["name"] for s in out]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        sys.exit("compat: duplicate scenario names: %s" % ", ".join(sorted(dup)))
    return out



# ------------------------------------------------------------ environment

class Env:
    """Shared, read-only inputs: the template bundle and helper binaries."""

    def __init__(self, work):
        self.work = work
        self.template = os.path.join(work, "template")
        self.profiles = {}

    def prepare(self):
        subprocess.run(["bash", os.path.join(REPO, "scripts/mkbundle.sh"), self.template, "true"],
                       check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, RUNTIME=os.environ.get("COMPAT_B", "runc")))
        with open(os.path.join(self.template, "config.json")) as f:
            self.template_config = json.load(f)
        rootfs = os.path.join(self.template, "rootfs")
        shutil.copy(os.path.join(HERE, "probe.sh"), os.path.join(rootfs, "probe"))
        os.chmod(os.path.join(rootfs, "probe"), 0o755)
        self.have_probe = self.build("seccomp_probe", os.path.join(rootfs, "bin/seccomp_probe"),
                                     "-static")
        for name, path in profile_sources(self.work).items():
            self.profiles[name] = path

    def build(self, name, out, *flags):
        if not shutil.which("gcc"):
            return False
        r = subprocess.run(["gcc", "-O2", *flags, "-o", out,
                            os.path.join(REPO, "test/helpers", name + ".c")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return r.returncode == 0


def profile_sources(work):
    """Docker's and podman's default seccomp profiles as Debian ships them,
    converted to linux.seccomp for the template's capabilities. Docker's
    comes from golang-github-docker-docker-dev (downloaded, not installed,
    cached in COMPAT_CACHE)."""
    out = {}
    podman = "/usr/share/containers/seccomp.json"
    cache = os.environ.get("COMPAT_CACHE", "/var/tmp/corun-compat-cache")
    docker = os.path.join(cache, "docker-default.json")
    if not os.path.exists(docker):
        os.makedirs(cache, exist_ok=True)
        d = tempfile.mkdtemp(dir=work)
        r = subprocess.run("apt-get download golang-github-docker-docker-dev && "
                           "dpkg-deb --fsys-tarfile *.deb | tar -xO "
                           "./usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json"
                           " >docker.json && test -s docker.json && mv docker.json %s" % shlex.quote(docker),
                           shell=True, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(d, ignore_errors=True)
    for name, src in (("docker", docker), ("podman", podman)):
        if os.path.exists(src):
            with open(src) as f:
                prof = convert_profile(json.load(f), DOCKER_CAPS)
            path = os.path.join(work, "seccomp-%s.json" % name)
            with open(path, "w") as f:
                json.dump(prof, f)
            out[name] = path
    return out


DOCKER_CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
               "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
               "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]


def convert_profile(p, caps, arch="amd64"):
    """An engine profile (archMap, includes/excludes) to linux.seccomp, as an
    engine on x86_64 would hand it to the runtime."""
    def applies(inc, exc):
        inc, exc = inc or {}, exc or {}
        if inc.get("arches") and arch not in inc["arches"]:
            return False
        if inc.get("caps") and not set(inc["caps"]) <= set(caps):
            return False
        if exc.get("arches") and arch in exc["arches"]:
            return False
        if exc.get("caps") and set(exc["caps"]) & set(caps):
            return False
        return True
    arches = []
    for m in p.get("archMap", []):
        if m["architecture"] == "SCMP_ARCH_X86_64":
            arches = [m["architecture"]] + m.get("subArchitectures", [])
    out = {"defaultAction": p["defaultAction"], "architectures": arches, "syscalls": []}
    if p.get("defaultErrnoRet") is not None:
        out["defaultErrnoRet"] = p["defaultErrnoRet"]
    for s in p["syscalls"]:
        if not applies(s.get("includes"), s.get("excludes")):
            continue
        e = {"names": s["names"] if s.get("names") else [s["name"]], "action": s["action"]}
        if s.get("errnoRet") is not None:
            e["errnoRet"] = s["errnoRet"]
        if s.get("args"):
            e["args"] = s["args"]
        out["syscalls"].append(e)
    return out



def config_text(env, sc):
    """The scenario's config.json, with @@T@@, @@B@@ and @@ID@@ for what
    differs per runtime: one jq run serves both."""
    tmpl = env.template_config
    cfg = dict(tmpl)
    cfg["process"] = dict(tmpl["process"], args=["/probe"] + probe_words(sc["probe"]))
    cfg["process"]["env"] = cfg["process"]["env"] + ["%s=@@ID@@" % TAG_VAR]
    if sc["args"] is not None:
        cfg["process"]["args"] = scaled_sleep(sc["args"])
    flt = " | ".join(["."] + sc["config"])
    r = subprocess.run(["jq", "--arg", "id", "@@ID@@", "--arg", "T", "@@T@@", "--arg", "B", "@@B@@",
                        "--arg", "driver", DRIVER, flt],
                       input=json.dumps(cfg), capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError("config filter failed: %s" % r.stderr.strip())
    return r.stdout


def scaled_sleep(args):
    if TIME_SCALE != 1 and len(args) == 2 and args[0] == "sleep":
        try:
            return ["sleep", "%g" % (float(args[1]) * TIME_SCALE)]
        except ValueError:
            pass
    return args


def probe_words(p):
    """The probe's sections: a string of words, or a list (a section with
    spaces is a shell command)."""
    if p is None:
        return ["id"]
    return p.split() if isinstance(p, str) else p


def need_ok(env, n):
    if n == "probe":
        return env.have_probe
    if n in ("docker", "podman"):
        return n in env.profiles
    if n == "cgroup-v1":
        return os.path.isdir("/sys/fs/cgroup/memory") and os.path.isdir("/sys/fs/cgroup/freezer")
    if n.startswith("driver-"):
        return n == "driver-" + DRIVER
    if n == "cgroup-v2":
        return os.path.exists("/sys/fs/cgroup/cgroup.controllers")
    return shutil.which(n) is not None
