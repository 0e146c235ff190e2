/* SPDX-License-Identifier: Apache-2.0 */
/* The one reader of the kernel's text files about mounts and processes:
 * /proc/PID/mountinfo, /proc/PID/cgroup and /proc/PID/status.
 *
 * The parsers take text and split it in place (no allocation, no file
 * access), so unit tests and fuzz targets feed them any bytes; the
 * readers below them open the files through util.h's proc_open seam.
 * Depends on libc and util.c only: rootfs.c and the cgroup drivers call
 * down into it, never the other way. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- /proc/PID/mountinfo (proc(5)) ----
 * id parent major:minor root mount_point options [optional...] - fstype
 * source super_options */
struct mountinfo_entry {
	unsigned long long id, parent;
	char *root;	     /* unescaped */
	char *mount_point;   /* unescaped */
	char *options;	     /* per-mount options, as written */
	char *optional;	     /* "shared:1 master:2" or "" */
	char *fstype;	     /* unescaped */
	char *source;	     /* unescaped */
	char *super_options; /* as written: a comma list */
};

/* Undoes the kernel's octal escapes (\040 blank, \011 tab, \012 newline,
 * \134 backslash) in place; anything else is kept as it is. */
void mountinfo_unescape(char *s);
/* Splits one line (a trailing newline is ignored) in place into e. -1 when
 * the line is not a mount: no " - " separator, fewer than six fields before
 * it or three after it. */
int mountinfo_parse_line(char *line, struct mountinfo_entry *e);
/* Iterates over the lines of text, splitting them in place: true with the
 * next well-formed entry in e (malformed lines are skipped), false at the
 * end. *pos starts at the text. */
bool mountinfo_next(char **pos, struct mountinfo_entry *e);
/* Whether the optional fields hold a tag such as "shared:" or "master:". */
bool mountinfo_has_optional(const struct mountinfo_entry *e, const char *tag);

typedef int (*mountinfo_fn)(const struct mountinfo_entry *e, void *ud);
/* Calls fn for each mount of /proc/self/mountinfo until fn returns non-zero:
 * -1 when the file cannot be opened (err set) or fn returned < 0, else 0. */
int mountinfo_read(mountinfo_fn fn, void *ud);

/* ---- /proc/PID/cgroup (cgroups(7)) ----
 * "hierarchy-id:controller-list:path"; v1 "4:cpu,cpuacct:/a",
 * "1:name=systemd:/a", v2 "0::/a". The path is the rest of the line and
 * may hold colons. */
struct proc_cgroup_entry {
	char *id;	   /* "0" for cgroup2 */
	char *controllers; /* "cpu,cpuacct", "name=systemd", "" for cgroup2 */
	char *path;
};

/* Splits one line in place; -1 without two colons. */
int proc_cgroup_parse_line(char *line, struct proc_cgroup_entry *e);
/* As mountinfo_next, for /proc/PID/cgroup text. */
bool proc_cgroup_next(char **pos, struct proc_cgroup_entry *e);
/* Whether e is the cgroup2 line ("0::..."). */
bool proc_cgroup_is_v2(const struct proc_cgroup_entry *e);
/* Our own cgroup ("/a/b", "" for the root or when none matches; malloc'd):
 * the path of the first line of /proc/self/cgroup that match accepts. */
char *proc_self_cgroup(bool (*match)(const struct proc_cgroup_entry *e, const void *ud),
		       const void *ud);

/* ---- /proc/PID/status (proc(5)) ----
 * "Name:\tvalue" lines. */

/* The value of field name ("SigPnd") without its leading blanks, up to the
 * end of its line (*len bytes, not NUL-terminated); NULL when absent. */
const char *proc_status_field(const char *text, const char *name, size_t *len);
/* A hexadecimal mask field ("SigPnd", "CapEff"); false when absent or not hex. */
bool proc_status_hex(const char *text, const char *name, unsigned long long *out);

/* ---- /proc/PID/stat (proc(5)) ----
 * "pid (comm) state ppid ..."; comm may hold blanks and parentheses, so
 * the fields after it are counted from its last ")". */

/* Field n (proc(5)'s numbering: 1 pid, 3 state, 22 starttime), *len bytes
 * up to the next blank; NULL when the text has fewer fields. n >= 3. */
const char *proc_stat_field(const char *text, int n, size_t *len);

/* ---- files ---- */
/* Field 22 of /proc/PID/stat; 0 when the process is gone. */
unsigned long long proc_start_time(pid_t pid);
/* Process state letter from /proc/PID/stat ('Z' zombie...), 0 when gone. */
char proc_state(pid_t pid);
/* Reads a whole /proc file (at most max bytes) through proc_open; -1 + err. */
int proc_text_read(const char *path, size_t max, char **out);
