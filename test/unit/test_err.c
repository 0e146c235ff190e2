/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for the error value (util.c): errno kept, context
 * composed in front, ERR_KEEP putting the earlier error back whole, long
 * messages not cut short, and a SYNC_ERROR carrying it whole. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sync.h"
#include "tap.h"
#include "util.h"

static int fails_with(int e)
{
	return err_set(e, "best effort");
}

static void test_compose(void)
{
	err_clear();
	ok(!err_isset(), "no error after err_clear");
	is_str(err_msg(), "unknown error", "err_msg when none is set");
	errno = 0;
	err_set(ENOENT, "open %s", "/x");
	is_int(err_errno(), ENOENT, "err_set records errno");
	is_int(errno, ENOENT, "err_set leaves errno for the caller");
	err_prefix("mount %d", 3);
	err_prefix("create");
	is_str(err_msg(), "create: mount 3: open /x: No such file or directory", "composed");
	is_int(err_get()->errnum, ENOENT, "errno survives composing");
	err_append(" (%s)", "hint");
	is_str(err_msg(), "create: mount 3: open /x: No such file or directory (hint)", "append");
	struct corun_err e;
	err_take(&e);
	ok(!err_isset() && e.code == ERR_FAILED, "err_take clears the current error");
	errno = 0;
	ok(err_put(&e) == -1 && errno == ENOENT, "err_put returns -1, sets errno");
	is_str(err_msg(), e.msg, "err_put restores the text");
}

static void test_keep(void)
{
	err_set(EACCES, "the real error");
	int r = ERR_KEEP(fails_with(EIO));
	is_int(r, -1, "ERR_KEEP yields the expression's value");
	is_str(err_msg(), "the real error: Permission denied", "ERR_KEEP keeps the text");
	is_int(err_errno(), EACCES, "ERR_KEEP keeps errno");
	err_clear();
	ERR_KEEP(fails_with(EIO));
	ok(!err_isset(), "ERR_KEEP with no error before leaves none");
	err_set(0, "outer");
	ERR_KEEP(err_clear());
	is_str(err_msg(), "outer", "a clear inside ERR_KEEP does not lose the error");
}

static void test_long(void)
{
	char inner[3500];
	memset(inner, 'a', sizeof(inner) - 1);
	inner[sizeof(inner) - 1] = '\0';
	err_set(EPERM, "%s", inner);
	err_prefix("%s", "ctx");
	size_t want = strlen("ctx: ") + strlen(inner) + strlen(": Operation not permitted");
	is_int((int)strlen(err_msg()), (int)want, "a 3.5 KiB message is not cut");
	ok(!strcmp(err_msg() + want - 25, ": Operation not permitted"), "its end survives");
	struct corun_err big = *err_get();
	ERR_KEEP(err_set(0, "other"));
	ok(!strcmp(err_msg(), big.msg), "ERR_KEEP puts a long message back whole");
	/* more than fits: cut at the buffer's end, the context stays */
	char huge[ERR_MSG_MAX + 100];
	memset(huge, 'b', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	err_set(0, "%s", huge);
	err_prefix("front");
	is_int((int)strlen(err_msg()), ERR_MSG_MAX - 1, "too long: cut to the buffer");
	ok(!strncmp(err_msg(), "front: bbb", 10), "too long: the context stays");
}

static void test_sync(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		ok(false, "socketpair: %s", strerror(errno));
		return;
	}
	char inner[3500];
	memset(inner, 'c', sizeof(inner) - 1);
	inner[sizeof(inner) - 1] = '\0';
	err_set(ENOTDIR, "%s", inner);
	err_prefix("mount /proc");
	struct corun_err sent = *err_get();
	ok(sync_send_error(sv[0]) == 0, "SYNC_ERROR sent");
	err_clear();
	struct sync_msg m;
	ok(sync_expect(sv[1], SYNC_READY, &m) == -1, "SYNC_ERROR fails sync_expect");
	is_int(err_errno(), ENOTDIR, "errno crosses the handshake");
	ok(!strcmp(err_msg(), sent.msg), "the whole text crosses the handshake (%zu bytes)",
	   strlen(sent.msg));
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	test_compose();
	test_keep();
	test_long();
	test_sync();
	return done_testing();
}
