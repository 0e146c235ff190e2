/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for config.c/config_linux.c: the default specs parse,
 * relative mount destinations are cleaned, and each class of invalid
 * config is refused with the JSON path of the culprit in the message. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <linux/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "json.h"
#include "spec.h"
#include "tap.h"
#include "util.h"

static const char base_config[] =
    "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},"
    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}]}}";

/* Parses base_config with patch merged in. Returns NULL and fills *out
 * (when out is not NULL) on success, else a copy of the error message. */
static char *try_parse(const char *patch, struct spec **out)
{
	json_t *base = json_loads(base_config, 0, NULL);
	json_t *p = json_loads(patch, JSON_ALLOW_NUL, NULL);
	if (!base || !p) {
		fprintf(stderr, "bad test JSON: %s\n", patch);
		abort();
	}
	jmerge(base, p);
	char *text = json_dumps(base, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(base);
	json_decref(p);
	struct spec *s = NULL;
	int r = spec_parse(text, strlen(text), &s);
	free(text);
	if (r < 0)
		return xstrdup(err_msg());
	if (out)
		*out = s;
	else
		spec_free(s);
	return NULL;
}

/* One test: patch must fail with exactly want. */
static void fails(const char *patch, const char *want)
{
	_cleanup_free_ char *got = try_parse(patch, NULL);
	is_str(got, want, "refused: %s", patch);
}

static void accepts(const char *patch)
{
	_cleanup_free_ char *got = try_parse(patch, NULL);
	is_str(got, NULL, "accepted: %s", patch);
}

static void test_default_spec(void)
{
	_cleanup_free_ char *text = spec_default_json(false);
	struct spec *s = NULL;
	ok(spec_parse(text, strlen(text), &s) == 0, "default spec parses");
	if (!s)
		return;
	is_str(s->oci_version, "1.3.0", "ociVersion");
	is_str(s->root_path, "rootfs", "root.path");
	ok(s->root_readonly, "root.readonly");
	is_str(s->hostname, "corun", "hostname");
	ok(s->process && s->process->terminal, "process.terminal");
	is_str(s->process->args[0], "sh", "process.args[0]");
	ok(s->process->args[1] == NULL, "process.args is NULL-terminated");
	is_int((long long)strv_len(s->process->env), 2, "two env entries");
	uint64_t caps = (1ULL << 29) | (1ULL << 5) | (1ULL << 10);
	ok(s->process->has_caps && s->process->caps.bounding == caps &&
	       s->process->caps.ambient == caps && s->process->caps.inheritable == 0,
	   "capabilities: AUDIT_WRITE, KILL, NET_BIND_SERVICE");
	ok(s->process->n_rlimits == 1 && s->process->rlimits[0].resource == RLIMIT_NOFILE &&
	       s->process->rlimits[0].soft == 1024 && s->process->rlimits[0].hard == 1024,
	   "rlimit NOFILE 1024");
	ok(s->process->no_new_privileges, "noNewPrivileges");
	is_int((long long)s->n_mounts, 7, "seven mounts");
	is_str(s->mounts[2].destination, "/dev/pts", "mounts[2].destination");
	ok(s->mounts[2].opts.flags == (MS_NOSUID | MS_NOEXEC) &&
	       strcmp(s->mounts[2].opts.data, "newinstance,ptmxmode=0666,mode=0620,gid=5") == 0,
	   "mounts[2].options parsed: two flags, four as filesystem data");
	ok(s->linux.ns[NS_PID].present && s->linux.ns[NS_NET].present &&
	       s->linux.ns[NS_MNT].present && !s->linux.ns[NS_USER].present &&
	       !s->linux.ns[NS_CGROUP].present,
	   "namespaces");
	ok(s->linux.n_dev_rules == 1 && !s->linux.dev_rules[0].allow &&
	       s->linux.dev_rules[0].type == 'a' && s->linux.dev_rules[0].major == -1 &&
	       s->linux.dev_rules[0].minor == -1 &&
	       strcmp(s->linux.dev_rules[0].access, "rwm") == 0,
	   "resources.devices: deny all");
	is_int((long long)strv_len(s->linux.masked_paths), 10, "ten masked paths");
	is_int((long long)strv_len(s->linux.readonly_paths), 5, "five read-only paths");
	spec_free(s);
}

static void test_default_rootless(void)
{
	_cleanup_free_ char *text = spec_default_json(true);
	struct spec *s = NULL;
	ok(spec_parse(text, strlen(text), &s) == 0, "rootless default spec parses");
	if (!s)
		return;
	ok(s->linux.ns[NS_USER].present && !s->linux.ns[NS_NET].present,
	   "rootless: user namespace, no network namespace");
	ok(s->linux.n_uid_mappings == 1 && s->linux.uid_mappings[0].host_id == geteuid() &&
	       s->linux.uid_mappings[0].size == 1 && s->linux.n_gid_mappings == 1,
	   "rootless: the caller mapped to root");
	ok(s->linux.n_dev_rules == 0, "rootless: no device rules");
	spec_free(s);
}

static void test_valid(void)
{
	struct spec *s = NULL;
	char *e = try_parse("{\"mounts\":[{\"destination\":\"proc/../dev//shm/.\"},"
			    "{\"destination\":\"x/../y/\"},{\"destination\":\"/a/./b/../c\"},"
			    "{\"destination\":\"/a/..\"}]}",
			    &s);
	is_str(e, NULL, "relative mount destinations accepted");
	if (s) {
		is_str(s->mounts[0].destination, "/dev/shm", "proc/../dev//shm/. -> /dev/shm");
		is_str(s->mounts[1].destination, "/y", "x/../y/ -> /y");
		is_str(s->mounts[2].destination, "/a/c", "/a/./b/../c -> /a/c");
		is_str(s->mounts[3].destination, "/", "/a/.. -> /");
		ok(s->mounts[0].type == NULL && !s->mounts[0].opts.flags && !s->mounts[0].opts.data,
		   "absent fields NULL, no options");
		spec_free(s);
	}
	free(e);

	s = NULL;
	e = try_parse("{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_CORE\","
		      "\"soft\":1,\"hard\":9223372036854775807}],"
		      "\"oomScoreAdj\":-1000,\"terminal\":true,"
		      "\"consoleSize\":{\"height\":25,\"width\":80},"
		      "\"user\":{\"uid\":4294967295,\"gid\":7,\"umask\":18,"
		      "\"additionalGids\":[1,2],\"username\":\"x\"}},"
		      "\"linux\":{\"rootfsPropagation\":\"rslave\",\"mountLabel\":\"lbl\","
		      "\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"},"
		      "\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"c\",\"major\":1,"
		      "\"access\":\"wawr\"}]},"
		      "\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,"
		      "\"minor\":229,\"fileMode\":438},{\"path\":\"/dev/p\",\"type\":\"p\"}]},"
		      "\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\",\"timeout\":5}]},"
		      "\"annotations\":{\"k\":\"v\"},\"futureKey\":{\"x\":1}}",
		      &s);
	is_str(e, NULL, "a config using most fields is accepted");
	if (s) {
		const struct spec_process *p = s->process;
		ok(p->rlimits[0].resource == RLIMIT_CORE && p->rlimits[0].soft == 1 &&
		       p->rlimits[0].hard == INT64_MAX,
		   "rlimits up to 2^63-1 are exact");
		ok(p->has_oom_score_adj && p->oom_score_adj == -1000, "oomScoreAdj -1000");
		ok(p->has_console_size && p->console_height == 25 && p->console_width == 80,
		   "consoleSize");
		ok(p->user.uid == UINT32_MAX && p->user.gid == 7 && p->user.has_umask &&
		       p->user.umask == 022 && p->user.n_additional_gids == 2 &&
		       p->user.additional_gids[1] == 2,
		   "user");
		ok(s->linux.rootfs_propagation == (MS_SLAVE | MS_REC), "rslave -> MS_SLAVE|MS_REC");
		is_str(s->linux.mount_label, "lbl", "mountLabel stored");
		ok(s->linux.n_sysctl == 1 && strcmp(s->linux.sysctl[0].value, "1") == 0, "sysctl");
		const struct spec_devrule *r = &s->linux.dev_rules[0];
		ok(r->allow && r->type == 'c' && r->major == 1 && r->minor == -1 &&
		       strcmp(r->access, "rw") == 0,
		   "device rule: absent minor is a wildcard; access \"wawr\" is rw, as in runc");
		const struct spec_device *d = s->linux.devices;
		ok(d[0].type == 'c' && d[0].major == 10 && d[0].minor == 229 &&
		       d[0].has_file_mode && d[0].file_mode == 0666 && !d[0].has_uid,
		   "device /dev/fuse");
		ok(d[1].type == 'p', "fifo device without numbers");
		ok(s->hooks.count[HOOK_PRESTART] == 1 &&
		       s->hooks.list[HOOK_PRESTART][0].timeout == 5,
		   "prestart hook");
		ok(s->n_annotations == 1 && strcmp(s->annotations[0].key, "k") == 0, "annotations");
		spec_free(s);
	}
	free(e);

	accepts("{\"process\":null}");
	accepts("{\"linux\":{\"seccomp\":{},\"resources\":{\"memory\":{}}},\"windows\":null}");
	accepts("{\"linux\":{\"namespaces\":[{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}]}}");
	accepts("{\"linux\":{\"namespaces\":[{\"type\":\"user\"}],"
		"\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
		"\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}}");
}

