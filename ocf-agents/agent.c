/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure part of ocf:plastik:guest: actions, parameters, exit codes and
 * meta-data. Nothing here touches QEMU or the file system, so golden tests
 * pin every decision (environment in, parameters or error out; state in,
 * exit code out).
 */
#include "ocf-guest.h"
#include "pk.h"
#include "pk-config.h"

#include <string.h>

OcfExit ocf_exit_from_error(const GError *error)
{
        if (!error)
                return OCF_ERR_GENERIC;
        if (error->domain == OCF_ERROR)
                return (OcfExit)error->code;
        if (error->domain == HV_ERROR) {
                switch (error->code) {
                case HV_ERROR_INVALID: return OCF_ERR_CONFIGURED;
                case HV_ERROR_NOT_FOUND:
                case HV_ERROR_NOT_RUNNING: return OCF_NOT_RUNNING;
                default: return OCF_ERR_GENERIC;
                }
        }
        return OCF_ERR_GENERIC;
}

/* ---- actions ------------------------------------------------------------------ */

/*
 * Migration is not implemented: a live migration needs the volume primary on
 * both nodes at once (DRBD dual-primary), which the safety rules exclude. So
 * migrate_to/migrate_from answer "unimplemented" and are not advertised, and
 * Pacemaker never sets allow-migrate for a guest: it stops and starts it.
 */
static const OcfActionSpec actions[] = {
        { "start", OCF_ACTION_START, OCF_NEEDS_ALL, TRUE, TRUE, 120, 0 },
        { "stop", OCF_ACTION_STOP, OCF_NEEDS_NAME, TRUE, TRUE, OCF_GUEST_STOP_TIMEOUT_S, 0 },
        { "monitor", OCF_ACTION_MONITOR, OCF_NEEDS_NAME, TRUE, TRUE, OCF_GUEST_MONITOR_TIMEOUT_S, 10 },
        { "validate-all", OCF_ACTION_VALIDATE_ALL, OCF_NEEDS_ALL, TRUE, TRUE, 30, 0 },
        { "meta-data", OCF_ACTION_META_DATA, OCF_NEEDS_NOTHING, TRUE, TRUE, 5, 0 },
        { "usage", OCF_ACTION_USAGE, OCF_NEEDS_NOTHING, TRUE, FALSE, 5, 0 },
        { "migrate_to", OCF_ACTION_MIGRATE_TO, OCF_NEEDS_NOTHING, FALSE, FALSE, 0, 0 },
        { "migrate_from", OCF_ACTION_MIGRATE_FROM, OCF_NEEDS_NOTHING, FALSE, FALSE, 0, 0 },
};

const OcfActionSpec *ocf_action_lookup(const char *name)
{
        if (!name)
                return NULL;
        for (gsize i = 0; i < G_N_ELEMENTS(actions); i++)
                if (g_str_equal(name, actions[i].name))
                        return &actions[i];
        /* "help" is what people type; it is not an OCF action. */
        if (g_str_equal(name, "help") || g_str_equal(name, "--help"))
                return ocf_action_lookup("usage");
        return NULL;
}

const OcfActionSpec *ocf_action_table(gsize *ret_n)
{
        *ret_n = G_N_ELEMENTS(actions);
        return actions;
}

/* ---- parameters ---------------------------------------------------------------- */

void ocf_guest_params_free(OcfGuestParams *params)
{
        if (!params)
                return;
        g_free(params->instance);
        g_free(params->name);
        hv_guest_def_free(params->def);
        g_free(params->rundir);
        g_free(params->qemu);
        if (params->warnings)
                g_ptr_array_free(params->warnings, TRUE);
        g_free(params);
}

