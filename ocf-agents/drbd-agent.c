/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure part of ocf:plastik:drbd: actions, parameters, the exit code and
 * the promotion score a DRBD state deserves, and the meta-data. Golden tests
 * pin every decision (environment in, parameters or error out; events2 lines
 * in, exit code and score out).
 */
#include "ocf-drbd.h"

#include <string.h>

/* ---- actions ------------------------------------------------------------------ */

/*
 * notify is accepted and does nothing: plastik's clones run without clone
 * notifications (each one is a round of agent runs on both nodes before
 * Pacemaker may go on). What ocf:linbit:drbd does in them is done elsewhere
 * here: the promotion score is set by start and every monitor; outdating a
 * disconnected Secondary is the fence-peer handler's work, which DRBD calls
 * itself. A clone with notify=true still works.
 *
 * The two monitors differ in interval, so Pacemaker can run both roles'.
 */
static const OcfDrbdActionSpec actions[] = {
        { "start", OCF_DRBD_START, TRUE, TRUE, TRUE, 240, 0, NULL },
        { "stop", OCF_DRBD_STOP, TRUE, FALSE, TRUE, 100, 0, NULL },
        { "monitor", OCF_DRBD_MONITOR, TRUE, FALSE, TRUE, 20, 10, "Promoted" },
        { "monitor", OCF_DRBD_MONITOR, TRUE, FALSE, TRUE, 20, 20, "Unpromoted" },
        { "promote", OCF_DRBD_PROMOTE, TRUE, TRUE, TRUE, 90, 0, NULL },
        { "demote", OCF_DRBD_DEMOTE, TRUE, FALSE, TRUE, 90, 0, NULL },
        { "notify", OCF_DRBD_NOTIFY, TRUE, FALSE, TRUE, 90, 0, NULL },
        { "validate-all", OCF_DRBD_VALIDATE_ALL, TRUE, TRUE, TRUE, 10, 0, NULL },
        { "meta-data", OCF_DRBD_META_DATA, FALSE, FALSE, TRUE, 5, 0, NULL },
        { "usage", OCF_DRBD_USAGE, FALSE, FALSE, FALSE, 5, 0, NULL },
};

const OcfDrbdActionSpec *ocf_drbd_action_lookup(const char *name)
{
        if (!name)
                return NULL;
        for (gsize i = 0; i < G_N_ELEMENTS(actions); i++)
                if (g_str_equal(name, actions[i].name))
                        return &actions[i];
        if (g_str_equal(name, "help") || g_str_equal(name, "--help"))
                return ocf_drbd_action_lookup("usage");
        return NULL;
}

const OcfDrbdActionSpec *ocf_drbd_action_table(gsize *ret_n)
{
        *ret_n = G_N_ELEMENTS(actions);
        return actions;
}

/* ---- parameters ---------------------------------------------------------------- */

void ocf_drbd_params_free(OcfDrbdParams *params)
{
        if (!params)
                return;
        g_free(params->instance);
        g_free(params->resource);
        if (params->warnings)
                g_ptr_array_unref(params->warnings);
        g_free(params);
}

/* A clone meta attribute that must be a number no larger than @max, under its
 * Pacemaker 2.1 name or the older one Pacemaker still exports. Unset is fine:
 * Pacemaker's defaults (clone-max = nodes, 1 per node, 1 promoted) fit. */
static gboolean clone_meta_at_most(OcfGetenvFunc getenv_fn, gpointer data, const char *name,
                                   const char *old_name, guint64 max, GError **error)
{
        const char *names[] = { name, old_name };

        for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
                g_autofree char *var = NULL, *pretty = NULL;
                const char *v;
                guint64 n;

                if (!names[i])
                        continue;
                var = g_strconcat("OCF_RESKEY_CRM_meta_", names[i], NULL);
                v = getenv_fn(var, data);
                if (!v || !*v)
                        continue;
                pretty = g_strdelimit(g_strdup(names[i]), "_", '-');
                if (!g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT32, &n, NULL) || n > max)
                        return ocf_fail(error, OCF_ERR_CONFIGURED,
                                        "the clone's %s is \"%s\"; a plastik volume is a promotable clone of at most "
                                        "%" G_GUINT64_FORMAT " (two nodes, one instance each, one promoted): fix the clone's meta attributes",
                                        pretty, v, max);
        }
        return TRUE;
}