/* jansson refuses integers beyond int64 unless asked to read them as reals;
 * 2^64-1 is how configs write "unlimited". */
/* Unknown capability names are kept for a warning (config.md: log a
 * warning, do not fail), each once; the known ones still count. */
static void test_unknown_caps(void)
{
	struct spec *s = NULL;
	_cleanup_free_ char *got =
	    try_parse("{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_FOO\"],"
		      "\"effective\":[\"CAP_FOO\",\"cap_kill\",\"CAP_BAR\"]}}}",
		      &s);
	is_str(got, NULL, "unknown capabilities are accepted");
	if (!s)
		return;
	is_str(s->process->caps.unknown, "CAP_FOO cap_kill CAP_BAR", "each unknown name once");
	ok(s->process->caps.bounding == 1ULL << 5, "CAP_KILL still in the bounding set");
	ok(s->process->caps.effective == 0, "nothing known in the effective set");
	spec_free(s);
	s = NULL;
	_cleanup_free_ char *got2 = try_parse("{\"process\":{\"env\":[\"A=1\",\"NOEQ\"]}}", NULL);
	is_str(got2, "invalid environment variable: \"NOEQ\"", "env entry without =");
	_cleanup_free_ char *got3 = try_parse("{\"process\":{\"env\":[\"=x\"]}}", NULL);
	is_str(got3, "environment variable name can't be empty: \"=x\"",
	       "env entry without a name");
}