guint ocf_guest_shutdown_timeout(gint64 timeout_ms, gint64 requested_s, char **ret_warning)
{
        gint64 budget = timeout_ms > 0 ? timeout_ms / 1000 : OCF_GUEST_STOP_TIMEOUT_S;
        gint64 wait = budget >= 2 * OCF_GUEST_STOP_MARGIN_S ? budget - OCF_GUEST_STOP_MARGIN_S
                                                           : budget / 2;

        wait = MIN(wait, OCF_GUEST_SHUTDOWN_MAX_S);
        if (requested_s < 0)
                return (guint)wait;
        if (requested_s > wait) {
                if (ret_warning)
                        *ret_warning = g_strdup_printf(
                                "shutdown_timeout=%" G_GINT64_FORMAT " does not fit into the stop operation's timeout of %" G_GINT64_FORMAT " s (%d s are kept for destroying the guest); waiting %" G_GINT64_FORMAT " s instead. Raise the stop timeout (op stop timeout=...) to wait longer",
                                requested_s, budget, OCF_GUEST_STOP_MARGIN_S, wait);
                return (guint)wait;
        }
        return (guint)requested_s;
}

gint64 ocf_guest_monitor_patience_ms(gint64 timeout_ms)
{
        gint64 timeout = timeout_ms > 0 ? timeout_ms : OCF_GUEST_MONITOR_TIMEOUT_S * 1000;
        return MAX(0, timeout - OCF_GUEST_MONITOR_RESERVE_S * 1000);
}

static HvGuestDef *parse_config(const char *name, const char *text, GError **error)
{
        g_autoptr(GError) local = NULL;
        g_autoptr(json_object) obj = pk_json_parse(text, -1, "parameter config", &local);
        json_object *given;
        HvGuestDef *def;

        if (!obj) {
                ocf_fail(error, OCF_ERR_CONFIGURED, "%s (config holds the guest definition as one JSON object, as 'hvctl validate' takes it)",
                     local->message);
                return NULL;
        }
        if (!json_object_is_type(obj, json_type_object)) {
                ocf_fail(error, OCF_ERR_CONFIGURED,
                     "parameter config: must be a JSON object like {\"memory\": 256, \"disks\": [...]} (got %s)",
                     pk_json_type_name(obj));
                return NULL;
        }
        /* The name is its own parameter (Pacemaker checks it is unique);
         * config may repeat it but must not contradict it. */
        if (json_object_object_get_ex(obj, "name", &given)) {
                if (!json_object_is_type(given, json_type_string) ||
                    !g_str_equal(json_object_get_string(given), name)) {
                        g_autofree char *got = pk_json_to_string(given, FALSE);
                        ocf_fail(error, OCF_ERR_CONFIGURED,
                             "parameter config: \"name\" is %s but the name parameter is \"%s\"; leave \"name\" out of config or make them equal",
                             got, name);
                        return NULL;
                }
        } else {
                json_object_object_add(obj, "name", json_object_new_string(name));
        }
        def = hv_guest_def_from_json(obj, &local);
        if (!def) {
                ocf_fail(error, OCF_ERR_CONFIGURED, "parameter config: %s", local->message);
                return NULL;
        }
        return def;
}

/* A problem that stops the action, or for OCF_NEEDS_NAME only a warning. */
static gboolean soft_fail(gboolean strict, GPtrArray *warnings, GError **error, GError *problem)
{
        if (strict) {
                g_propagate_error(error, problem);
                return FALSE;
        }
        g_ptr_array_add(warnings, g_strdup(problem->message));
        g_error_free(problem);
        return TRUE;
}

