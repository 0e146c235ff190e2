#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A seccomp agent for the compat scenarios: agent.py SOCKET OUTDIR ERRNO.
Creates OUTDIR/ready once listening, takes one connection (the container
state JSON and the listener fd, in one message: the connection is not read
to EOF, as runc keeps it open), saves OUTDIR/state.json and OUTDIR/nfds,
then answers every notified syscall with -ERRNO, appending "nr=N" to
OUTDIR/notifs, until the listener hangs up."""
import array, fcntl, os, select, socket, struct, sys

RECV, SEND = 0xC0502100, 0xC0182101  # SECCOMP_IOCTL_NOTIF_RECV / _SEND
path, out, err = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
open(os.path.join(out, "ready"), "w").close()
s.settimeout(60)
conn, _ = s.accept()
data, fds, _, _ = socket.recv_fds(conn, 65536, 8)
conn.settimeout(0.3)
try:
    while not data.rstrip().endswith(b"}"):
        more = conn.recv(65536)
        if not more:
            break
        data += more
except OSError:
    pass
with open(os.path.join(out, "state.json"), "wb") as f:
    f.write(data)
with open(os.path.join(out, "nfds"), "w") as f:
    f.write("%d\n" % len(fds))
if not fds:
    sys.exit(1)
fd = fds[0]
log = open(os.path.join(out, "notifs"), "a")
p = select.poll()
p.register(fd, select.POLLIN)
while True:
    ev = p.poll(60000)
    if not ev or ev[0][1] & (select.POLLHUP | select.POLLERR):
        break
    buf = bytearray(80)
    try:
        fcntl.ioctl(fd, RECV, buf)
    except OSError:
        continue
    nid, pid, _, nr = struct.unpack_from("=QIIi", buf)
    log.write("nr=%d\n" % nr)
    log.flush()
    try:
        fcntl.ioctl(fd, SEND, bytearray(struct.pack("=QqiI", nid, 0, -err if err else 0, 0)))
    except OSError:
        pass
