/* SPDX-License-Identifier: Apache-2.0 */
/* A minimal rtnetlink client: build one request in a buffer, send it, read
 * the acknowledgement or walk a dump. Plain syscalls, no libnl. */
#pragma once

#include <stddef.h>
#include <linux/netlink.h>

struct nl_req {
	struct nlmsghdr *h; /* = (void *)buf */
	size_t cap;
	_Alignas(NLMSG_ALIGNTO) unsigned char buf[1024];
};

/* A NETLINK_ROUTE socket in the caller's network namespace. */
int nl_open(void);
/* Starts a request of type with flags (NLM_F_REQUEST is added) and a
 * zeroed family header of hdr_len bytes; returns that header. */
void *nl_begin(struct nl_req *r, int type, int flags, size_t hdr_len);
/* Appends one attribute. */
void nl_attr(struct nl_req *r, int type, const void *data, size_t len);
/* Sends r (which must ask for NLM_F_ACK) and reads the answer: 0, or -1
 * with err and errno set (the kernel's error, or the socket's). */
int nl_talk(int fd, struct nl_req *r);
/* Sends a dump request and calls fn for each message until NLMSG_DONE. */
int nl_dump(int fd, struct nl_req *r, void (*fn)(const struct nlmsghdr *h, void *ud), void *ud);
