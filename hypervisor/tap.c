/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bridge NIC's tap, opened here and handed to QEMU as a file descriptor
 * (-netdev tap,fd=N), as libvirt does.
 *
 * QEMU's own "-netdev bridge" forks and executes qemu-bridge-helper for each
 * NIC, a setuid program that reads /etc/qemu/bridge.conf and does exactly
 * what hv_tap_open_bridged() does with four ioctls. A guest's start is on a
 * failover's critical path: in the lab's emulated nodes that exec cost
 * 0.41 s of a start of about 2.5 s, and every install had to allow its
 * bridge in bridge.conf. libhv runs as root (the OCF agent, hvctl), so the
 * helper's privilege separation bought nothing here.
 *
 * The tap is not persistent: it exists as long as a descriptor to it is
 * open. libhv closes its own once QEMU has started (or failed), so the tap
 * goes away with the QEMU that holds it and nothing is left to clean up.
 */
#include "hv-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* The kernel picks the first free number. */
#define TAP_TEMPLATE "pktap%d"

static int set_error(GError **error, const char *bridge, const char *what, int e)
{
        const char *hint = "";

        if (e == ENODEV || e == ENXIO)
                hint = "; create it first (ip link add NAME type bridge)";
        else if (e == EPERM || e == EACCES)
                hint = "; opening a tap needs root (CAP_NET_ADMIN)";
        g_set_error(error, HV_ERROR, HV_ERROR_FAILED, "cannot attach a tap to bridge %s: %s: %s%s", bridge,
                    what, g_strerror(e), hint);
        return -1;
}

int hv_tap_open_bridged(const char *bridge, char **ret_ifname, GError **error)
{
        struct ifreq ifr;
        unsigned int index;
        int tap = -1, sock = -1, e, mtu;

        g_return_val_if_fail(bridge && *bridge, -1);
        if (strlen(bridge) >= IFNAMSIZ) {
                g_set_error(error, HV_ERROR, HV_ERROR_INVALID, "bridge name \"%s\" is longer than %d characters",
                            bridge, IFNAMSIZ - 1);
                return -1;
        }
        /* Before the tap: a missing bridge leaves nothing to undo. */
        if (if_nametoindex(bridge) == 0)
                return set_error(error, bridge, "no such interface", ENODEV);
        g_autofree char *sys = g_strdup_printf("/sys/class/net/%s/bridge", bridge);
        if (!g_file_test(sys, G_FILE_TEST_IS_DIR)) {
                g_set_error(error, HV_ERROR, HV_ERROR_FAILED,
                            "cannot attach a tap to bridge %s: %s is not a bridge (ip -d link show %s says what it is)",
                            bridge, bridge, bridge);
                return -1;
        }

        tap = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        if (tap < 0)
                return set_error(error, bridge, "/dev/net/tun", errno);
        memset(&ifr, 0, sizeof(ifr));
        /* IFF_VNET_HDR: what qemu-bridge-helper --use-vnet sets, and what
         * QEMU probes on the descriptor to offload checksums. */
        ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
        g_strlcpy(ifr.ifr_name, TAP_TEMPLATE, IFNAMSIZ);
        if (ioctl(tap, TUNSETIFF, &ifr) < 0) {
                e = errno;
                close(tap);
                return set_error(error, bridge, "TUNSETIFF", e);
        }
        g_autofree char *ifname = g_strndup(ifr.ifr_name, IFNAMSIZ);

        sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0) {
                e = errno;
                goto fail_errno;
        }
        /* The tap takes the bridge's MTU, as the helper does: a bridge
         * port with a smaller MTU would drop the bridge's large frames. */
        memset(&ifr, 0, sizeof(ifr));
        g_strlcpy(ifr.ifr_name, bridge, IFNAMSIZ);
        if (ioctl(sock, SIOCGIFMTU, &ifr) < 0) {
                e = errno;
                set_error(error, bridge, "its MTU", e);
                goto fail;
        }
        mtu = ifr.ifr_mtu;
        memset(&ifr, 0, sizeof(ifr));
        g_strlcpy(ifr.ifr_name, ifname, IFNAMSIZ);
        ifr.ifr_mtu = mtu;
        if (ioctl(sock, SIOCSIFMTU, &ifr) < 0) {
                e = errno;
                set_error(error, bridge, "setting the tap's MTU", e);
                goto fail;
        }

        index = if_nametoindex(ifname);
        memset(&ifr, 0, sizeof(ifr));
        g_strlcpy(ifr.ifr_name, bridge, IFNAMSIZ);
        ifr.ifr_ifindex = (int)index;
        if (index == 0 || ioctl(sock, SIOCBRADDIF, &ifr) < 0) {
                e = index == 0 ? ENODEV : errno;
                set_error(error, bridge, index == 0 ? "the new tap vanished" : "adding the tap", e);
                goto fail;
        }

        memset(&ifr, 0, sizeof(ifr));
        g_strlcpy(ifr.ifr_name, ifname, IFNAMSIZ);
        if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) {
                e = errno;
                set_error(error, bridge, "the tap's flags", e);
                goto fail;
        }
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) {
                e = errno;
                set_error(error, bridge, "bringing the tap up", e);
                goto fail;
        }
        close(sock);
        if (ret_ifname)
                *ret_ifname = g_steal_pointer(&ifname);
        return tap;

fail_errno:
        set_error(error, bridge, "socket", e);
fail:
        if (sock >= 0)
                close(sock);
        /* Closing the last descriptor removes the tap, and with it its
         * bridge port. */
        close(tap);
        return -1;
}