static void test_unlimited_rlimit(void)
{
	const char *text =
	    "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},"
	    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"rlimits\":["
	    "{\"type\":\"RLIMIT_NOFILE\",\"soft\":1048576,"
	    "\"hard\":18446744073709551615}],\"user\":{\"uid\":4294967295,\"gid\":1}}}";
	struct spec *s = NULL;
	int r = spec_parse(text, strlen(text), &s);
	ok(r == 0, "2^64-1 rlimit accepted: %s", r == 0 ? "ok" : err_msg());
	if (!s)
		return;
	ok(s->process->rlimits[0].hard == UINT64_MAX && s->process->rlimits[0].soft == 1048576,
	   "2^64-1 is RLIM_INFINITY, other values exact");
	ok(s->process->user.uid == UINT32_MAX && s->process->user.gid == 1,
	   "integers read as reals keep their values");
	spec_free(s);
	text = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},"
	       "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
	       "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":1e30}]}}";
	ok(spec_parse(text, strlen(text), &s) < 0, "1e30 refused");
	is_str(err_msg(),
	       "process.rlimits[0].hard: must be an integer from 0 to 18446744073709551615",
	       "1e30 refused: message");
}

static void test_top_level_errors(void)
{
	fails("{\"ociVersion\":null}", "ociVersion: required");
	fails("{\"ociVersion\":1}", "ociVersion: must be a string");
	fails("{\"root\":null}", "root: required");
	fails("{\"root\":{\"path\":\"\"}}", "root.path: must not be empty");
	fails("{\"root\":{\"path\":\"r\",\"readonly\":\"yes\"}}",
	      "root.readonly: must be a boolean");
	fails("{\"hostname\":[]}", "hostname: must be a string");
	fails("{\"annotations\":{\"a\":\"b\",\"c\":1}}", "annotations[\"c\"]: must be a string");
	fails("{\"windows\":{\"layerFolders\":[\"x\"]}}", "windows: not supported on Linux");
	fails("{\"solaris\":{\"milestone\":\"x\"}}", "solaris: not supported on Linux");
	fails("{\"hostname\":\"a\\u0000b\"}", "hostname: contains a NUL byte");

	struct spec *s = NULL;
	int r = spec_parse("{\"a\":", 5, &s);
	ok(r < 0 && str_has_prefix(err_msg(), "config.json: invalid JSON at line 1"),
	   "invalid JSON refused: %s", err_msg());
	const char *dup = "{\"ociVersion\":\"1\",\"ociVersion\":\"2\",\"root\":{\"path\":\"r\"}}";
	r = spec_parse(dup, strlen(dup), &s);
	ok(r < 0 && strstr(err_msg(), "duplicate"), "duplicate keys refused: %s", err_msg());
	r = spec_parse("[]", 2, &s);
	ok(r < 0, "a non-object document is refused");
	is_str(err_msg(), "config.json: must be a JSON object", "non-object: message");
}

