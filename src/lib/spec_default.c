/* SPDX-License-Identifier: Apache-2.0 */
/* The config.json `corun spec` writes: a busybox-ready container with the
 * usual pseudo filesystems, a minimal capability set and the masked and
 * read-only /proc and /sys paths. --rootless adds a user namespace mapping
 * the caller to root and drops what an unprivileged user cannot do. */
#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "spec.h"

static const char template[] =
	"{\"ociVersion\": \"1.3.0\","
	" \"process\": {\"terminal\": true, \"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"sh\"],"
	"  \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
	"           \"TERM=xterm\"],"
	"  \"cwd\": \"/\","
	"  \"capabilities\": {"
	"   \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	"   \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	"   \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],"
	"   \"ambient\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]},"
	"  \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024}],"
	"  \"noNewPrivileges\": true},"
	" \"root\": {\"path\": \"rootfs\", \"readonly\": true},"
	" \"hostname\": \"corun\","
	" \"mounts\": ["
	"  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
	"  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
	"   \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},"
	"  {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\","
	"   \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\","
	"                \"gid=5\"]},"
	"  {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},"
	"  {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},"
	"  {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},"
	"  {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\","
	"   \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}],"
	" \"linux\": {"
	"  \"resources\": {\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]},"
	"  \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": \"ipc\"},"
	"                 {\"type\": \"uts\"}, {\"type\": \"mount\"}, {\"type\": \"cgroup\"}],"
	"  \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\","
	"                  \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\","
	"                  \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"],"
	"  \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\","
	"                    \"/proc/sysrq-trigger\"]}}";

static void make_rootless(json_t *root)
{
	json_t *lx = json_object_get(root, "linux");
	json_object_del(lx, "resources");
	/* an unprivileged user may not create a network namespace of use or
	 * mount sysfs, and owns no gid 5 in the new user namespace */
	json_t *ns = json_object_get(lx, "namespaces");
	size_t i;
	json_t *v;
	json_array_foreach (ns, i, v) {
		if (strcmp(json_string_value(json_object_get(v, "type")), "network") == 0) {
			json_array_remove(ns, i);
			break;
		}
	}
	json_array_append_new(ns, json_pack("{s:s}", "type", "user"));
	json_object_set_new(lx, "uidMappings",
			    json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID",
				      (int)getuid(), "size", 1));
	json_object_set_new(lx, "gidMappings",
			    json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID",
				      (int)getgid(), "size", 1));
	json_t *mounts = json_object_get(root, "mounts");
	json_array_foreach (mounts, i, v) {
		const char *d = json_string_value(json_object_get(v, "destination"));
		json_t *opts = json_object_get(v, "options");
		if (strcmp(d, "/dev/pts") == 0)
			json_array_remove(opts, json_array_size(opts) - 1); /* gid=5 */
		if (strcmp(d, "/sys") == 0) {
			json_object_set_new(v, "type", json_string("none"));
			json_object_set_new(v, "source", json_string("/sys"));
			json_array_insert_new(opts, 0, json_string("rbind"));
		}
	}
}

char *spec_default_json(bool rootless)
{
	json_t *root = json_loads(template, 0, NULL);
	if (!root)
		abort(); /* the template is ours: a parse failure is a build bug */
	if (rootless)
		make_rootless(root);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return text;
}
