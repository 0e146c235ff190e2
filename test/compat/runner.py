#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""test/compat: one scenario under one runtime (bundle, steps, what is
left afterwards, clean-up)."""
import fcntl
import glob
import json
import os
import pty
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import termios
import threading
import time

from scenarios import GLOBAL_FLAGS, HERE, TAG_VAR, TIME_SCALE

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

    def rtargv(self):
        """The runtime with its global options (COMPAT_GLOBAL_FLAGS, e.g.
        --systemd-cgroup: every call must use the same driver)."""
        return [self.rt] + GLOBAL_FLAGS + ["--root", self.root]

    def runtime_argv(self, words, noid=False):
        cmd, rest = words[0], words[1:]
        argv = self.rtargv() + [cmd]
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
        timeout *= TIME_SCALE
        text = self.expand(" ".join(words))
        words = shlex.split(text)
        key = "s%02d" % i
        env = self.penv()
        if words[0] == "sleep":
            time.sleep(float(words[1]) * TIME_SCALE)
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
                r = subprocess.run(self.rtargv() + ["state", self.id],
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
            r = subprocess.run(self.rtargv() + ["list", "-q"],
                               capture_output=True, text=True, timeout=10)
            for cid in r.stdout.split():
                subprocess.run(self.rtargv() + ["delete", "-f", cid],
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
        # a killed orphan stays in its cgroup until pid 1 reaps it
        for _ in range(50):
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