OcfGuestParams *ocf_guest_params_parse(const OcfActionSpec *action, OcfGetenvFunc getenv_fn,
                                       gpointer user_data, GError **error)
{
        g_autoptr(OcfGuestParams) p = g_new0(OcfGuestParams, 1);
        gboolean strict = action->needs == OCF_NEEDS_ALL;
        const char *name, *config, *rundir, *qemu, *timeout, *instance, *level;
        gint64 requested = -1;

        p->warnings = g_ptr_array_new_with_free_func(g_free);
        p->check_level = -1;

        name = ocf_param(getenv_fn, user_data, "name");
        if (!name) {
                ocf_fail(error, OCF_ERR_ARGS,
                     "parameter name is required: the guest's name, e.g. name=web1 (lower-case letters, digits and '-')");
                return NULL;
        }
        if (!hv_guest_name_valid(name)) {
                ocf_fail(error, OCF_ERR_CONFIGURED,
                     "parameter name: \"%s\" is not a guest name: names match " HV_GUEST_NAME_RULE, name);
                return NULL;
        }
        p->name = g_strdup(name);
        instance = getenv_fn("OCF_RESOURCE_INSTANCE", user_data);
        p->instance = g_strdup(instance && *instance ? instance : name);

        rundir = ocf_param(getenv_fn, user_data, "rundir");
        if (!rundir)
                rundir = PK_RUNDIR;
        if (!g_path_is_absolute(rundir)) {
                ocf_fail(error, OCF_ERR_CONFIGURED,
                     "parameter rundir: \"%s\" must be an absolute path (default %s)", rundir, PK_RUNDIR);
                return NULL;
        }
        p->rundir = g_strdup(rundir);

        p->timeout_ms = ocf_meta_ms(getenv_fn, user_data, "OCF_RESKEY_CRM_meta_timeout", p->warnings);
        p->interval_ms = ocf_meta_ms(getenv_fn, user_data, "OCF_RESKEY_CRM_meta_interval", p->warnings);
        p->probe = action->action == OCF_ACTION_MONITOR && p->interval_ms == 0;
        level = getenv_fn("OCF_CHECK_LEVEL", user_data);
        if (level && *level) {
                guint64 n;
                if (g_ascii_string_to_unsigned(level, 10, 0, 1000, &n, NULL))
                        p->check_level = (int)n;
                else
                        g_ptr_array_add(p->warnings, g_strdup_printf(
                                "OCF_CHECK_LEVEL=\"%s\" is not a number; checking at the default level", level));
        }

        qemu = ocf_param(getenv_fn, user_data, "qemu");
        if (qemu && strchr(qemu, '/') && !g_path_is_absolute(qemu)) {
                GError *e = g_error_new(OCF_ERROR, OCF_ERR_CONFIGURED,
                        "parameter qemu: \"%s\" must be an absolute path or a program name looked up in PATH", qemu);
                if (!soft_fail(strict, p->warnings, error, e))
                        return NULL;
        } else {
                p->qemu = g_strdup(qemu);
        }

        timeout = ocf_param(getenv_fn, user_data, "shutdown_timeout");
        if (timeout) {
                guint64 n;
                if (g_ascii_string_to_unsigned(timeout, 10, 0, OCF_GUEST_SHUTDOWN_MAX_S, &n, NULL)) {
                        requested = (gint64)n;
                } else {
                        GError *e = g_error_new(OCF_ERROR, OCF_ERR_CONFIGURED,
                                "parameter shutdown_timeout: must be a whole number of seconds between 0 and %d (got \"%s\")",
                                OCF_GUEST_SHUTDOWN_MAX_S, timeout);
                        if (!soft_fail(strict, p->warnings, error, e))
                                return NULL;
                }
        }
        if (action->action == OCF_ACTION_STOP) {
                char *warning = NULL;
                p->shutdown_timeout_s = ocf_guest_shutdown_timeout(p->timeout_ms, requested, &warning);
                if (warning)
                        g_ptr_array_add(p->warnings, warning);
        }

        config = ocf_param(getenv_fn, user_data, "config");
        if (!config) {
                GError *e = g_error_new(OCF_ERROR, OCF_ERR_ARGS,
                        "parameter config is required: the guest definition as one JSON object, e.g. config='{\"memory\":256,\"disks\":[{\"path\":\"/dev/drbd0\"}]}'");
                if (!soft_fail(strict, p->warnings, error, e))
                        return NULL;
        } else if (action->needs != OCF_NEEDS_NOTHING) {
                GError *e = NULL;
                p->def = parse_config(name, config, &e);
                if (!p->def && !soft_fail(strict, p->warnings, error, e))
                        return NULL;
        }
        return g_steal_pointer(&p);
}

