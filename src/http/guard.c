/* The guard: what keeps slow or greedy clients from taking the server.
 * It records every open connection (MHD's connection notification), caps
 * the connections of one client address (MHD's accept policy), and runs a
 * watchdog thread that closes a connection whose header is not in by its
 * deadline or whose body comes slower than the minimum rate. MHD's own
 * timeout only closes idle connections, so a client that sends one byte a
 * second would otherwise keep its connection for ever. It also decides
 * the client's address behind trusted proxies (X-Forwarded-For).
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "http/internal.h"

/* How often the watchdog looks, in ms. */
#define WATCHDOG_TICK_MS 200
/* The X-Forwarded-For values, joined, are read up to this many bytes. */
#define XFF_MAX 2048

/* ---- Addresses and trusted proxies ---- */

int guard_parse_range(const char *s, http_addr_range *out, ilm_errors *err)
{
    char host[INET6_ADDRSTRLEN + 8];
    const char *slash = strchr(s, '/');
    size_t hlen = slash ? (size_t)(slash - s) : strlen(s);
    memset(out, 0, sizeof *out);
    if (hlen == 0 || hlen >= sizeof host)
        goto bad;
    memcpy(host, s, hlen);
    host[hlen] = '\0';
    int max_bits;
    if (inet_pton(AF_INET, host, out->bytes) == 1) {
        out->family = AF_INET;
        max_bits = 32;
    } else if (inet_pton(AF_INET6, host, out->bytes) == 1) {
        out->family = AF_INET6;
        max_bits = 128;
    } else {
        goto bad;
    }
    out->prefix = max_bits;
    if (slash) {
        const char *b = slash + 1;
        size_t digits = strspn(b, "0123456789");
        if (digits == 0 || digits > 3 || b[digits] || atoi(b) > max_bits)
            goto bad;
        out->prefix = atoi(b);
    }
    return 0;
bad:
    ilm_errors_add(err,
                   "trusted proxy \"%s\": expected an IP address or a range, e.g. 10.0.0.5, "
                   "10.0.0.0/8 or ::1",
                   s);
    return ILM_EINVAL;
}

/* An address as family + bytes; IPv4-mapped IPv6 addresses become IPv4. */
static bool addr_bytes(const struct sockaddr *sa, int *family, unsigned char bytes[16])
{
    if (!sa)
        return false;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        *family = AF_INET;
        memcpy(bytes, &in->sin_addr, 4);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            *family = AF_INET;
            memcpy(bytes, &in6->sin6_addr.s6_addr[12], 4);
        } else {
            *family = AF_INET6;
            memcpy(bytes, &in6->sin6_addr, 16);
        }
        return true;
    }
    return false;
}