static void test_process_errors(void)
{
	fails("{\"process\":{\"args\":[]}}", "process.args: must not be empty");
	fails("{\"process\":{\"args\":null}}", "process.args: required");
	fails("{\"process\":{\"args\":[\"sh\",3]}}", "process.args[1]: must be a string");
	fails("{\"process\":{\"args\":\"sh\"}}", "process.args: must be an array");
	fails("{\"process\":{\"env\":[\"A=1\",\"B=\\u0000x\"]}}",
	      "process.env[1]: contains a NUL byte");
	fails("{\"process\":{\"cwd\":null}}", "process.cwd: required");
	fails("{\"process\":{\"cwd\":5}}", "process.cwd: must be a string");
	fails("{\"process\":{\"cwd\":\"tmp\"}}", "process.cwd: must be absolute");
	fails("{\"process\":{\"user\":{\"uid\":-1}}}",
	      "process.user.uid: must be an integer from 0 to 4294967295");
	fails("{\"process\":{\"user\":{\"uid\":4294967296}}}",
	      "process.user.uid: must be an integer from 0 to 4294967295");
	fails("{\"process\":{\"user\":{\"uid\":1.5}}}",
	      "process.user.uid: must be an integer from 0 to 4294967295");
	fails("{\"process\":{\"user\":{\"gid\":\"0\"}}}",
	      "process.user.gid: must be an integer from 0 to 4294967295");
	fails("{\"process\":{\"user\":{\"gid\":null}}}", "process.user.gid: required");
	fails("{\"process\":{\"oomScoreAdj\":1.5}}",
	      "process.oomScoreAdj: must be an integer from -1000 to 1000");
	fails("{\"process\":{\"user\":{\"umask\":512}}}",
	      "process.user.umask: must be an integer from 0 to 511");
	fails("{\"process\":{\"user\":{\"additionalGids\":[1,-2]}}}",
	      "process.user.additionalGids[1]: must be an integer from 0 to 4294967295");
	fails("{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_X\",\"soft\":1,\"hard\":1}]}}",
	      "process.rlimits[0].type: unknown rlimit \"RLIMIT_X\"");
	fails("{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1,\"hard\":1},"
	      "{\"type\":\"RLIMIT_NOFILE\",\"soft\":2,\"hard\":2}]}}",
	      "process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"");
	fails("{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":2,\"hard\":1}]}}",
	      "process.rlimits[0]: soft limit 2 is above the hard limit 1");
	fails("{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1}]}}",
	      "process.rlimits[0].hard: required");
	fails("{\"process\":{\"oomScoreAdj\":1001}}",
	      "process.oomScoreAdj: must be an integer from -1000 to 1000");
	fails("{\"process\":{\"oomScoreAdj\":-1001}}",
	      "process.oomScoreAdj: must be an integer from -1000 to 1000");
	fails("{\"process\":{\"consoleSize\":{\"height\":10}}}",
	      "process.consoleSize.width: required");
	fails("{\"process\":{\"consoleSize\":{\"height\":10,\"width\":70000}}}",
	      "process.consoleSize.width: must be an integer from 0 to 65535");
	fails("{\"process\":{\"terminal\":1}}", "process.terminal: must be a boolean");
	fails("{\"process\":{\"apparmorProfile\":1}}", "process.apparmorProfile: must be a string");
	fails("{\"process\":{\"selinuxLabel\":[]}}", "process.selinuxLabel: must be a string");
	accepts("{\"process\":{\"apparmorProfile\":\"p\",\"selinuxLabel\":\"u:r:t:s0\"}}");
	/* implemented now; test_process_ext.c has the details */
	accepts("{\"process\":{\"ioPriority\":{\"class\":\"IOPRIO_CLASS_RT\",\"priority\":0}}}");
	accepts("{\"process\":{\"scheduler\":{\"policy\":\"SCHED_OTHER\"}}}");
	accepts("{\"process\":{\"execCPUAffinity\":{\"initial\":\"0\"}}}");
}

static void test_mount_and_hook_errors(void)
{
	fails("{\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"\"}]}",
	      "mounts[1].destination: must not be empty");
	fails("{\"mounts\":[{\"destination\":\"/a\"},{\"type\":\"tmpfs\"}]}",
	      "mounts[1].destination: required");
	fails("{\"mounts\":[{\"destination\":\"/a\",\"options\":[\"ro\",1]}]}",
	      "mounts[0].options[1]: must be a string");
	fails("{\"mounts\":[\"/a\"]}", "mounts[0]: must be an object");
	fails("{\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/proc/../..\"}]}",
	      "mounts[1].destination \"/proc/../..\": escapes the rootfs");
	fails("{\"mounts\":[{\"destination\":\"../x\"}]}",
	      "mounts[0].destination \"../x\": escapes the rootfs");
	fails("{\"hooks\":{\"prestart\":[{\"path\":\"true\"}]}}",
	      "hooks.prestart[0].path: must be absolute");
	fails("{\"hooks\":{\"poststop\":[{\"path\":\"/bin/true\"},{\"path\":\"/bin/true\","
	      "\"timeout\":0}]}}",
	      "hooks.poststop[1].timeout: must be a positive number of seconds");
	fails("{\"hooks\":{\"createRuntime\":[{\"args\":[]}]}}",
	      "hooks.createRuntime[0].path: required");
}

/* The options are parsed with the config, once: every later step reads
 * spec_mount.opts. What mount(2) does not know is filesystem data. */
static void test_mount_opts(void)
{
	struct spec *s = NULL;
	char *e = try_parse("{\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\","
			    "\"options\":[\"rbind\",\"ro\",\"rprivate\",\"rnosuid\",\"rw\","
			    "\"tmpcopyup\",\"mode=755\",\"x-unknown\",\"a,b\",\"nodev\"]},"
			    "{\"destination\":\"/b\",\"options\":[\"ridmap\",\"strictatime\"]}]}",
			    &s);
	is_str(e, NULL, "flags, propagation, recursive and unknown options accepted");
	free(e);
	if (!s)
		return;
	const struct mount_opts *o = &s->mounts[0].opts;
	ok(o->bind && o->flags == (MS_BIND | MS_REC | MS_NODEV) && o->clear == MS_RDONLY,
	   "mounts[0]: rbind, nodev set, ro then rw cleared");
	ok(o->propagation == (MS_PRIVATE | MS_REC), "mounts[0]: rprivate");
	ok(o->rec_set == MOUNT_ATTR_NOSUID && o->rec_clr == 0 && o->tmpcopyup,
	   "mounts[0]: rnosuid, tmpcopyup");
	is_str(o->data, "mode=755,x-unknown,a,b",
	       "mounts[0]: the rest is filesystem data, in order");
	o = &s->mounts[1].opts;
	ok(o->idmap == IDMAP_RECURSIVE && o->flags == MS_STRICTATIME && !o->bind && !o->data,
	   "mounts[1]: ridmap, strictatime");
	spec_free(s);
	fails("{\"mounts\":[{\"destination\":\"/a\"},"
	      "{\"destination\":\"/b\",\"options\":[\"ro\",\"\",\"mode=1\"]}]}",
	      "mounts[1].options[1]: must not be empty");
	fails("{\"mounts\":[{\"destination\":\"/a\",\"options\":[\"\"]}]}",
	      "mounts[0].options[0]: must not be empty");
}

static void test_linux_errors(void)
{
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":"
	      "\"ipc\"},"
	      "{\"type\":\"foo\"}]}}",
	      "linux.namespaces[3].type: unknown namespace \"foo\"");
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]}}",
	      "linux.namespaces[1].type: duplicate namespace \"pid\"");
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"net\",\"path\":\"x\"}]}}",
	      "linux.namespaces[0].type: unknown namespace \"net\"");
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"x\"}]}}",
	      "linux.namespaces[0].path: must be absolute");
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}}",
	      "linux.uidMappings: required with a new user namespace");
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"user\"}],"
	      "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}}",
	      "linux.gidMappings: required with a new user namespace");
	fails("{\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}}",
	      "linux.uidMappings: not allowed without a user namespace");
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"user\"}],"
	      "\"uidMappings\":[{\"containerID\":0,\"hostID\":-1,\"size\":1}]}}",
	      "linux.uidMappings[0].hostID: must be an integer from 0 to 4294967295");
	fails("{\"linux\":{\"devices\":[{\"path\":\"/dev/"
	      "x\",\"type\":\"x\",\"major\":1,\"minor\":1}]}}",
	      "linux.devices[0].type: must be one of c, b, u, p (got \"x\")");
	fails("{\"linux\":{\"devices\":[{\"path\":\"dev/"
	      "x\",\"type\":\"c\",\"major\":1,\"minor\":1}]}}",
	      "linux.devices[0].path: must be absolute");
	fails("{\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"b\",\"minor\":1}]}}",
	      "linux.devices[0].major: required");
	fails("{\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"u\",\"major\":1}]}}",
	      "linux.devices[0].minor: required");
	/* runc 1.1 takes the r, w and m in any access string, refuses one
	 * without any, and an empty or absent one */
	fails("{\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"xa\"}]}}}",
	      "linux.resources.devices[0].access: must be a combination of r, w, m (got \"xa\")");
	fails("{\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
	      "{\"allow\":true,\"access\":\"\"}]}}}",
	      "device access at 1 field cannot be empty (linux.resources.devices[1].access)");
	fails("{\"linux\":{\"resources\":{\"devices\":[{\"allow\":false}]}}}",
	      "device access at 0 field cannot be empty (linux.resources.devices[0].access)");
	fails("{\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"p\"}]}}}",
	      "linux.resources.devices[0].type: must be one of a, c, b (got \"p\")");
	fails("{\"linux\":{\"resources\":{\"devices\":[{\"access\":\"r\"}]}}}",
	      "linux.resources.devices[0].allow: must be a boolean");
	fails("{\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"major\":-2}]}}}",
	      "linux.resources.devices[0].major: must be an integer from -1 to 4294967295");
	fails("{\"linux\":{\"rootfsPropagation\":\"bogus\"}}",
	      "linux.rootfsPropagation: unknown propagation \"bogus\"");
	fails("{\"linux\":{\"sysctl\":{\"net.ipv4.ip_forward\":1}}}",
	      "linux.sysctl[\"net.ipv4.ip_forward\"]: must be a string");
	fails("{\"linux\":{\"maskedPaths\":[\"/proc/kcore\",\"proc/keys\"]}}",
	      "linux.maskedPaths[1]: must be absolute");
	fails("{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_BOGUS\"}}}",
	      "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_BOGUS\"");
	/* every linux.resources field is parsed now (test_resources.c);
	 * unknown keys inside them are ignored, as the spec asks */
	static const char *const res[] = {"memory",  "cpu",  "pids",   "blockIO",
					  "network", "rdma", "unified"};
	for (size_t i = 0; i < ARRAY_SIZE(res); i++) {
		char patch[128];
		snprintf(patch, sizeof(patch), "{\"linux\":{\"resources\":{\"%s\":{}}}}", res[i]);
		accepts(patch);
	}
	accepts("{\"linux\":{\"resources\":{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]"
		"}}}");
	accepts("{\"linux\":{\"personality\":{\"domain\":\"LINUX\"}}}");
	fails("{\"linux\":{\"timeOffsets\":{\"monotonic\":{\"secs\":1}}}}",
	      "linux.timeOffsets: needs a new time namespace in linux.namespaces");
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"time\"}],"
	      "\"timeOffsets\":{\"realtime\":{\"secs\":1}}}}",
	      "linux.timeOffsets.realtime: unknown clock (boottime, monotonic)");
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"time\"}],"
	      "\"timeOffsets\":{\"boottime\":{\"nanosecs\":-1}}}}",
	      "linux.timeOffsets.boottime.nanosecs: must be an integer from 0 to 4294967295");
	accepts("{\"linux\":{\"namespaces\":[{\"type\":\"time\"}],"
		"\"timeOffsets\":{\"boottime\":{\"secs\":-5,\"nanosecs\":7}}}}");
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"time\"}],\"timeOffsets\":1}}",
	      "linux.timeOffsets: must be an object");
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"time\"}],"
	      "\"timeOffsets\":{\"monotonic\":[]}}}",
	      "linux.timeOffsets.monotonic: must be an object");
	fails("{\"linux\":{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\"}}}",
	      "linux.memoryPolicy.nodes: MPOL_BIND needs at least one node");
}

