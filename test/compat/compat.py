#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Differential tests: every scenario of test/compat/tables/*.json runs with
runtime A (corun) and with the reference B (runc), and optionally C (crun,
recorded only), on identical bundles; what a user can observe is compared.
Prints TAP, a table and "N passed, N failed, N skipped". See README.md."""
import argparse
import concurrent.futures
import fcntl
import fnmatch
import glob
import itertools
import json
import os
import pty
import random
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TAG_VAR = "CORUN_COMPAT_TAG"
RUNTIME_CMDS = {"run", "create", "start", "state", "kill", "delete", "pause", "resume",
                "ps", "exec", "update", "events", "list"}
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


# ---------------------------------------------------------------- running

class ConsoleSock:
    """A --console-socket receiver: takes the pty master and records what
    the terminal prints until it closes."""

    def __init__(self, path):
        self.path = path
        self.data = b""
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(1)
        self.sock.settimeout(30)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        try:
            conn, _ = self.sock.accept()
            _, fds, _, _ = socket.recv_fds(conn, 4096, 1)
            conn.close()
            if fds:
                self.data = read_master(fds[0], 30)
        except OSError:
            pass

    def result(self, timeout=5):
        self.thread.join(timeout)
        self.sock.close()
        return self.data.decode(errors="replace")


def read_master(fd, timeout):
    data, end = b"", time.time() + timeout
    try:
        while time.time() < end:
            try:
                b = os.read(fd, 4096)
            except OSError:
                break
            if not b:
                break
            data += b
    finally:
        os.close(fd)
    return data


def link_tree(src, dst):
    """A copy of the template rootfs: directories and symlinks anew, files
    hard links, except etc/ whose files a scenario may edit."""
    for d, dirs, files in os.walk(src):
        rel = os.path.relpath(d, src)
        out = os.path.join(dst, rel) if rel != "." else dst
        st = os.lstat(d)
        os.mkdir(out, st.st_mode & 0o7777)
        os.chown(out, st.st_uid, st.st_gid)
        os.chmod(out, st.st_mode & 0o7777)
        for name in files + [x for x in dirs if os.path.islink(os.path.join(d, x))]:
            p, q = os.path.join(d, name), os.path.join(out, name)
            if os.path.islink(p):
                os.symlink(os.readlink(p), q)
            elif rel == "etc":
                shutil.copy2(p, q)
            else:
                os.link(p, q)


def config_text(env, sc):
    """The scenario's config.json, with @@T@@, @@B@@ and @@ID@@ for what
    differs per runtime: one jq run serves both."""
    tmpl = env.template_config
    cfg = dict(tmpl)
    cfg["process"] = dict(tmpl["process"], args=["/probe"] + probe_words(sc["probe"]))
    cfg["process"]["env"] = cfg["process"]["env"] + ["%s=@@ID@@" % TAG_VAR]
    if sc["args"] is not None:
        cfg["process"]["args"] = sc["args"]
    flt = " | ".join(["."] + sc["config"])
    r = subprocess.run(["jq", "--arg", "id", "@@ID@@", "--arg", "T", "@@T@@", "--arg", "B", "@@B@@",
                        flt], input=json.dumps(cfg), capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError("config filter failed: %s" % r.stderr.strip())
    return r.stdout


def probe_words(p):
    """The probe's sections: a string of words, or a list (a section with
    spaces is a shell command)."""
    if p is None:
        return ["id"]
    return p.split() if isinstance(p, str) else p


class Run:
    """One scenario under one runtime, in its own directory."""

    def __init__(self, env, sc, rt, rtkey, base):
        self.env, self.sc, self.rt = env, sc, rt
        self.dir = os.path.join(base, rtkey)
        self.bundle = os.path.join(self.dir, "bundle")
        self.root = os.path.join(self.dir, "root")
        self.id = "cx%s%s" % (os.path.basename(base), rtkey)
        self.tag = self.id
        self.bg = {}
        self.socks = []
        self.obs = {}
        self.secs = 0
        self.terminal = False
        self.hostpids = os.path.join(self.dir, "hostpids")

    # -- bundle
    def setup(self):
        os.makedirs(self.root)
        os.makedirs(os.path.join(self.dir, "shared"))
        os.chmod(self.dir, 0o755)
        os.makedirs(self.bundle)
        link_tree(os.path.join(self.env.template, "rootfs"), os.path.join(self.bundle, "rootfs"))
        penv = self.penv()
        if "config_text" not in self.sc:
            raise RuntimeError(self.sc.get("config_error", "no config"))
        for cmd in self.sc["host"]:
            self.sh(cmd, cwd=self.dir, env=penv)
        for cmd in self.sc["rootfs"]:
            self.sh(cmd, cwd=os.path.join(self.bundle, "rootfs"), env=penv)
        tmpl = self.env.template_config
        text = self.sc["config_text"]
        for a, b in (("@@T@@", self.dir), ("@@B@@", self.bundle), ("@@ID@@", self.id)):
            text = text.replace(a, b)
        cfg = json.loads(text)
        for p, v in (("docker", "@docker"), ("podman", "@podman")):
            if cfg.get("linux", {}).get("seccomp") == v:
                with open(self.env.profiles[p]) as f:
                    cfg["linux"]["seccomp"] = json.load(f)
        if self.sc["exec_process"]:
            # the scenario's process is exec'ed; the init is the template's
            proc = cfg["process"]
            with open(os.path.join(self.dir, "process.json"), "w") as f:
                json.dump(proc, f)
            cfg["process"] = dict(tmpl["process"], args=["sleep", "30"])
            cfg["process"]["env"] = tmpl["process"]["env"] + ["%s=%s" % (TAG_VAR, self.tag)]
            self.terminal = bool(proc.get("terminal"))
        else:
            self.terminal = bool(cfg["process"].get("terminal"))
        with open(os.path.join(self.bundle, "config.json"), "w") as f:
            json.dump(cfg, f, indent=1)
        self.cfg = cfg

    def penv(self):
        return dict(os.environ, ID=self.id, T=self.dir, B=self.bundle, R=self.root,
                    RT=self.rt, HOSTPIDS=self.hostpids, AGENT=os.path.join(HERE, "agent.py"),
                    **{TAG_VAR: self.tag})

    def sh(self, cmd, cwd, env):
        # output to a file: a background process it starts keeps no pipe open
        log = os.path.join(self.dir, "setup.log")
        with open(log, "w") as f:
            r = subprocess.run(["sh", "-ec", cmd], cwd=cwd, env=env, stdout=f, stderr=f,
                               stdin=subprocess.DEVNULL, timeout=30)
        if r.returncode:
            with open(log) as f:
                raise RuntimeError("setup %r failed: %s" % (cmd, f.read().strip()))

    # -- steps
    def expand(self, step):
        console = ""
        if "{console}" in step and self.terminal:
            path = os.path.join(self.dir, "console%d.sock" % len(self.socks))
            self.socks.append(ConsoleSock(path))
            console = "--console-socket " + path
        return (step.replace("{console}", console).replace("{id}", self.id)
                .replace("{T}", self.dir).replace("{B}", self.bundle))

    def runtime_argv(self, words, noid=False):
        cmd, rest = words[0], words[1:]
        argv = [self.rt, "--root", self.root, cmd]
        if cmd in ("run", "create") and "-b" not in rest:
            argv += ["-b", self.bundle]
        argv += rest
        if self.id not in rest and cmd not in ("list",) and not noid:
            argv.append(self.id)
        return argv

    def start(self, key, argv, use_tty, env):
        out = open(os.path.join(self.dir, key + ".out"), "wb")
        err = open(os.path.join(self.dir, key + ".err"), "wb")
        master = None
        if use_tty:
            master, slave = pty.openpty()
            # a terminal the size of a common one, as a user's would be
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=err, env=env,
                                 start_new_session=True, cwd=self.dir)
            os.close(slave)
        else:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                                 start_new_session=True, cwd=self.dir)
        out.close()
        err.close()
        reader = None
        if master is not None:
            box = {}
            reader = threading.Thread(target=lambda: box.update(d=read_master(master, 40)),
                                      daemon=True)
            reader.start()
            reader.box = box
        return {"p": p, "key": key, "reader": reader, "argv": argv}

    def finish(self, h, timeout):
        p = h["p"]
        try:
            rc = p.wait(timeout)
        except subprocess.TimeoutExpired:
            rc = "timeout"
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
            p.wait()
        res = {"rc": rc}
        if h["reader"] is not None:
            h["reader"].join(5)
            res["tty"] = h["reader"].box.get("d", b"").decode(errors="replace")
        self.obs[h["key"]] = res

    def step(self, i, raw):
        words = raw.split()
        bgname, use_tty, timeout = None, False, self.sc["timeout"] or 20
        noid = False
        while words and (words[0].startswith("&") or words[0] in ("tty", "noid") or
                         words[0].startswith("t=")):
            w = words.pop(0)
            if w.startswith("&"):
                bgname = w[1:]
            elif w == "noid":
                noid = True
            elif w == "tty":
                use_tty = self.terminal
            else:
                timeout = float(w[2:])
        text = self.expand(" ".join(words))
        words = shlex.split(text)
        key = "s%02d" % i
        env = self.penv()
        if words[0] == "sleep":
            time.sleep(float(words[1]))
            return
        if words[0] == "wait":
            h = self.bg.pop(words[1])
            self.finish(h, timeout)
            return
        if words[0] in ("wait-status", "wait-exit"):
            want = words[1] if words[0] == "wait-status" else "stopped"
            self.obs[key] = {"reached": self.wait_status(want, timeout)}
            return
        if words[0] == "wait-file":
            end = time.time() + timeout
            while time.time() < end and not os.path.exists(words[1]):
                time.sleep(0.02)
            self.obs[key] = {"file": os.path.exists(words[1])}
            return
        if words[0] == "host":
            argv = ["sh", "-c", text.split(None, 1)[1]]
        else:
            argv = self.runtime_argv(words, noid)
        h = self.start(key, argv, use_tty, env)
        h["cmd"] = words[0]
        if bgname:
            self.bg[bgname] = h
        else:
            self.finish(h, timeout)

    def wait_status(self, want, timeout):
        """Polls state until STATUS (for "stopped": or the container is
        gone); a slow state call on a loaded machine is polled again."""
        end, last = time.time() + timeout, None
        while time.time() < end:
            try:
                r = subprocess.run([self.rt, "--root", self.root, "state", self.id],
                                   capture_output=True, text=True, timeout=max(5, end - time.time()))
            except subprocess.TimeoutExpired:
                last = "state-timeout"
                continue
            last = json.loads(r.stdout).get("status") if r.returncode == 0 else "gone"
            if last == want or (want == "stopped" and last == "gone"):
                return want
            time.sleep(0.03)
        return "not-reached:%s" % last

    def run(self):
        t0 = time.time()
        try:
            self.setup()
        except (RuntimeError, subprocess.SubprocessError, OSError) as e:
            self.obs["setup"] = {"error": str(e)}
            return self
        for i, s in enumerate(self.sc["steps"] or ["run"]):
            self.step(i, s)
        for name in list(self.bg):
            self.finish(self.bg.pop(name), 20)
        for j, s in enumerate(self.socks):
            self.obs["console%d" % j] = {"tty": s.result(10 if self.alive_any() else 2)}
        self.observe_left()
        self.cleanup()
        self.collect()
        self.secs = time.time() - t0
        return self

    # -- afterwards
    def tagged_pids(self):
        pids = []
        needle = ("%s=%s" % (TAG_VAR, self.tag)).encode()
        for d in os.listdir("/proc"):
            if d.isdigit() and int(d) != os.getpid():
                try:
                    with open("/proc/%s/environ" % d, "rb") as f:
                        if needle in f.read().split(b"\0"):
                            with open("/proc/%s/stat" % d) as s:
                                if s.read().rsplit(")", 1)[1].split()[0] not in "ZX":
                                    pids.append(int(d))
                except OSError:
                    pass
        return pids

    def alive_any(self):
        return bool(self.tagged_pids())

    def cgroups(self):
        found = []
        for ctl in glob.glob("/sys/fs/cgroup/*/") + ["/sys/fs/cgroup/"]:
            for depth in ("", "*/", "*/*/"):
                for p in glob.glob(ctl + depth + "*%s*" % self.id):
                    if os.path.isdir(p):
                        found.append(p[len("/sys/fs/cgroup/"):])
        return sorted(set(found))

    def mounts(self):
        with open("/proc/self/mountinfo") as f:
            return sorted(line.split()[4] for line in f if " %s/" % self.dir in line)

    def observe_left(self):
        left = {"state": sorted(os.listdir(self.root)) if os.path.isdir(self.root) else [],
                "mounts": self.mounts(), "cgroups": self.cgroups(),
                "procs": len(self.tagged_pids())}
        self.obs["left"] = left

    def cleanup(self):
        """Leaves nothing behind, whatever the runtime did: thaws frozen
        cgroups (their processes cannot die frozen), deletes, kills the
        scenario's processes, unmounts, removes its cgroups bottom-up."""
        self.thaw()
        try:
            r = subprocess.run([self.rt, "--root", self.root, "list", "-q"],
                               capture_output=True, text=True, timeout=10)
            for cid in r.stdout.split():
                subprocess.run([self.rt, "--root", self.root, "delete", "-f", cid],
                               capture_output=True, timeout=15)
        except subprocess.SubprocessError:
            pass
        self.thaw()
        pids = self.tagged_pids()
        if os.path.exists(self.hostpids):
            with open(self.hostpids) as f:
                pids += [int(x) for x in f.read().split() if x.isdigit()]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for _ in range(100):
            if not self.tagged_pids():
                break
            time.sleep(0.05)
        for m in reversed(self.mounts()):
            subprocess.run(["umount", "-l", m], capture_output=True)
        for _ in range(20):
            left = False
            for cg in self.cgroups():
                for d, _, _ in os.walk("/sys/fs/cgroup/" + cg, topdown=False):
                    try:
                        os.rmdir(d)
                    except OSError:
                        left = True
            if not left:
                break
            time.sleep(0.1)

    def thaw(self):
        for cg in self.cgroups():
            for d, _, files in os.walk("/sys/fs/cgroup/" + cg):
                for name, val in (("freezer.state", "THAWED"), ("cgroup.freeze", "0")):
                    if name in files:
                        try:
                            with open(os.path.join(d, name), "w") as f:
                                f.write(val)
                        except OSError:
                            pass

    def collect(self):
        """Reads every step's output files into the observations."""
        for i in range(len(self.sc["steps"] or ["run"])):
            key = "s%02d" % i
            if key not in self.obs or "rc" not in self.obs[key]:
                continue
            o = self.obs[key]
            for kind in ("out", "err"):
                try:
                    with open(os.path.join(self.dir, "%s.%s" % (key, kind)), "rb") as f:
                        o[kind] = f.read().decode(errors="replace")
                except OSError:
                    o[kind] = ""