/* ---- a guest held by DRBD ------------------------------------------------------ */

char *ocf_guest_frozen_by_drbd(const char *guest, const DgState *drbd, const int *minors,
                               guint n_minors)
{
        g_autoptr(GString) held = NULL;

        for (guint i = 0; drbd && i < n_minors; i++) {
                const DgResourceState *res = dg_state_lookup_minor(drbd, minors[i], NULL);
                if (!res || !res->suspended)
                        continue;
                if (!held)
                        held = g_string_new(NULL);
                else
                        g_string_append(held, ", ");
                g_string_append_printf(held, "disk %u on %s (minor %d, I/O suspended: %s)", i, res->name,
                                       minors[i], res->suspended);
        }
        if (!held)
                return NULL;
        return g_strdup_printf("guest %s: QEMU does not answer because DRBD holds its I/O: %s. Not a "
                               "failure of the guest, and a restart could not help: QEMU cannot exit "
                               "while its I/O waits. It runs on when DRBD resumes the I/O (the fence-peer "
                               "handler's proof, or hamgrd's later look); 'hactl status' says why it is "
                               "held and the way out",
                               guest, held->str);
}

/* ---- state -> exit code ------------------------------------------------------- */

OcfExit ocf_guest_state_exit(const HvGuestStatus *st, char **ret_message, gboolean *ret_warning)
{
        const char *name = st->name, *reason = st->reason ? st->reason : "";
        gboolean warning = FALSE;
        OcfExit code = OCF_ERR_GENERIC;
        char *msg;

        switch (st->state) {
        case HV_STATE_SHUTOFF:
                if (st->pid) {
                        /* QEMU still holds the volumes: not cleanly stopped. */
                        msg = g_strdup_printf("guest %s has powered off but its QEMU (pid %d) has not exited yet",
                                              name, (int)st->pid);
                } else {
                        code = OCF_NOT_RUNNING;
                        msg = g_strdup_printf("guest %s is not running", name);
                }
                break;
        case HV_STATE_RUNNING:
                code = OCF_SUCCESS;
                msg = g_strdup_printf("guest %s is running (QEMU pid %d)", name, (int)st->pid);
                break;
        case HV_STATE_PAUSED:
                if (g_str_equal(reason, "paused")) {
                        /* Someone paused it on purpose; restarting it would
                         * undo that and lose its memory. It is active and
                         * holds its volume, so it counts as running. */
                        code = OCF_SUCCESS;
                        warning = TRUE;
                        msg = g_strdup_printf("guest %s is paused by an administrator (QEMU pid %d): it holds its volumes but serves nothing; resume it with 'hvctl resume %s'",
                                              name, (int)st->pid, name);
                } else if (g_str_equal(reason, "suspended")) {
                        code = OCF_SUCCESS;
                        warning = TRUE;
                        msg = g_strdup_printf("guest %s is suspended by its own operating system (ACPI sleep); it still counts as running",
                                              name);
                } else if (g_str_equal(reason, "io-error")) {
                        msg = g_strdup_printf("guest %s is paused after an I/O error on one of its disks; check the disk (DRBD state, free space) - recovery restarts it",
                                              name);
                } else if (g_str_equal(reason, "watchdog")) {
                        msg = g_strdup_printf("guest %s was paused by its watchdog: the guest stopped responding - recovery restarts it",
                                              name);
                } else {
                        msg = g_strdup_printf("guest %s is paused in QEMU state \"%s\" and does not run", name, reason);
                }
                break;
        case HV_STATE_CRASHED:
                if (g_str_equal(reason, "guest-panicked"))
                        msg = g_strdup_printf("guest %s crashed: its kernel panicked (guest-panicked); its console log shows why - recovery restarts it",
                                              name);
                else
                        msg = g_strdup_printf("guest %s crashed: QEMU stopped it with \"%s\" - recovery restarts it",
                                              name, reason);
                break;
        case HV_STATE_UNKNOWN:
        default:
                msg = g_strdup_printf("the state of guest %s is unknown: %s", name, *reason ? reason : "no reason given");
                break;
        }
        *ret_message = msg;
        if (ret_warning)
                *ret_warning = warning;
        return code;
}

