/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver for the failover timeline assembler: events in, records
 * out. Lines:
 *   # text                              echoed
 *   set probe-timeout|start-timeout S   time limits (before the first event)
 *   T KIND [node=N] [guest=G] [guests=G1,G2] [resource=R] [probe]
 *                                       an event; T in seconds (decimals
 *                                       allowed) after 2023-11-14 22:13:20 UTC
 *   restart                             the state to JSON and back, as a
 *                                       restarted hamgrd reads its file
 * Each event prints whether the records changed. At the end: hactl
 * history's table and the history answer's JSON.
 */
#include "ham-timeline.h"
#include "pk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE_MS G_GINT64_CONSTANT(1700000000000)

static gboolean parse_time(const char *s, gint64 *ret)
{
        char *end = NULL;
        double v = g_ascii_strtod(s, &end);
        if (!*s || *end || v < 0 || v > 1e9)
                return FALSE;
        *ret = BASE_MS + (gint64)(v * 1000.0 + 0.5);
        return TRUE;
}

static void event_line(HamTimeline *tl, char **w)
{
        HamTlEvent ev = { 0 };
        g_auto(GStrv) guests = NULL;
        g_autoptr(GError) error = NULL;

        if (!w[1] || !parse_time(w[0], &ev.at_ms)) {
                printf("  !! bad line: expected TIME KIND [node=N] [guest=G] [guests=G,...] [resource=R] [probe]\n");
                return;
        }
        if (!ham_tl_event_kind_from_name(w[1], &ev.kind)) {
                printf("  !! bad line: unknown event \"%s\"\n", w[1]);
                return;
        }
        for (char **a = w + 2; *a; a++) {
                if (g_str_has_prefix(*a, "node="))
                        ev.node = *a + 5;
                else if (g_str_has_prefix(*a, "guest="))
                        ev.guest = *a + 6;
                else if (g_str_has_prefix(*a, "resource="))
                        ev.resource = *a + 9;
                else if (g_str_has_prefix(*a, "guests=") && !guests)
                        guests = g_strsplit(*a + 7, ",", -1);
                else if (g_str_equal(*a, "probe"))
                        ev.probe = TRUE;
                else {
                        printf("  !! bad line: unknown field \"%s\"\n", *a);
                        return;
                }
        }
        ev.guests = (const char *const *)guests;
        if (ham_timeline_feed(tl, &ev, &error))
                printf("  changed\n");
        else if (error)
                printf("  !! %s\n", error->message);
}

static void show(HamTimeline *tl)
{
        g_autoptr(json_object) h = ham_timeline_history(tl, NULL, 0);
        g_autofree char *table = ham_timeline_format(h);
        g_autofree char *json = pk_json_to_string(h, TRUE);
        g_autoptr(GPtrArray) awaiting = ham_timeline_awaiting_fence(tl);

        printf("---- table\n%s---- json\n%s\n", table, json);
        printf("---- open: %s, awaiting fence:", ham_timeline_has_open(tl) ? "yes" : "no");
        for (guint i = 0; i < awaiting->len; i++)
                printf(" %s", (char *)awaiting->pdata[i]);
        printf("\n");
}

int main(int argc, char **argv)
{
        g_autofree char *text = NULL;
        g_auto(GStrv) lines = NULL;
        gint64 probe = 0, start = 0;
        HamTimeline *tl = NULL;

        g_setenv("TZ", "UTC", TRUE);
        if (argc != 2 || !g_file_get_contents(argv[1], &text, NULL, NULL)) {
                fprintf(stderr, "usage: golden-ham-timeline FILE\n");
                return 2;
        }
        lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
                if (!**l)
                        continue;
                printf("%s\n", *l);
                if (**l == '#')
                        continue;
                g_auto(GStrv) w = g_strsplit_set(*l, " ", -1);
                if (g_str_equal(w[0], "set") && w[1] && w[2] && !w[3] && !tl) {
                        gint64 v = g_ascii_strtoll(w[2], NULL, 10) * 1000;
                        if (g_str_equal(w[1], "probe-timeout"))
                                probe = v;
                        else if (g_str_equal(w[1], "start-timeout"))
                                start = v;
                        else
                                printf("  !! bad line: unknown setting\n");
                        continue;
                }
                if (!tl)
                        tl = ham_timeline_new(probe, start);
                if (g_str_equal(w[0], "restart") && !w[1]) {
                        g_autoptr(json_object) state = ham_timeline_to_json(tl);
                        g_autofree char *saved = pk_json_to_string(state, FALSE);
                        g_autoptr(GError) error = NULL;
                        ham_timeline_free(tl);
                        tl = ham_timeline_parse(saved, strlen(saved), probe, start, &error);
                        if (!tl) {
                                printf("  !! reload: %s\n", error->message);
                                return 1;
                        }
                        printf("  (state saved and read back)\n");
                        continue;
                }
                event_line(tl, w);
        }
        if (!tl)
                tl = ham_timeline_new(probe, start);
        show(tl);
        ham_timeline_free(tl);
        return 0;
}