OcfDrbdParams *ocf_drbd_params_parse(const OcfDrbdActionSpec *action, OcfGetenvFunc getenv_fn,
                                     gpointer data, GError **error)
{
        g_autoptr(OcfDrbdParams) p = g_new0(OcfDrbdParams, 1);
        const char *instance = getenv_fn("OCF_RESOURCE_INSTANCE", data);
        const char *res = ocf_param(getenv_fn, data, "drbd_resource");
        const char *wfc = ocf_param(getenv_fn, data, "wfc_timeout");

        p->warnings = g_ptr_array_new_with_free_func(g_free);
        p->instance = g_strdup(instance && *instance ? instance : "?");
        p->wfc_timeout_s = OCF_DRBD_WFC_TIMEOUT_S;
        p->timeout_ms = ocf_meta_ms(getenv_fn, data, "OCF_RESKEY_CRM_meta_timeout", p->warnings);
        p->interval_ms = ocf_meta_ms(getenv_fn, data, "OCF_RESKEY_CRM_meta_interval", p->warnings);
        p->probe = action->action == OCF_DRBD_MONITOR && p->interval_ms == 0;
        if (!action->needs_resource)
                return g_steal_pointer(&p);

        if (!res) {
                ocf_fail(error, OCF_ERR_CONFIGURED,
                         "parameter drbd_resource is missing: name the DRBD resource (\"pk-GUEST-VOLUME\", "
                         "as hactl guest create sets it)");
                return NULL;
        }
        if (!dg_res_name_valid(res)) {
                ocf_fail(error, OCF_ERR_CONFIGURED,
                         "parameter drbd_resource: \"%s\" is not a DRBD resource name (" DG_RES_NAME_RULE ")", res);
                return NULL;
        }
        p->resource = g_strdup(res);
        if (wfc) {
                guint64 n;
                if (!g_ascii_string_to_unsigned(wfc, 10, 0, OCF_DRBD_WFC_TIMEOUT_MAX_S, &n, NULL)) {
                        ocf_fail(error, OCF_ERR_CONFIGURED,
                                 "parameter wfc_timeout: \"%s\" is not a number of seconds from 0 to %u", wfc,
                                 OCF_DRBD_WFC_TIMEOUT_MAX_S);
                        return NULL;
                }
                p->wfc_timeout_s = (guint)n;
        }
        if (action->checks_clone &&
            (!clone_meta_at_most(getenv_fn, data, "clone_max", NULL, 2, error) ||
             !clone_meta_at_most(getenv_fn, data, "clone_node_max", NULL, 1, error) ||
             !clone_meta_at_most(getenv_fn, data, "promoted_max", "master_max", 1, error) ||
             !clone_meta_at_most(getenv_fn, data, "promoted_node_max", "master_node_max", 1, error)))
                return NULL;
        return g_steal_pointer(&p);
}

/* ---- state -> exit code and score ------------------------------------------------ */

OcfExit ocf_drbd_state_exit(const DgResourceState *res)
{
        if (!res)
                return OCF_NOT_RUNNING;
        return res->role == DG_ROLE_PRIMARY ? OCF_RUNNING_PROMOTED : OCF_SUCCESS;
}

static OcfDrbdScore score(OcfDrbdScoreOp op, int value, const char *reason)
{
        return (OcfDrbdScore){ .op = op, .value = value, .reason = reason };
}

OcfDrbdScore ocf_drbd_score(const DgResourceState *res)
{
        gboolean all_uptodate = TRUE, any_transitional = FALSE;
        gboolean peer_all_uptodate = TRUE, peer_any_unknown = FALSE;

        if (!res)
                return score(OCF_DRBD_SCORE_REMOVE, 0, "the resource is not up");
        if (!res->volumes || res->volumes->len == 0)
                return score(OCF_DRBD_SCORE_REMOVE, 0, "the resource has no volume");
        for (guint i = 0; i < res->volumes->len; i++) {
                const DgVolumeState *v = &g_array_index(res->volumes, DgVolumeState, i);
                if (v->disk != DG_DISK_UPTODATE)
                        all_uptodate = FALSE;
                if (v->disk == DG_DISK_ATTACHING || v->disk == DG_DISK_NEGOTIATING ||
                    v->disk == DG_DISK_DETACHING)
                        any_transitional = TRUE;
                if (v->peer_disk != DG_DISK_UPTODATE)
                        peer_all_uptodate = FALSE;
                if (v->peer_disk == DG_DISK_UNKNOWN)
                        peer_any_unknown = TRUE;
        }
        if (all_uptodate) {
                if (res->role == DG_ROLE_PRIMARY)
                        return score(OCF_DRBD_SCORE_SET, OCF_DRBD_SCORE_BEST, "Primary with UpToDate data");
                if (peer_any_unknown)
                        return score(OCF_DRBD_SCORE_SET, OCF_DRBD_SCORE_LOCAL_OK,
                                     "UpToDate, the peer's disk unknown (the fence-peer handler decides at promotion)");
                return score(OCF_DRBD_SCORE_SET, OCF_DRBD_SCORE_BEST, "UpToDate, the peer's disk known");
        }
        if (res->conn == DG_CONN_CONNECTED && peer_all_uptodate)
                return score(OCF_DRBD_SCORE_SET, OCF_DRBD_SCORE_REMOTE,
                             "no UpToDate disk here, the connected peer's is (reads would cross the link)");
        if (any_transitional)
                return score(OCF_DRBD_SCORE_KEEP, 0, "a disk is attaching or detaching");
        return score(OCF_DRBD_SCORE_REMOVE, 0, "no UpToDate data here or on a connected peer");
}