/* ---- meta-data ------------------------------------------------------------------- */

static const OcfParamDoc param_docs[] = {
        { "name", TRUE, TRUE, "string", NULL,
          "Guest name",
          "The guest's name: lower-case letters, digits and '-', at most 32 characters, starting with a letter. "
          "It names the runtime directory RUNDIR/guests/NAME and the QEMU process, so it must be unique in the cluster." },
        { "config", TRUE, FALSE, "string", NULL,
          "Guest definition (JSON)",
          "The whole guest definition as one JSON object, exactly as 'hvctl start' and 'hvctl validate' take it: "
          "memory, vcpus, accel, disks, nics, boot, watchdog, pvpanic, on_panic. \"name\" may be left out (the name "
          "parameter fills it in) or must equal the name parameter. Example: "
          "{\"memory\":256,\"disks\":[{\"path\":\"/dev/drbd0\"}],\"nics\":[{\"type\":\"bridge\",\"bridge\":\"br0\"}]}. "
          "Check a definition with 'hvctl validate FILE' or 'crm_resource --validate'." },
        { "rundir", FALSE, FALSE, "string", PK_RUNDIR,
          "Runtime directory",
          "Where running guests keep their pidfile, sockets and definition (RUNDIR/guests/NAME). Must match what "
          "hvctl and hamgrd use on this node." },
        { "shutdown_timeout", FALSE, FALSE, "integer", NULL,
          "ACPI shutdown wait (seconds)",
          "How long stop waits for the guest to power off after pressing its ACPI power button before destroying "
          "it. Default: the stop operation's timeout minus 20 seconds kept for destroying it (160 s with the "
          "advertised 180 s). A larger value is capped to that, since a stop that times out gets the node fenced." },
        { "qemu", FALSE, FALSE, "string", PK_QEMU,
          "QEMU binary",
          "The QEMU system emulator to start the guest with: a program name looked up in PATH or an absolute path. "
          "Meant for tests." },
};

char *ocf_guest_metadata(void)
{
        GString *s = g_string_new(NULL);

        ocf_metadata_begin(s, "guest",
                "Runs one plastik guest (a QEMU/KVM virtual machine) through the plastik hypervisor core. "
                "start returns once the guest runs; stop presses the ACPI power button, waits, then destroys it and "
                "returns only when its QEMU is gone; monitor asks QEMU for the guest's state (running, paused, "
                "crashed). Migration is not supported: the guest is stopped and started. See ocf_plastik_guest(7).",
                "plastik guest (QEMU/KVM virtual machine)", param_docs, G_N_ELEMENTS(param_docs));
        g_string_append(s, "<actions>\n");
        for (gsize i = 0; i < G_N_ELEMENTS(actions); i++) {
                const OcfActionSpec *a = &actions[i];
                if (!a->advertised)
                        continue;
                g_string_append_printf(s, "<action name=\"%s\" timeout=\"%us\"", a->name, a->timeout_s);
                if (a->interval_s)
                        g_string_append_printf(s, " interval=\"%us\" depth=\"0\"", a->interval_s);
                g_string_append(s, "/>\n");
        }
        g_string_append(s, "</actions>\n</resource-agent>\n");
        return g_string_free(s, FALSE);
}

const char *ocf_guest_usage(void)
{
        return "usage: guest {start|stop|monitor|validate-all|meta-data|usage}\n"
               "\n"
               "ocf:plastik:guest runs a plastik guest under Pacemaker. Parameters come from\n"
               "the environment: OCF_RESKEY_name, OCF_RESKEY_config (JSON), OCF_RESKEY_rundir,\n"
               "OCF_RESKEY_shutdown_timeout, OCF_RESKEY_qemu. See ocf_plastik_guest(7).\n";
}