# ------------------------------------------------------------ normalising

def normalize_text(run, s):
    s = s.replace("\r\n", "\n")
    for a, b in ((run.bundle, "$B"), (run.root, "$R"), (run.dir, "$T"), (run.id, "ID"),
):
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


def show(v):
    v = str(v)
    return v if "\n" not in v else "\n#     | " + v.replace("\n", "\n#     | ")


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
    print("# compat: A=%s B=%s C=%s jobs=%d" % (rts[0], rts[1], rts[2] or "-", args.jobs))
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
            if args.verbose:
                print("# times: " + " ".join("%.2f" % r.secs for r in runs if r))
                for k in sorted(obs[0]):
                    print("#   %s = %s" % (k, show(obs[0][k])))
            if diffs:
                print("not ok %d - compat: %s" % (i, sc["name"]))
                for k, va, vb in diffs:
                    print("#   %s\n#     corun: %s\n#     runc:  %s" % (k, show(va), show(vb)))
                for k, why, va, vb in gapped:
                    print("#   (known gap %s) %s" % (why, k))
                counts["failed"] += 1
                area["failed"] += 1
                failures.append(sc["name"])
            elif gapped:
                whys = sorted({g[1] for g in gapped})
                print("ok %d - compat: %s # skip known gap: %s" % (i, sc["name"], "; ".join(whys)))
                for k, why, va, vb in gapped:
                    print("#   %s\n#     corun: %s\n#     runc:  %s" % (k, show(va), show(vb)))
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
        if len(g) < 4 and any(fnmatch.fnmatch(n, g[0]) for n in scen_names):
            print("# known gap no longer seen (remove it from gaps.tsv?): %s %s" % (g[0], g[1]))
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


def need_ok(env, n):
    if n == "probe":
        return env.have_probe
    if n in ("docker", "podman"):
        return n in env.profiles
    if n == "cgroup-v1":
        return os.path.isdir("/sys/fs/cgroup/memory") and os.path.isdir("/sys/fs/cgroup/freezer")
    if n == "cgroup-v2":
        return os.path.exists("/sys/fs/cgroup/cgroup.controllers")
    return shutil.which(n) is not None


if __name__ == "__main__":
    sys.exit(main())