/* mounts[].uidMappings/gidMappings, linux.netDevices, linux.intelRdt */
static void test_idmap_netdev_rdt(void)
{
	struct spec *s = NULL;
	char *e = try_parse("{\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\","
			    "\"source\":\"/x\",\"options\":[\"rbind\",\"ridmap\"],"
			    "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":2}],"
			    "\"gidMappings\":[{\"containerID\":5,\"hostID\":6,\"size\":7}]}]}",
			    &s);
	ok(!e && s->mounts[0].n_uid_mappings == 1 && s->mounts[0].uid_mappings[0].host_id == 1000 &&
	       s->mounts[0].uid_mappings[0].size == 2 && s->mounts[0].n_gid_mappings == 1 &&
	       s->mounts[0].gid_mappings[0].container_id == 5,
	   "mount uidMappings/gidMappings parsed: %s", e ? e : "ok");
	free(e);
	spec_free(s);
	s = NULL;
	fails("{\"mounts\":[{\"destination\":\"/a\",\"uidMappings\":[{\"containerID\":0,"
	      "\"hostID\":1,\"size\":1}]}]}",
	      "mounts[0]: uidMappings and gidMappings go together");
	fails("{\"mounts\":[{\"destination\":\"/a\",\"uidMappings\":[],\"gidMappings\":[]}]}",
	      "mounts[0]: uidMappings and gidMappings must not be empty");
	fails("{\"mounts\":[{\"destination\":\"/a\",\"uidMappings\":[{\"containerID\":0,"
	      "\"hostID\":1,\"size\":1}],\"gidMappings\":[{\"hostID\":1,\"size\":1}]}]}",
	      "mounts[0].gidMappings[0].containerID: required");

	e = try_parse("{\"linux\":{\"namespaces\":[{\"type\":\"network\"}],"
		      "\"netDevices\":{\"dummy0\":{\"name\":\"eth1\"},\"dummy1\":{},"
		      "\"dummy2\":{\"name\":\"net%d\"}}}}",
		      &s);
	ok(!e && s->linux.n_net_devices == 3 &&
	       !strcmp(s->linux.net_devices[0].host_name, "dummy0") &&
	       !strcmp(s->linux.net_devices[0].name, "eth1") &&
	       !strcmp(s->linux.net_devices[1].name, "dummy1") &&
	       !strcmp(s->linux.net_devices[2].name, "net%d"),
	   "netDevices parsed, the host name kept without a name: %s", e ? e : "ok");
	free(e);
	spec_free(s);
	s = NULL;
	fails("{\"linux\":{\"netDevices\":{\"eth0\":{}}}}",
	      "linux.netDevices: needs a network namespace in linux.namespaces");
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"network\"}],"
	      "\"netDevices\":{\"eth0\":{\"name\":\"a/b\"}}}}",
	      "linux.netDevices[\"eth0\"].name \"a/b\": invalid interface name");
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"network\"}],"
	      "\"netDevices\":{\"eth0 \":{}}}}",
	      "linux.netDevices[\"eth0 \"]: invalid host interface name");
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"network\"}],"
	      "\"netDevices\":{\"a\":{\"name\":\"x\"},\"b\":{\"name\":\"x\"}}}}",
	      "linux.netDevices[\"b\"].name: \"x\" is given twice");
	fails("{\"linux\":{\"namespaces\":[{\"type\":\"network\"}],"
	      "\"netDevices\":{\"a\":1}}}",
	      "linux.netDevices[\"a\"]: must be an object");

	e = try_parse("{\"linux\":{\"intelRdt\":{\"closID\":\"g\",\"l3CacheSchema\":\"L3:0=f\","
		      "\"memBwSchema\":\"MB:0=20\",\"schemata\":[\"L2:0=3\"],"
		      "\"enableMonitoring\":true}}}",
		      &s);
	ok(!e && s->linux.intel_rdt && !strcmp(s->linux.intel_rdt->clos_id, "g") &&
	       s->linux.intel_rdt->n_schemata == 1 && s->linux.intel_rdt->enable_monitoring,
	   "intelRdt parsed: %s", e ? e : "ok");
	free(e);
	spec_free(s);
	fails("{\"linux\":{\"intelRdt\":{\"closID\":\"a/b\"}}}",
	      "linux.intelRdt.closID \"a/b\": must be \"/\" or a plain name");
	fails("{\"linux\":{\"intelRdt\":{\"memBwSchema\":\"L3:0=1\"}}}",
	      "linux.intelRdt.memBwSchema: must start with \"MB:\"");
	fails("{\"linux\":{\"intelRdt\":{\"schemata\":[\"L3:0=1\\nMB:0=1\"]}}}",
	      "linux.intelRdt.schemata[0]: must not contain newlines");
	fails("{\"linux\":{\"intelRdt\":{\"enableMonitoring\":1}}}",
	      "linux.intelRdt.enableMonitoring: must be a boolean");
}

