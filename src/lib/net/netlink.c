/* SPDX-License-Identifier: Apache-2.0 */
#include "netlink.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return err_set(errno, "open a netlink socket");
	return fd;
}

void *nl_begin(struct nl_req *r, int type, int flags, size_t hdr_len)
{
	memset(r->buf, 0, sizeof(r->buf));
	r->h = (struct nlmsghdr *)r->buf;
	r->cap = sizeof(r->buf);
	r->h->nlmsg_len = (unsigned)NLMSG_LENGTH(hdr_len);
	r->h->nlmsg_type = (unsigned short)type;
	r->h->nlmsg_flags = (unsigned short)(flags | NLM_F_REQUEST);
	r->h->nlmsg_seq = 1;
	return NLMSG_DATA(r->h);
}

void nl_attr(struct nl_req *r, int type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->h->nlmsg_len), alen = NLA_HDRLEN + len;
	/* requests are built from short names and addresses: overflow is a bug */
	if (off + NLA_ALIGN(alen) > r->cap)
		abort();
	struct nlattr *a = (struct nlattr *)(r->buf + off);
	a->nla_type = (unsigned short)type;
	a->nla_len = (unsigned short)alen;
	memcpy((unsigned char *)a + NLA_HDRLEN, data, len);
	r->h->nlmsg_len = (unsigned)(off + NLA_ALIGN(alen));
}

static int nl_send(int fd, struct nl_req *r)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	if (sendto(fd, r->h, r->h->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return err_set(errno, "netlink send");
	return 0;
}

/* One datagram of answers into buf; its length or -1 + err. */
static ssize_t nl_recv(int fd, void *buf, size_t len)
{
	ssize_t n;
	do {
		n = recv(fd, buf, len, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(errno, "netlink receive");
	return n;
}

int nl_talk(int fd, struct nl_req *r)
{
	if (nl_send(fd, r) < 0)
		return -1;
	_Alignas(NLMSG_ALIGNTO) unsigned char buf[8192];
	for (;;) {
		ssize_t n = nl_recv(fd, buf, sizeof(buf));
		if (n < 0)
			return -1;
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				if (!e->error)
					return 0;
				int errnum = -e->error;
				err_set(errnum, "netlink");
				errno = errnum;
				return -1;
			}
	}
}

int nl_dump(int fd, struct nl_req *r, void (*fn)(const struct nlmsghdr *h, void *ud), void *ud)
{
	r->h->nlmsg_flags |= NLM_F_DUMP;
	if (nl_send(fd, r) < 0)
		return -1;
	_Alignas(NLMSG_ALIGNTO) unsigned char buf[32768];
	for (;;) {
		ssize_t n = nl_recv(fd, buf, sizeof(buf));
		if (n < 0)
			return -1;
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				return err_set(-e->error, "netlink dump");
			}
			fn(h, ud);
		}
	}
}