static bool in_range(const http_addr_range *r, int family, const unsigned char *bytes)
{
    if (r->family != family)
        return false;
    int full = r->prefix / 8, rest = r->prefix % 8;
    if (memcmp(r->bytes, bytes, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (r->bytes[full] & mask) == (bytes[full] & mask);
}

static bool bytes_trusted(const http_server *srv, int family, const unsigned char *bytes)
{
    for (size_t i = 0; i < srv->n_trusted; i++)
        if (in_range(&srv->trusted[i], family, bytes))
            return true;
    return false;
}

bool guard_is_trusted(const http_server *srv, const struct sockaddr *sa)
{
    int family;
    unsigned char bytes[16];
    return srv->n_trusted > 0 && addr_bytes(sa, &family, bytes) &&
           bytes_trusted(srv, family, bytes);
}

static void addr_text(const struct sockaddr *sa, char *out, size_t n)
{
    int family;
    unsigned char bytes[16];
    out[0] = '\0';
    if (addr_bytes(sa, &family, bytes))
        inet_ntop(family, bytes, out, (socklen_t)n);
}

/* What the per-address cap counts: an IPv4 address, or an IPv6 /64 (one
 * client usually holds a whole /64). */
static void cap_key(const struct sockaddr *sa, char *out, size_t n)
{
    int family;
    unsigned char bytes[16];
    out[0] = '\0';
    if (!addr_bytes(sa, &family, bytes))
        return;
    if (family == AF_INET6)
        memset(bytes + 8, 0, 8);
    inet_ntop(family, bytes, out, (socklen_t)n);
}

/* Gathers every X-Forwarded-For header, in order, joined by commas. */
typedef struct xff_buf {
    char text[XFF_MAX];
    size_t len;
    bool overflow;
} xff_buf;

static enum MHD_Result gather_xff(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    (void)kind;
    xff_buf *b = cls;
    if (!key || strcasecmp(key, "X-Forwarded-For") != 0 || !value)
        return MHD_YES;
    size_t n = strlen(value);
    if (b->len + n + 2 > sizeof b->text) {
        b->overflow = true;
        return MHD_NO;
    }
    if (b->len)
        b->text[b->len++] = ',';
    memcpy(b->text + b->len, value, n);
    b->len += n;
    b->text[b->len] = '\0';
    return MHD_YES;
}

void guard_client_address(http_request *req)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    addr_text(sa, req->client, sizeof req->client);
    if (!guard_is_trusted(req->srv, sa))
        return;
    xff_buf b = {.len = 0};
    MHD_get_connection_values(req->conn, MHD_HEADER_KIND, gather_xff, &b);
    if (b.len == 0 || b.overflow)
        return;
    /* From the right: each hop appended the address it saw. The first one
     * that is not a trusted proxy is the client; anything unreadable
     * stops the walk, and the last trusted hop stays the answer. */
    char *end = b.text + b.len;
    while (end > b.text) {
        char *start = end;
        while (start > b.text && start[-1] != ',')
            start--;
        char item[INET6_ADDRSTRLEN + 2];
        const char *s = start;
        const char *e = end;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if ((size_t)(e - s) >= sizeof item)
            return;
        memcpy(item, s, (size_t)(e - s));
        item[e - s] = '\0';
        unsigned char bytes[16];
        int family = 0;
        if (inet_pton(AF_INET, item, bytes) == 1)
            family = AF_INET;
        else if (inet_pton(AF_INET6, item, bytes) == 1)
            family = AF_INET6;
        else
            return;
        static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (family == AF_INET6 && memcmp(bytes, v4mapped, sizeof v4mapped) == 0) {
            memmove(bytes, bytes + 12, 4);
            family = AF_INET;
        }
        inet_ntop(family, bytes, req->client, sizeof req->client);
        if (!bytes_trusted(req->srv, family, bytes))
            return;
        end = start > b.text ? start - 1 : b.text;
    }
}

/* ---- Connections ---- */

/* Open connections from `addr`, other than `self`; under conns_lock. */
static unsigned count_from(const http_server *srv, const char *addr, const http_conn *self)
{
    unsigned n = 0;
    for (const http_conn *c = srv->conns; c; c = c->next)
        if (c != self && !c->cut && strcmp(c->addr, addr) == 0)
            n++;
    return n;
}

enum MHD_Result guard_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    (void)addrlen;
    http_server *srv = cls;
    if (guard_is_trusted(srv, addr))
        return MHD_YES;
    char text[INET6_ADDRSTRLEN];
    cap_key(addr, text, sizeof text);
    pthread_mutex_lock(&srv->conns_lock);
    bool ok = count_from(srv, text, NULL) < srv->max_per_addr;
    pthread_mutex_unlock(&srv->conns_lock);
    return ok ? MHD_YES : MHD_NO;
}

static void now_mono(struct timespec *t) { clock_gettime(CLOCK_MONOTONIC, t); }

void guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                  enum MHD_ConnectionNotificationCode toe)
{
    http_server *srv = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        http_conn *hc = calloc(1, sizeof *hc);
        if (!hc)
            return; /* unguarded, but served */
        const union MHD_ConnectionInfo *fi =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *ai =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        hc->fd = fi ? fi->connect_fd : -1;
        const struct sockaddr *sa = ai ? ai->client_addr : NULL;
        cap_key(sa, hc->addr, sizeof hc->addr);
        hc->trusted = guard_is_trusted(srv, sa);
        hc->phase = PHASE_HEADER;
        now_mono(&hc->since);
        pthread_mutex_lock(&srv->conns_lock);
        /* The accept policy looked without the lock held across accepts:
         * concurrent accepts on the pool's threads may pass it together,
         * so the cap is enforced here exactly. */
        if (!hc->trusted && count_from(srv, hc->addr, NULL) >= srv->max_per_addr && hc->fd >= 0) {
            shutdown(hc->fd, SHUT_RDWR);
            hc->cut = true;
        }
        hc->next = srv->conns;
        if (srv->conns)
            srv->conns->prev = hc;
        srv->conns = hc;
        pthread_mutex_unlock(&srv->conns_lock);
        *socket_context = hc;
        return;
    }
    http_conn *hc = *socket_context;
    if (!hc)
        return;
    /* Unlinked under the lock, before MHD closes the fd: the watchdog can
     * never shut down a number that another connection got meanwhile. */
    pthread_mutex_lock(&srv->conns_lock);
    if (hc->prev)
        hc->prev->next = hc->next;
    else
        srv->conns = hc->next;
    if (hc->next)
        hc->next->prev = hc->prev;
    pthread_mutex_unlock(&srv->conns_lock);
    *socket_context = NULL;
    free(hc);
}

http_conn *guard_conn(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

void guard_phase(http_server *srv, http_conn *hc, http_phase phase)
{
    if (!hc)
        return;
    pthread_mutex_lock(&srv->conns_lock);
    hc->phase = phase;
    now_mono(&hc->since);
    hc->received = 0;
    /* After a request, the next one may wait as long as an idle
     * connection may before its header's deadline starts. */
    hc->extra_s = phase == PHASE_HEADER ? (long)srv->idle_s : 0;
    pthread_mutex_unlock(&srv->conns_lock);
}

void guard_body_bytes(http_server *srv, http_conn *hc, size_t n)
{
    if (!hc)
        return;
    pthread_mutex_lock(&srv->conns_lock);
    hc->received += n;
    pthread_mutex_unlock(&srv->conns_lock);
}

/* Whether hc has missed its deadline at `now` (ms since its phase began). */
static bool overdue(const http_server *srv, const http_conn *hc, long long ms)
{
    switch (hc->phase) {
    case PHASE_HEADER: return ms > ((long long)srv->header_deadline_s + hc->extra_s) * 1000;
    case PHASE_BODY:
        /* The time allowed grows with every byte: grace + bytes / rate. */
        return ms > (long long)srv->body_grace_s * 1000 +
                        (long long)(hc->received / srv->body_min_rate) * 1000;
    case PHASE_HANDLER: return false;
    }
    return false;
}

static void *watchdog(void *arg)
{
    http_server *srv = arg;
    pthread_mutex_lock(&srv->conns_lock);
    while (!srv->watchdog_stop) {
        struct timespec now;
        now_mono(&now);
        for (http_conn *c = srv->conns; c; c = c->next) {
            long long ms = (long long)(now.tv_sec - c->since.tv_sec) * 1000 +
                           (now.tv_nsec - c->since.tv_nsec) / 1000000;
            if (!c->cut && c->fd >= 0 && overdue(srv, c, ms)) {
                /* MHD sees the end of the stream and closes the connection
                 * on its own thread. */
                shutdown(c->fd, SHUT_RDWR);
                c->cut = true;
            }
        }
        struct timespec until;
        now_mono(&until);
        until.tv_nsec += WATCHDOG_TICK_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&srv->watchdog_wake, &srv->conns_lock, &until);
    }
    pthread_mutex_unlock(&srv->conns_lock);
    return NULL;
}

int guard_start(http_server *srv)
{
    if (pthread_create(&srv->watchdog, NULL, watchdog, srv) != 0)
        return ILM_EIO;
    srv->watchdog_running = true;
    return 0;
}

void guard_stop(http_server *srv)
{
    if (!srv->watchdog_running)
        return;
    pthread_mutex_lock(&srv->conns_lock);
    srv->watchdog_stop = true;
    pthread_cond_signal(&srv->watchdog_wake);
    pthread_mutex_unlock(&srv->conns_lock);
    pthread_join(srv->watchdog, NULL);
    srv->watchdog_running = false;
}
