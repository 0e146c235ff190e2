/* SPDX-License-Identifier: Apache-2.0 */
#include "netdev.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "netlink.h"
#include "sync.h"

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int netdev_validate(const struct spec *s)
{
	if (!s->linux.n_net_devices)
		return 0;
	const char *path = s->linux.ns[NS_NET].path;
	if (path && same_file(path, "/proc/self/ns/net"))
		return err_set(0, "linux.netDevices: the network namespace %s is the runtime's own",
			       path);
	for (size_t i = 0; i < s->linux.n_net_devices; i++)
		if (!if_nametoindex(s->linux.net_devices[i].host_name))
			return err_set(
			    0, "linux.netDevices[\"%s\"]: no such network device on the host",
			    s->linux.net_devices[i].host_name);
	return 0;
}

int netdev_init_request(int sync_fd)
{
	_cleanup_close_ int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct sync_msg m;
	if (fd < 0)
		return err_set(errno, "linux.netDevices: open /proc/self/ns/net");
	if (sync_send_fd(sync_fd, SYNC_NETDEV, fd) < 0)
		return -1;
	return sync_expect(sync_fd, SYNC_NETDEV_DONE, &m);
}

/* ---- the addresses that go along ---- */

struct saved_addr {
	unsigned char family, prefixlen;
	uint32_t flags;
	unsigned char local[16], address[16], brd[16];
	bool has_local, has_address, has_brd;
};

struct addr_list {
	int ifindex;
	size_t n;
	struct saved_addr v[64];
};

static void keep_attr(const struct rtattr *rta, size_t alen, struct saved_addr *a)
{
	size_t n = RTA_PAYLOAD(rta);
	if (rta->rta_type == IFA_FLAGS && n == sizeof(uint32_t))
		memcpy(&a->flags, RTA_DATA(rta), n);
	if (n != alen)
		return;
	if (rta->rta_type == IFA_LOCAL) {
		memcpy(a->local, RTA_DATA(rta), n);
		a->has_local = true;
	} else if (rta->rta_type == IFA_ADDRESS) {
		memcpy(a->address, RTA_DATA(rta), n);
		a->has_address = true;
	} else if (rta->rta_type == IFA_BROADCAST) {
		memcpy(a->brd, RTA_DATA(rta), n);
		a->has_brd = true;
	}
}

/* Permanent addresses of global scope only (config-linux.md): link-local
 * and dynamic ones belong to the host side of the device's life. */
