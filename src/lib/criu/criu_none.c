/* SPDX-License-Identifier: Apache-2.0 */
/* A corun built without CRIU support (no protobuf-c or rpc.proto at build
 * time): the commands exist and say so. */
#include "criu.h"
#include "util.h"

const bool criu_built = false;

static int not_built(void)
{
	return err_set(0, "corun was built without checkpoint/restore support (CRIU's rpc.proto "
			  "and protobuf-c were missing at build time)");
}

int criu_start(const char *bin, const int *keep, size_t n_keep, bool stdio, struct criu_session *s)
{
	(void)bin, (void)keep, (void)n_keep, (void)stdio, (void)s;
	return not_built();
}

void criu_stop(struct criu_session *s, bool kill_it)
{
	(void)s, (void)kill_it;
}

int criu_run(struct criu_session *s, const struct criu_job *job, criu_notify_fn fn, void *ctx,
	     pid_t *restored)
{
	(void)s, (void)job, (void)fn, (void)ctx, (void)restored;
	return not_built();
}

int criu_version(const char *bin, int *version)
{
	(void)bin, (void)version;
	return not_built();
}

int criu_check_features(const char *bin, bool mem_track, bool lazy_pages)
{
	(void)bin, (void)mem_track, (void)lazy_pages;
	return not_built();
}