static void test_load(void)
{
	char dir[] = "/tmp/corun-test-config.XXXXXX";
	ok(mkdtemp(dir) != NULL, "temp bundle");
	struct spec *s = NULL;
	ok(spec_load(dir, &s, NULL, NULL) < 0, "no config.json: refused");
	is_str(err_msg(), "open config.json: No such file or directory", "no config.json: message");
	_cleanup_free_ char *path = xasprintf("%s/config.json", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ok(fd >= 0 && write_all(fd, base_config, strlen(base_config)) >= 0, "config.json written");
	if (fd >= 0)
		close(fd);
	char *raw = NULL;
	size_t len = 0;
	int r = spec_load(dir, &s, &raw, &len);
	ok(r == 0, "spec_load: %s", r == 0 ? "ok" : err_msg());
	ok(raw && len == strlen(base_config) && memcmp(raw, base_config, len) == 0,
	   "spec_load returns the raw bytes");
	free(raw);
	spec_free(s);
	unlink(path);
	rmdir(dir);
	ok(spec_load("/nonexistent-bundle", &s, NULL, NULL) < 0, "missing bundle refused");
	is_str(err_msg(), "chdir /nonexistent-bundle: No such file or directory",
	       "missing bundle: message");
}

static void test_names(void)
{
	is_str(ns_type_name(NS_NET), "network", "ns_type_name");
	is_str(ns_proc_name(NS_MNT), "mnt", "ns_proc_name");
	ok(ns_clone_flag(NS_USER) == CLONE_NEWUSER && ns_clone_flag(NS_TIME) == CLONE_NEWTIME,
	   "ns_clone_flag");
	is_str(hook_kind_name(HOOK_CREATE_CONTAINER), "createContainer", "hook_kind_name");
}

int main(void)
{
	test_default_spec();
	test_default_rootless();
	test_valid();
	test_unlimited_rlimit();
	test_unknown_caps();
	test_top_level_errors();
	test_process_errors();
	test_mount_and_hook_errors();
	test_mount_opts();
	test_linux_errors();
	test_idmap_netdev_rdt();
	test_load();
	test_names();
	return done_testing();
}
