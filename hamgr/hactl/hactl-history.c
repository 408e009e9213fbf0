/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hactl history and hactl drill: the failovers hamgrd recorded, and a
 * planned failover that powers the guest's node off and follows hamgrd's
 * record of it step by step.
 */
#include "hactl.h"
#include "ham-status.h"
#include "ham-api.h"
#include "ham-pcmk.h"
#include "ham-timeline.h"
#include "ham.h"
#include "hv.h"
#include "pk.h"
#include "ham-api-client.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static json_object *history_call(json_object *args, GError **error)
{
        json_object *result = NULL;
        if (!ham_api_call(NULL, "history", args, &result, error))
                return NULL;
        return result;
}

int hactl_history(PkCliCmd *a)
{
        const char *guest = pk_cli_arg(a, 0), *limit = pk_cli_opt(a, "limit");
        g_autoptr(json_object) args = json_object_new_object();
        g_autoptr(json_object) result = NULL;
        g_autoptr(GError) error = NULL;
        guint64 n = 0;

        if (guest && !hv_guest_name_valid(guest))
                return hactl_usage_error("history: \"%s\" is not a guest name ([a-z][a-z0-9-]{0,31})",
                                         guest);
        if (limit && !g_ascii_string_to_unsigned(limit, 10, 1, 100, &n, NULL))
                return hactl_usage_error("history --limit %s: must be 1..100 (hamgrd keeps the "
                                         "last 100 failovers)", limit);
        if (guest)
                json_object_object_add(args, "guest", json_object_new_string(guest));
        if (n)
                json_object_object_add(args, "limit", json_object_new_int64((gint64)n));
        result = history_call(args, &error);
        if (!result)
                return hactl_report(error);
        if (pk_cli_opt(a, "json")) {
                hactl_print_json(result);
        } else {
                g_autofree char *text = ham_timeline_format(result);
                fputs(text, stdout);
        }
        return EXIT_OK;
}

/* ---- drill ------------------------------------------------------------------------------ */

/* hactl's exit code for each of drill's refusals (hactl(8), EXIT STATUS). */
static int drill_exit_code(HamDrillVerdict verdict)
{
        switch (verdict) {
        case HAM_DRILL_GO: return EXIT_OK;
        case HAM_DRILL_NOT_READY: return EXIT_FAIL;
        case HAM_DRILL_NO_CIB: return EXIT_PCMK;
        case HAM_DRILL_NO_GUEST: return EXIT_NOT_FOUND;
        case HAM_DRILL_NOT_RUNNING: return EXIT_DRILL_NOT_RUNNING;
        case HAM_DRILL_WRONG_NODE: return EXIT_DRILL_WRONG_NODE;
        case HAM_DRILL_DEGRADED: return EXIT_DRILL_DEGRADED;
        case HAM_DRILL_NO_FENCING: return EXIT_UNSAFE;
        case HAM_DRILL_DRBD: return EXIT_DRILL_DRBD;
        }
        return EXIT_FAIL;
}


typedef struct {
        char *node;
        int timeout_s;
        gboolean done, ok;
        char *error;
        gint64 confirmed_ms;
        GMutex lock;
} FenceJob;

/* The fencer's call waits for the confirmation, so it runs aside while the
 * main thread follows hamgrd's record. */
static gpointer fence_thread(gpointer data)
{
        FenceJob *j = data;
        g_autoptr(GError) error = NULL;
        g_autoptr(HamFencer) f = ham_fencer_connect("hactl-drill", &error);
        gboolean ok = f && ham_fencer_fence(f, j->node, "off", j->timeout_s, &error);

        g_mutex_lock(&j->lock);
        j->ok = ok;
        j->error = error ? g_strdup(error->message) : NULL;
        j->confirmed_ms = g_get_real_time() / 1000;
        j->done = TRUE;
        g_mutex_unlock(&j->lock);
        return NULL;
}

/* The record of this drill: from @node, begun after the power-off request
 * (less a margin for clocks a little apart), not one seen before. */