char **ocf_drbd_promote_argv(const DgResourceState *res)
{
        const DgVolumeState *v = res->volumes->len ? &g_array_index(res->volumes, DgVolumeState, 0) : NULL;
        char **argv = g_new0(char *, 4);

        argv[1] = g_strdup("primary");
        if (v && v->minor >= 0) {
                argv[0] = g_strdup("drbdsetup");
                argv[2] = g_strdup_printf("%d", v->minor);
        } else {
                argv[0] = g_strdup("drbdadm");
                argv[2] = g_strdup(res->name);
        }
        return argv;
}

/* ---- meta-data -------------------------------------------------------------------- */

static const OcfParamDoc param_docs[] = {
        { "drbd_resource", TRUE, TRUE, "string", NULL,
          "DRBD resource",
          "The DRBD resource this clone runs, as named in /etc/drbd.d/RESOURCE.res: \"pk-GUEST-VOLUME\" for a "
          "plastik volume (hamgrd writes the file on both nodes). The same parameter as ocf:linbit:drbd's." },
        { "wfc_timeout", FALSE, FALSE, "integer", G_STRINGIFY(OCF_DRBD_WFC_TIMEOUT_S),
          "Start's wait for the peer (s)",
          "How long start waits, after bringing the resource up, for the connection to the peer, so that the "
          "promotion score it sets knows the peer's disk. 0 does not wait; a peer that is down only costs this "
          "wait, never a failure. From 0 to 300." },
};

char *ocf_drbd_metadata(void)
{
        GString *s = g_string_new(NULL);

        ocf_metadata_begin(s, "drbd",
                "Runs one DRBD 8.4 resource of a plastik volume as a promotable clone: two instances, one per node, "
                "at most one promoted (Primary). start brings the resource up (drbdadm up) and sets this node's "
                "promotion score; monitor reports Primary or Secondary and keeps the score in line with the disks "
                "(10000 UpToDate, 1000 UpToDate with the peer's disk unknown, 10 when only the connected peer has "
                "good data, none otherwise); promote is drbdadm primary (run as the drbdsetup primary MINOR it stands for), which calls the "
                "fence-peer handler when the peer is not known to be outdated; demote is drbdadm secondary; stop is drbdadm down. It needs no "
                "clone notifications. See ocf_plastik_drbd(7).",
                "plastik volume (DRBD 8.4 resource, promotable)", param_docs, G_N_ELEMENTS(param_docs));
        g_string_append(s, "<actions>\n");
        for (gsize i = 0; i < G_N_ELEMENTS(actions); i++) {
                const OcfDrbdActionSpec *a = &actions[i];
                if (!a->advertised)
                        continue;
                g_string_append_printf(s, "<action name=\"%s\" timeout=\"%us\"", a->name, a->timeout_s);
                if (a->interval_s)
                        g_string_append_printf(s, " interval=\"%us\"", a->interval_s);
                if (a->role)
                        g_string_append_printf(s, " role=\"%s\"", a->role);
                g_string_append(s, "/>\n");
        }
        g_string_append(s, "</actions>\n</resource-agent>\n");
        return g_string_free(s, FALSE);
}

const char *ocf_drbd_usage(void)
{
        return "usage: drbd {start|stop|monitor|promote|demote|notify|validate-all|meta-data|usage}\n"
               "\n"
               "ocf:plastik:drbd runs one DRBD resource of a plastik volume as a promotable\n"
               "clone under Pacemaker. Parameters come from the environment:\n"
               "OCF_RESKEY_drbd_resource, OCF_RESKEY_wfc_timeout. See ocf_plastik_drbd(7).\n";
}
