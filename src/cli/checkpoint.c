/* SPDX-License-Identifier: Apache-2.0 */
#include "cli.h"

int cmd_checkpoint(const struct global_opts *g, int argc, char **argv)
{
	struct checkpoint_opts o = {.status_fd = -1};
	const struct opt opts[] = {
	    {"image-path", NULL, OPT_STRING, &o.image_path,
	     "directory for CRIU's image files (default: ./checkpoint)"},
	    {"work-path", NULL, OPT_STRING, &o.work_path,
	     "directory for CRIU's work files and dump.log (default: the image path)"},
	    {"parent-path", NULL, OPT_STRING, &o.parent_path,
	     "a --pre-dump's images, relative to the image path: only changes are dumped"},
	    {"leave-running", NULL, OPT_BOOL, &o.leave_running,
	     "keep the container running after the checkpoint"},
	    {"tcp-established", NULL, OPT_BOOL, &o.tcp_established,
	     "checkpoint established TCP connections"},
	    {"ext-unix-sk", NULL, OPT_BOOL, &o.ext_unix_sk,
	     "allow unix sockets connected to the outside"},
	    {"shell-job", NULL, OPT_BOOL, &o.shell_job,
	     "allow a process attached to a terminal of the caller's session"},
	    {"lazy-pages", NULL, OPT_BOOL, &o.lazy_pages,
	     "leave memory pages to be fetched on demand by the restore (userfaultfd)"},
	    {"status-fd", NULL, OPT_INT, &o.status_fd,
	     "with --lazy-pages, \\0 is written to this fd once the pages can be fetched (default: "
	     "-1)"},
	    {"page-server", NULL, OPT_STRING, &o.page_server,
	     "ADDRESS:PORT of a CRIU page server to send the memory to"},
	    {"file-locks", NULL, OPT_BOOL, &o.file_locks, "checkpoint file locks"},
	    {"pre-dump", NULL, OPT_BOOL, &o.pre_dump,
	     "dump the memory only and leave the container running (see --parent-path)"},
	    {"manage-cgroups-mode", NULL, OPT_STRING, &o.manage_cgroups_mode,
	     "how CRIU handles cgroups: soft (default), full, strict or ignore"},
	    {"empty-ns", NULL, OPT_STRING, &o.empty_ns,
	     "a namespace to make anew at restore without its contents: network"},
	    {"auto-dedup", NULL, OPT_BOOL, &o.auto_dedup,
	     "drop from parent images what this dump saves again"},
	    {0},
	};
	const struct command c = {
	    .name = "checkpoint",
	    .args = "<container-id>",
	    .summary = "checkpoint a running container",
	    .desc = "Saves the running container <container-id> with CRIU into an image\n"
		    "   directory; the container then stops and is removed, unless\n"
		    "   --leave-running or --pre-dump is given. \"corun restore\" brings it back.",
	    .min_args = 1,
	    .max_args = 1,
	    .opts = opts,
	};
	int pos, r = command_parse(&c, argc, argv, &pos);
	if (r != 0)
		return r < 0 ? fail() : 0;
	o.id = argv[pos];
	return container_checkpoint(g, &o) < 0 ? fail() : 0;
}
