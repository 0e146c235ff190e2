/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

int cmd_restore(const struct global_opts *g, int argc, char **argv)
{
	struct restore_opts o = {0};
	bool no_subreaper = false; /* accepted for runc compatibility; corun always reaps */
	const struct opt opts[] = {
	    {"console-socket", NULL, OPT_STRING, &o.c.console_socket,
	     "AF_UNIX socket that is sent the master end of the restored terminal"},
	    {"image-path", NULL, OPT_STRING, &o.image_path,
	     "directory of the checkpoint's image files (default: ./checkpoint)"},
	    {"work-path", NULL, OPT_STRING, &o.work_path,
	     "directory for CRIU's work files and restore.log (default: the image path)"},
	    {"tcp-established", NULL, OPT_BOOL, &o.tcp_established,
	     "restore established TCP connections"},
	    {"ext-unix-sk", NULL, OPT_BOOL, &o.ext_unix_sk,
	     "allow unix sockets connected to the outside"},
	    {"shell-job", NULL, OPT_BOOL, &o.shell_job,
	     "allow a process attached to a terminal of the caller's session"},
	    {"file-locks", NULL, OPT_BOOL, &o.file_locks, "restore file locks"},
	    {"manage-cgroups-mode", NULL, OPT_STRING, &o.manage_cgroups_mode,
	     "how CRIU handles cgroups: soft (default), full, strict or ignore"},
	    {"bundle", "b", OPT_STRING, &o.c.bundle,
	     "the bundle directory (config.json and the rootfs); default: the current directory"},
	    {"detach", "d", OPT_BOOL, &o.c.detach, "return once the container runs"},
	    {"pid-file", NULL, OPT_STRING, &o.c.pid_file,
	     "write the pid of the container's init to this file"},
	    {"no-subreaper", NULL, OPT_BOOL, &no_subreaper,
	     "do not become the subreaper of the container's processes"},
	    {"no-pivot", NULL, OPT_BOOL, &o.c.no_pivot,
	     "accepted for runc compatibility: CRIU switches to the rootfs itself"},
	    {"empty-ns", NULL, OPT_STRING, &o.empty_ns,
	     "a namespace to make anew without the checkpoint's contents: network"},
	    {"auto-dedup", NULL, OPT_BOOL, &o.auto_dedup,
	     "drop from the images what is restored from them"},
	    {"lazy-pages", NULL, OPT_BOOL, &o.lazy_pages,
	     "fetch memory pages on demand (userfaultfd), from `criu lazy-pages`"},
	    {"lsm-profile", NULL, OPT_STRING, &o.lsm_profile,
	     "the LSM profile of the restored processes, TYPE:NAME"},
	    {"lsm-mount-context", NULL, OPT_STRING, &o.lsm_mount_context,
	     "the LSM mount context of the restored mounts"},
	    {0},
	};
	const struct command c = {
	    .name = "restore",
	    .args = "<container-id>",
	    .summary = "restore a container from a checkpoint",
	    .desc = "Makes the container <container-id> from the bundle and brings back the\n"
		    "   processes a \"corun checkpoint\" saved in the image directory. Unless\n"
		    "   --detach is given, waits for its process and exits with its exit status.",
	    .min_args = 1,
	    .max_args = 1,
	    .opts = opts,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	o.c.id = argv[pos];
	int code;
	if (container_restore(g, &o, &code) < 0)
		return fail();
	return code;
}