static void collect_addr(const struct nlmsghdr *h, void *ud)
{
	struct addr_list *l = ud;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	if (h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != l->ifindex ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE || l->n == ARRAY_SIZE(l->v))
		return;
	struct saved_addr a = {
	    .family = ifa->ifa_family, .prefixlen = ifa->ifa_prefixlen, .flags = ifa->ifa_flags};
	size_t alen = a.family == AF_INET ? 4 : 16;
	int len = (int)IFA_PAYLOAD(h);
	for (const struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		keep_attr(rta, alen, &a);
	if (a.flags & IFA_F_PERMANENT)
		l->v[l->n++] = a;
}

static int add_addr(int fd, int ifindex, const struct saved_addr *a)
{
	struct nl_req r;
	struct ifaddrmsg *ifa =
	    nl_begin(&r, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
	size_t alen = a->family == AF_INET ? 4 : 16;
	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = a->prefixlen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	ifa->ifa_flags = (unsigned char)a->flags;
	if (a->has_local)
		nl_attr(&r, IFA_LOCAL, a->local, alen);
	if (a->has_address)
		nl_attr(&r, IFA_ADDRESS, a->address, alen);
	if (a->has_brd)
		nl_attr(&r, IFA_BROADCAST, a->brd, alen);
	nl_attr(&r, IFA_FLAGS, &a->flags, sizeof(a->flags));
	if (nl_talk(fd, &r) < 0)
		return err_set(errno, "restore an address");
	return 0;
}

static int link_up(int fd, int ifindex)
{
	struct nl_req r;
	struct ifinfomsg *ifi = nl_begin(&r, RTM_NEWLINK, NLM_F_ACK, sizeof(*ifi));
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	if (nl_talk(fd, &r) < 0)
		return err_set(errno, "set the device up");
	return 0;
}

int netdev_loopback_up(void)
{
	_cleanup_close_ int fd = nl_open();
	if (fd < 0)
		return -1;
	int idx = (int)if_nametoindex("lo");
	if (idx <= 0)
		return err_set(errno, "the loopback device");
	return link_up(fd, idx) < 0 ? err_prefix("the loopback device") : 0;
}

/* ---- the move ---- */

struct inside {
	const struct spec_netdev *d;
	int old_index;
	const struct addr_list *addrs;
};

/* Runs in a child that entered the container's network namespace. */
static int setup_inside(const struct inside *in)
{
	_cleanup_close_ int fd = nl_open();
	if (fd < 0)
		return -1;
	char name[IF_NAMESIZE];
	/* the kernel keeps the index unless the namespace has it taken; a
	 * template name is only known through it */
	int idx = strchr(in->d->name, '%') ? in->old_index : (int)if_nametoindex(in->d->name);
	if (idx <= 0 || !if_indextoname((unsigned)idx, name))
		return err_set(0, "not found in the container after the move");
	if (link_up(fd, idx) < 0)
		return -1;
	for (size_t i = 0; i < in->addrs->n; i++)
		if (add_addr(fd, idx, &in->addrs->v[i]) < 0)
			return -1;
	return 0;
}

/* config-linux.md: a name taken inside is an error. Checked before the
 * move, as the kernel may move the device and only then fail the rename. */
static int check_inside(const struct inside *in)
{
	if (!strchr(in->d->name, '%') && if_nametoindex(in->d->name))
		return err_set(0, "a device named \"%s\" already exists in the container",
			       in->d->name);
	return 0;
}

/* fn in a child process: setns would move the whole runtime. */
static int in_netns(int netns_fd, int (*fn)(const struct inside *), const struct inside *in)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return err_set(errno, "pipe");
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (setns(netns_fd, CLONE_NEWNET) < 0)
			err_set(errno, "enter the container's network namespace");
		else if (fn(in) == 0)
			_exit(0);
		(void)!write_all(p[1], err_get(), sizeof(struct corun_err)); /* whole, errno too */
		_exit(1);
	}
	close(p[1]);
	struct corun_err e;
	ssize_t n = pid < 0 ? 0 : read_all(p[0], &e, sizeof(e));
	close(p[0]);
	int st = 0;
	if (pid < 0)
		return err_set(errno, "fork");
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (n == (ssize_t)sizeof(e))
		return err_put(&e);
	return err_set(0, "the setup process died");
}

static int move_link(int fd, int ifindex, int netns_fd, const char *name)
{
	struct nl_req r;
	struct ifinfomsg *ifi = nl_begin(&r, RTM_NEWLINK, NLM_F_ACK, sizeof(*ifi));
	ifi->ifi_index = ifindex;
	uint32_t nsfd = (uint32_t)netns_fd;
	nl_attr(&r, IFLA_NET_NS_FD, &nsfd, sizeof(nsfd));
	nl_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
	if (nl_talk(fd, &r) == 0)
		return 0;
	if (errno == EEXIST)
		return err_set(0, "a device named \"%s\" already exists in the container", name);
	return err_set(errno, "move it into the container as \"%s\"", name);
}

static int move_one(int fd, const struct spec_netdev *d, int netns_fd)
{
	int idx = (int)if_nametoindex(d->host_name);
	if (!idx)
		return err_set(errno, "no such network device on the host");
	struct addr_list *l = xcalloc(1, sizeof(*l));
	l->ifindex = idx;
	struct nl_req r;
	struct ifaddrmsg *ifa = nl_begin(&r, RTM_GETADDR, 0, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	struct inside in = {.d = d, .old_index = idx, .addrs = l};
	int rc = nl_dump(fd, &r, collect_addr, l);
	if (rc == 0)
		rc = in_netns(netns_fd, check_inside, &in);
	if (rc == 0)
		rc = move_link(fd, idx, netns_fd, d->name);
	if (rc == 0)
		rc = in_netns(netns_fd, setup_inside, &in);
	free(l);
	return rc;
}

int netdev_serve(const struct spec *s, int sync_fd, int netns_fd)
{
	_cleanup_close_ int ns = netns_fd;
	if (ns < 0)
		return err_set(0, "linux.netDevices: the init sent no namespace fd");
	_cleanup_close_ int fd = nl_open();
	if (fd < 0)
		return err_prefix("linux.netDevices");
	for (size_t i = 0; i < s->linux.n_net_devices; i++) {
		const struct spec_netdev *d = &s->linux.net_devices[i];
		if (move_one(fd, d, ns) < 0)
			return err_prefix("linux.netDevices[\"%s\"]", d->host_name);
	}
	return sync_send(sync_fd, SYNC_NETDEV_DONE, 0, NULL);
}
