/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests (TAP) for what checkpoint and restore check before CRIU runs
 * (criu_job.c, criu_setup.c): runc's words for bad flags, the image and
 * work directories, the parent path, and the error line found in a log. */
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "criu_setup.h"
#include "tap.h"
#include "util.h"

static void test_cgm(void)
{
	enum criu_cgm m = CRIU_CGM_SOFT;
	ok(criu_parse_cgm(NULL, &m) == 0 && m == CRIU_CGM_UNSET, "no mode: CRIU's default");
	ok(criu_parse_cgm("", &m) == 0 && m == CRIU_CGM_UNSET, "empty mode: CRIU's default");
	ok(criu_parse_cgm("full", &m) == 0 && m == CRIU_CGM_FULL, "full");
	ok(criu_parse_cgm("strict", &m) == 0 && m == CRIU_CGM_STRICT, "strict");
	ok(criu_parse_cgm("ignore", &m) == 0 && m == CRIU_CGM_IGNORE, "ignore");
	ok(criu_parse_cgm("soft", &m) == 0 && m == CRIU_CGM_SOFT, "soft");
	ok(criu_parse_cgm("Soft", &m) < 0, "modes are lower case");
	is_str(err_msg(), "Invalid manage cgroups mode", "runc's words for a bad mode");
}

static void test_empty_ns(void)
{
	unsigned f = 1;
	ok(cr_parse_empty_ns(NULL, &f) == 0 && f == 0, "no --empty-ns");
	ok(cr_parse_empty_ns("network", &f) == 0 && f == CLONE_NEWNET, "network");
	ok(cr_parse_empty_ns("pid", &f) < 0, "pid refused");
	is_str(err_msg(), "namespace \"pid\" is not supported", "runc's words");
}

static void test_page_server(void)
{
	struct criu_job j = {0};
	ok(cr_parse_page_server("", &j) == 0 && !j.ps_address, "no page server");
	ok(cr_parse_page_server("10.0.0.1:5555", &j) == 0 && j.ps_port == 5555 &&
	       !strcmp(j.ps_address, "10.0.0.1"),
	   "address and port");
	ok(cr_parse_page_server(":27", &j) == 0 && j.ps_port == 27 && !strcmp(j.ps_address, ""),
	   "an empty address is CRIU's to judge");
	const char *bad[] = {"foo", "[::1]:27", "a:b:1"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ok(cr_parse_page_server(bad[i], &j) < 0, "refused: %s", bad[i]);
		is_str(err_msg(), "Use --page-server ADDRESS:PORT to specify page server",
		       "runc's words");
	}
	const char *badport[] = {"host:", "host:port", "h:8x", "h:+", "h: 8", "h:99999999999"};
	for (size_t i = 0; i < ARRAY_SIZE(badport); i++) {
		ok(cr_parse_page_server(badport[i], &j) < 0, "refused: %s", badport[i]);
		is_str(err_msg(), "Invalid port number", "runc's words");
	}
}

static void test_dirs(void)
{
	char tmp[] = "/tmp/test_criu.XXXXXX";
	if (!mkdtemp(tmp))
		return;
	_cleanup_free_ char *img = xasprintf("%s/img/deep", tmp), *work = xasprintf("%s/w", tmp);
	struct criu_job j = {0};
	char *dir = NULL;
	ok(cr_open_dirs(img, NULL, NULL, &j, &dir) == 0, "image path made when missing");
	struct stat sb;
	ok(stat(img, &sb) == 0 && (sb.st_mode & 0777) == 0700, "the images are ours alone (0700)");
	ok(j.images_fd >= 0 && j.work_fd >= 0 && !j.parent_img, "both dirs open, no parent");
	struct stat a, b;
	ok(fstat(j.images_fd, &a) == 0 && fstat(j.work_fd, &b) == 0 && a.st_ino == b.st_ino,
	   "the work path defaults to the image path");
	close(j.images_fd), close(j.work_fd), free(dir);
	ok(cr_open_dirs(img, work, NULL, &j, &dir) == 0 && stat(work, &sb) == 0,
	   "--work-path made when missing");
	close(j.images_fd), close(j.work_fd), free(dir);
	ok(cr_open_dirs(img, NULL, "/abs", &j, &dir) < 0, "an absolute parent refused");
	is_str(err_msg(), "--parent-path must be relative", "runc's words");
	close(j.images_fd);
	ok(cr_open_dirs(img, NULL, "../none", &j, &dir) < 0, "a missing parent refused");
	_cleanup_free_ char *want = xasprintf("invalid --parent-path: stat %s/img/none", tmp);
	ok(strstr(err_msg(), want) != NULL, "names --parent-path, the path cleaned: %s", err_msg());
	close(j.images_fd);
	_cleanup_free_ char *pre = xasprintf("%s/img/pre", tmp);
	mkdir(pre, 0700);
	ok(cr_open_dirs(img, NULL, "../pre", &j, &dir) == 0 && !strcmp(j.parent_img, "../pre"),
	   "a relative parent that exists");
	close(j.images_fd), close(j.work_fd), free(dir);
	_cleanup_free_ char *cmd = xasprintf("rm -rf %s", tmp);
	if (system(cmd) != 0)
		diag("cleanup of %s failed", tmp);
}

static void test_log(void)
{
	char path[] = "/tmp/test_criu_log.XXXXXX";
	int fd = mkstemp(path);
	const char log[] = "(00.001) Version: 3.17.1\n"
			   "(00.002) Error (criu/a.c:1): first\n"
			   "(00.003) something Error (in the middle) is not a line of its own\n"
			   "(00.004) Error (criu/cr-dump.c:2053): Dumping FAILED.\n"
			   "(00.005) Unlock network\n";
	ok(fd >= 0 && write(fd, log, sizeof(log) - 1) == sizeof(log) - 1, "log written");
	close(fd);
	_cleanup_free_ char *last = criu_log_last_error(path);
	is_str(last, "Error (criu/a.c:1): first", "the last error that names a cause");
	const char only[] = "(00.004) Error (criu/cr-dump.c:2053): Dumping FAILED.\n";
	fd = open(path, O_WRONLY | O_TRUNC);
	ok(fd >= 0 && write(fd, only, sizeof(only) - 1) == sizeof(only) - 1, "log rewritten");
	close(fd);
	_cleanup_free_ char *failed = criu_log_last_error(path);
	is_str(failed, "Error (criu/cr-dump.c:2053): Dumping FAILED.", "else the last error line");
	unlink(path);
	ok(criu_log_last_error(path) == NULL, "no log: no line");
	ok(criu_log_last_error(NULL) == NULL, "no path: no line");
}

int main(void)
{
	test_cgm();
	test_empty_ns();
	test_page_server();
	test_dirs();
	test_log();
	return done_testing();
}
