/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver for the health rules: a guest's QMP events, and DRBD
 * resource states, in; the node attributes hamgrd publishes out. Lines:
 *   # text                                  echoed
 *   guest NAME RUNSTATE                     the guest as query-status found it
 *   event NAME [DATA-JSON]                  a QMP event for the last guest
 *   drbd RES KEY=VALUE...                   a resource: role conn disk
 *                                           peer-disk repl (DRBD's names)
 * After each guest/event/drbd line: ATTRIBUTE=VALUE (state, reason).
 */
#include "daemon.h"
#include "pk.h"

#include <stdio.h>
#include <string.h>

typedef const char *(*NameFunc)(int);

/* DRBD's name → enum, by asking libdrbdglue for every enum's name. */
static gboolean from_name(const char *text, NameFunc name, int max, int *ret)
{
        for (int i = 0; i <= max; i++) {
                if (g_str_equal(name(i), text)) {
                        *ret = i;
                        return TRUE;
                }
        }
        return FALSE;
}

static void drbd_line(char **words)
{
        DgResourceState r = { .name = words[1], .peer_role = DG_ROLE_UNKNOWN };
        DgVolumeState v = { .volume = 0, .minor = 0, .done = -1, .size_kib = -1 };
        r.volumes = g_array_new(FALSE, TRUE, sizeof(DgVolumeState));

        for (char **w = words + 2; *w; w++) {
                g_auto(GStrv) kv = g_strsplit(*w, "=", 2);
                int val = 0;
                gboolean ok = kv[0] && kv[1];
                if (!ok)
                        ;
                else if (g_str_equal(kv[0], "role"))
                        ok = from_name(kv[1], (NameFunc)dg_role_name, DG_ROLE_SECONDARY, &val) &&
                             (r.role = val, TRUE);
                else if (g_str_equal(kv[0], "conn"))
                        ok = from_name(kv[1], (NameFunc)dg_conn_name, DG_CONN_CONNECTED, &val) &&
                             (r.conn = val, TRUE);
                else if (g_str_equal(kv[0], "disk"))
                        ok = from_name(kv[1], (NameFunc)dg_disk_name, DG_DISK_UPTODATE, &val) &&
                             (v.disk = val, TRUE);
                else if (g_str_equal(kv[0], "peer-disk"))
                        ok = from_name(kv[1], (NameFunc)dg_disk_name, DG_DISK_UPTODATE, &val) &&
                             (v.peer_disk = val, TRUE);
                else if (g_str_equal(kv[0], "repl"))
                        ok = from_name(kv[1], (NameFunc)dg_repl_name, DG_REPL_BEHIND, &val) &&
                             (v.repl = val, TRUE);
                else if (g_str_equal(kv[0], "volumes") && g_str_equal(kv[1], "none"))
                        v.volume = -1;
                else
                        ok = FALSE;
                if (!ok)
                        printf("  !! bad drbd field: %s\n", *w);
        }
        if (v.volume == 0)
                g_array_append_val(r.volumes, v);
        g_autofree char *attr = ham_health_attr_drbd(r.name);
        printf("  %s=%s\n", attr, ham_health_drbd(&r));
        g_array_unref(r.volumes);
}

static void show_guest(const HamGuestView *g)
{
        g_autofree char *attr = ham_health_attr_guest(g->name);
        printf("  %s=%s (%s, %s)\n", attr, ham_health_guest(g), hv_state_to_string(g->state),
               g->reason ? g->reason : "-");
}

int main(int argc, char **argv)
{
        g_autofree char *text = NULL;
        g_auto(GStrv) lines = NULL;
        HamGuestView g = { 0 };

        if (argc != 2 || !g_file_get_contents(argv[1], &text, NULL, NULL)) {
                fprintf(stderr, "usage: golden-ham-health FILE\n");
                return 2;
        }
        lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
                if (!**l)
                        continue;
                printf("%s\n", *l);
                if (**l == '#')
                        continue;
                g_auto(GStrv) words = g_strsplit_set(*l, " ", 3);
                if (g_str_equal(words[0], "guest") && words[1] && words[2]) {
                        ham_guest_view_clear(&g);
                        g.name = g_strdup(words[1]);
                        g.state = ham_guest_state_from_runstate(words[2]);
                        g.reason = g_strdup(words[2]);
                        show_guest(&g);
                } else if (g_str_equal(words[0], "event") && words[1] && g.name) {
                        HvQmpMessage ev = {
                                .kind = HV_QMP_MSG_EVENT,
                                .event = words[1],
                                .event_type = hv_qmp_event_type_from_name(words[1]),
                                .ts_sec = 1700000000,
                        };
                        if (words[2])
                                ev.payload = pk_json_parse(words[2], -1, "data", NULL);
                        gboolean changed = ham_guest_view_apply_event(&g, &ev);
                        json_object_put(ev.payload);
                        show_guest(&g);
                        if (!changed)
                                printf("  (unchanged)\n");
                } else if (g_str_equal(words[0], "drbd") && words[1]) {
                        g_auto(GStrv) all = g_strsplit(*l, " ", -1);
                        drbd_line(all);
                } else {
                        printf("  !! bad line\n");
                }
        }
        ham_guest_view_clear(&g);
        return 0;
}