static json_object *find_record(json_object *hist, const char *node, gint64 since,
                                GHashTable *before, gboolean *ret_closed)
{
        const char *lists[] = { "open", "failovers" };
        for (int l = 0; l < 2; l++) {
                json_object *arr = pk_json_get(hist, lists[l]);
                for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
                        json_object *r = json_object_array_get_idx(arr, i);
                        json_object *steps = pk_json_get(r, "steps");
                        gint64 begin = -1;
                        if (g_strcmp0(pk_json_get_string(r, "from"), node) || g_hash_table_contains(before, pk_json_get_string(r, "id")))
                                continue;
                        for (int s = 0; ham_tl_steps[s]; s++) {
                                json_object *t = pk_json_get(steps, ham_tl_steps[s]);
                                if (t && (begin < 0 || json_object_get_int64(t) < begin))
                                        begin = json_object_get_int64(t);
                        }
                        if (begin >= since - 5000) {
                                *ret_closed = l == 1;
                                return r;
                        }
                }
        }
        return NULL;
}

int hactl_drill(PkCliCmd *a)
{
        const char *guest = pk_cli_arg(a, 0), *timeout_s = pk_cli_opt(a, "timeout");
        gboolean json = pk_cli_opt(a, "json") != NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) st = NULL, hist0 = NULL, args = json_object_new_object();
        g_autoptr(json_object) record = NULL;
        g_autoptr(HamClusterStatus) cs = NULL;
        g_autoptr(GHashTable) before = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_autofree char *node = NULL, *reason = NULL;
        HamDrillVerdict verdict;
        guint64 timeout = 300;
        gint64 requested_ms, deadline;
        gboolean shown[8] = { FALSE }, closed = FALSE, fence_reported = FALSE;
        FenceJob job = { 0 };
        GThread *thread;

        if (!hv_guest_name_valid(guest))
                return hactl_usage_error("drill: \"%s\" is not a guest name ([a-z][a-z0-9-]{0,31})", guest);
        if (timeout_s && !g_ascii_string_to_unsigned(timeout_s, 10, 10, 3600, &timeout, NULL))
                return hactl_usage_error("drill --timeout %s: must be 10..3600 seconds", timeout_s);
        if (!ham_api_call(NULL, "cluster-status", NULL, &st, &error))
                return hactl_report(error);
        cs = ham_cluster_status_from_json(st, &error);
        if (!cs) {
                /* hamgrd answered, but not in the form it documents: a bad answer. */
                g_autoptr(GError) bad = g_error_new(HAM_API_ERROR, HAM_API_ERROR_PROTOCOL,
                                                    "hamgrd's cluster-status answer: %s", error->message);
                return hactl_report(bad);
        }
        verdict = ham_drill_check(cs, guest, &node, &reason);
        if (verdict != HAM_DRILL_GO) {
                fprintf(stderr, "hactl: drill refused: %s\n", reason);
                return drill_exit_code(verdict);
        }
        if (!pk_cli_opt(a, "yes")) {
                char line[128] = "";
                if (!isatty(STDIN_FILENO)) {
                        fprintf(stderr, "hactl: drill powers %s off (every guest on it stops at once); "
                                "add --yes to do it without asking\n", node);
                        return EXIT_USAGE;
                }
                printf("This powers %s off: %s and every other guest on it stop at once and fail "
                       "over to %s.\nType the node's name (%s) to go on: ", node, guest,
                       cs->local, node);
                fflush(stdout);
                if (!fgets(line, sizeof(line), stdin) || !g_str_equal(g_strstrip(line), node)) {
                        fprintf(stderr, "hactl: drill not confirmed; nothing done\n");
                        return EXIT_USAGE;
                }
        }
        /* Records of this guest that exist already are not this drill's. */
        json_object_object_add(args, "guest", json_object_new_string(guest));
        hist0 = history_call(args, &error);
        if (!hist0)
                return hactl_report(error);
        for (int l = 0; l < 2; l++) {
                json_object *arr = pk_json_get(hist0, l ? "failovers" : "open");
                for (size_t i = 0; arr && i < json_object_array_length(arr); i++)
                        g_hash_table_add(before, g_strdup(pk_json_get_string(json_object_array_get_idx(arr, i), "id")));
        }

        requested_ms = g_get_real_time() / 1000;
        deadline = pk_now_ms() + (gint64)timeout * 1000;
        job.node = node;
        job.timeout_s = (int)MIN(timeout, 120);
        g_mutex_init(&job.lock);
        if (!json)
                printf("drill: powering %s off to fail %s over to %s\n", node, guest,
                       cs->local);
        thread = g_thread_new("fence", fence_thread, &job);

        while (pk_now_ms() < deadline) {
                g_autoptr(json_object) hist = NULL;
                g_clear_error(&error);
                g_usleep(500 * 1000);
                g_mutex_lock(&job.lock);
                if (job.done && !fence_reported && !json) {
                        if (job.ok)
                                printf("  fencer: %s is off\n", node);
                        else
                                printf("  fencer: %s\n", job.error);
                        fence_reported = TRUE;
                }
                g_mutex_unlock(&job.lock);
                hist = history_call(args, &error);
                if (!hist)
                        continue; /* hamgrd is busy or restarting; ask again */
                json_object *r = find_record(hist, node, requested_ms, before, &closed);
                if (!r)
                        continue;
                for (int s = 0; ham_tl_steps[s]; s++) {
                        json_object *t = pk_json_get(pk_json_get(r, "steps"), ham_tl_steps[s]);
                        if (!t || shown[s])
                                continue;
                        shown[s] = TRUE;
                        if (!json) {
                                g_autofree char *label = g_strdelimit(g_strdup(ham_tl_steps[s]), "_", ' ');
                                printf("  %+9.3f s  %s\n",
                                       (json_object_get_int64(t) - requested_ms) / 1000.0, label);
                        }
                }
                json_object_put(record);
                record = json_object_get(r);
                if (closed)
                        break;
        }
        g_thread_join(thread);

        gboolean ok = record && closed && g_strcmp0(pk_json_get_string(record, "verdict"), "complete") == 0 &&
                      g_strcmp0(pk_json_get_string(record, "to"), cs->local) == 0;
        if (json) {
                g_autoptr(json_object) out = json_object_new_object();
                json_object_object_add(out, "guest", json_object_new_string(guest));
                json_object_object_add(out, "powered_off", json_object_new_string(node));
                json_object_object_add(out, "to", json_object_new_string(cs->local));
                json_object_object_add(out, "poweroff_requested", json_object_new_int64(requested_ms));
                json_object_object_add(out, "fence_ok", json_object_new_boolean(job.ok));
                json_object_object_add(out, "fence_error", job.error ? json_object_new_string(job.error) : NULL);
                json_object_object_add(out, "record", record ? json_object_get(record) : NULL);
                json_object_object_add(out, "ok", json_object_new_boolean(ok));
                hactl_print_json(out);
        } else if (record) {
                g_autoptr(json_object) one = json_object_new_object();
                json_object *arr = json_object_new_array();
                json_object_array_add(arr, json_object_get(record));
                json_object_object_add(one, closed ? "failovers" : "open", arr);
                g_autofree char *text = ham_timeline_format(one);
                printf("\n%s", text);
        }
        g_free(job.error);
        g_mutex_clear(&job.lock);
        if (ok) {
                if (!json)
                        printf("drill passed: %s runs on %s again\n", guest, cs->local);
                return EXIT_OK;
        }
        if (!closed) {
                fprintf(stderr, "hactl: drill: %s did not run on %s within %" G_GUINT64_FORMAT
                        " s (hactl history %s; hactl status)\n", guest, cs->local, timeout, guest);
                return EXIT_TIMEOUT;
        }
        fprintf(stderr, "hactl: drill: the failover of %s is incomplete: %s\n", guest,
                record ? pk_json_get_string(record, "reason") ? pk_json_get_string(record, "reason") : "-" : "no record");
        return EXIT_FAIL;
}
