/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * drbd-state-probe: drives libdrbdglue's DRBD state model against the real
 * DRBD of a lab node (test helper, not installed).
 *
 *   drbd-state-probe snapshot              the model from events2 --now, as JSON
 *   drbd-state-probe sync-wait RES MS      dg_sync_wait(); one line per progress call
 *   drbd-state-probe watch SECONDS         every watch callback, as "RES: JSON"
 *
 * Exit 0 on success, 1 on an error (printed on stderr), 2 on usage errors.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dg.h"
#include "pk.h"

static int usage(void)
{
        fprintf(stderr, "usage: drbd-state-probe snapshot | sync-wait RESOURCE TIMEOUT_MS | "
                        "watch SECONDS\n");
        return 2;
}

static void print_json(json_object *obj)
{
        g_autofree char *text = pk_json_to_string(obj, FALSE);

        printf("%s\n", text);
        fflush(stdout);
}

static void on_progress(double done, guint64 out_of_sync_kib, gpointer user_data)
{
        printf("progress: done %.2f%%, %" G_GUINT64_FORMAT " KiB out of sync (%.1f s)\n",
               done, out_of_sync_kib,
               (double)(pk_now_ms() - *(gint64 *)user_data) / 1000.0);
        fflush(stdout);
}

static void on_event(const DgState *state, const char *resource, gpointer user_data)
{
        const DgResourceState *res;
        g_autoptr(json_object) json = NULL;

        if (!resource) {
                g_autoptr(GPtrArray) names = dg_state_names(state);

                printf("dump complete: %u resources\n", names->len);
                fflush(stdout);
                return;
        }
        res = dg_state_lookup(state, resource);
        if (!res) {
                printf("%s: gone\n", resource);
                fflush(stdout);
                return;
        }
        json = dg_resource_state_to_json(res);
        printf("%s: ", resource);
        print_json(json);
}

static gboolean quit_cb(gpointer loop)
{
        g_main_loop_quit(loop);
        return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;

        pk_log_init("drbd-state-probe", FALSE);
        if (argc == 2 && g_str_equal(argv[1], "snapshot")) {
                g_autoptr(DgState) state = dg_state_snapshot(&error);
                g_autoptr(json_object) json = NULL;

                if (!state)
                        goto fail;
                json = dg_state_to_json(state);
                print_json(json);
                return 0;
        }
        if (argc == 4 && g_str_equal(argv[1], "sync-wait")) {
                gint64 t0 = pk_now_ms();

                if (!dg_sync_wait(argv[2], g_ascii_strtoll(argv[3], NULL, 10), on_progress,
                                  &t0, &error))
                        goto fail;
                printf("in sync after %.1f s\n", (double)(pk_now_ms() - t0) / 1000.0);
                return 0;
        }
        if (argc == 3 && g_str_equal(argv[1], "watch")) {
                g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
                DgEventsWatch *watch = dg_events_watch_start(NULL, on_event, NULL, &error);

                if (!watch)
                        goto fail;
                g_timeout_add_seconds((guint)atoi(argv[2]), quit_cb, loop);
                g_main_loop_run(loop);
                dg_events_watch_stop(watch);
                return 0;
        }
        return usage();
fail:
        fprintf(stderr, "drbd-state-probe: %s\n", error->message);
        return 1;
}
