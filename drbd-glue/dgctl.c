/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dgctl: replicated volumes on this node (see dgctl(8)). */
#include "dg.h"
#include "dg-volume-internal.h"
#include "pk.h"
#include "pk-cli.h"
#include "pk-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

/* Exit codes, documented in dgctl(8). */
enum {
        EXIT_OK = 0,
        EXIT_FAIL = 1,
        EXIT_USAGE = 2,
        EXIT_INVALID = 3,
        EXIT_NOT_FOUND = 4,
        EXIT_EXISTS = 5,
        EXIT_NO_SPACE = 6,
        EXIT_UNSAFE = 7,
        EXIT_COMMAND = 8,
};

#define DEFAULT_SITE "/etc/plastik/drbd-site.conf"
/* Commands that do not change a volume's size still validate a whole
 * definition; they use the smallest valid size, which nothing reads. */
#define PLACEHOLDER_SIZE (G_GUINT64_CONSTANT(4) << 20)

static int report(GError *error)
{
        fprintf(stderr, "dgctl: %s\n", error->message);
        if (error->domain != DG_ERROR)
                return EXIT_FAIL;
        switch (error->code) {
        case DG_ERROR_INVALID: return EXIT_INVALID;
        case DG_ERROR_NOT_FOUND: return EXIT_NOT_FOUND;
        case DG_ERROR_EXISTS: return EXIT_EXISTS;
        case DG_ERROR_NO_SPACE: return EXIT_NO_SPACE;
        case DG_ERROR_UNSAFE: return EXIT_UNSAFE;
        case DG_ERROR_COMMAND: return EXIT_COMMAND;
        default: return EXIT_FAIL;
        }
}

static void print_json(json_object *obj)
{
        g_autofree char *text = pk_json_to_string(obj, TRUE);
        printf("%s\n", text);
}

#define OPT_DRY_RUN { "dry-run", NULL, "print the plan with the exact commands, change nothing" }
#define OPT_JSON { "json", NULL, "print JSON instead of text" }
/* Every volume command but create reads minor and port from the volume's
 * .res file; they are given only when that file is gone. */
#define OPT_MINOR { "minor", "M", "the DRBD minor, 0..1048575 (default: from the .res file)" }
#define OPT_PORT { "port", "P", "the replication port (default: from the .res file)" }

static const PkCliOption global_opts[] = {
        { "site", "FILE", "the site file (default " DEFAULT_SITE ")" },
        { "node", "NAME", "this node's name (default: uname -n)" },
        { "verbose", NULL, "also print debug messages, among them every LVM command", 0, 'v' },
        { NULL },
};
static const PkCliOption create_opts[] = {
        { "size", "S", "the usable size: 64M, 3G, 1.5GiB" },
        { "minor", "M", "the DRBD minor, 0..1048575, unique cluster-wide" },
        { "port", "P", "the replication TCP port, unique cluster-wide" },
        OPT_DRY_RUN,
        { NULL },
};
static const PkCliOption grow_opts[] = {
        { "size", "S", "the new usable size" }, OPT_MINOR, OPT_PORT, OPT_DRY_RUN, { NULL },
};
static const PkCliOption remove_opts[] = {
        { "yes", NULL, "destroy this node's copy of the data" }, OPT_MINOR, OPT_PORT, OPT_DRY_RUN, { NULL },
};
static const PkCliOption primary_opts[] = {
        { "force", NULL, "only to start a new volume's initial sync" }, OPT_MINOR, OPT_PORT, OPT_DRY_RUN,
        { NULL },
};
static const PkCliOption plain_opts[] = { OPT_MINOR, OPT_PORT, OPT_DRY_RUN, { NULL } };
static const PkCliOption render_opts[] = { OPT_MINOR, OPT_PORT, { NULL } };
static const PkCliOption sync_opts[] = {
        { "wait", NULL, "show the progress until both nodes are UpToDate" },
        { "timeout", "SECONDS", "with --wait: give up after SECONDS (exit 1)" },
        OPT_MINOR,
        OPT_PORT,
        { NULL },
};
static const PkCliOption split_brain_opts[] = {
        { "discard-here", NULL, "this node's copy is given up (first, on its node)" },
        { "keep-here", NULL, "this node's copy is kept (then, on the other node)" },
        OPT_DRY_RUN,
        OPT_MINOR,
        OPT_PORT,
        { NULL },
};
static const PkCliOption json_opts[] = { OPT_JSON, { NULL } };

static const PkCliVerb verbs[] = {
        { "volume", "create", "GUEST VOLUME", 2, 2, "--size S --minor M --port P", create_opts,
          "make the LV, write the .res, create DRBD metadata, bring it up" },
        { "volume", "grow", "GUEST VOLUME", 2, 2, "--size S", grow_opts, "grow the LV and DRBD" },
        { "volume", "remove", "GUEST VOLUME", 2, 2, "--yes", remove_opts,
          "down, wipe metadata, remove the .res and the LV" },
        { "volume", "primary", "GUEST VOLUME", 2, 2, NULL, primary_opts,
          "promote (refuses data that is not UpToDate)" },
        { "volume", "secondary", "GUEST VOLUME", 2, 2, NULL, plain_opts, "demote" },
        { "volume", "down", "GUEST VOLUME", 2, 2, NULL, plain_opts, "take the DRBD resource down" },
        { "volume", "render", "GUEST VOLUME", 2, 2, NULL, render_opts, "print the volume's .res file" },
        { "volume", "sync", "GUEST VOLUME", 2, 2, NULL, sync_opts,
          "start a new volume's full sync from this node" },
        { "volume", "split-brain", "GUEST VOLUME", 2, 2, "--discard-here|--keep-here", split_brain_opts,
          "resolve a split brain, this node's side" },
        { "lv", "list", "", 0, 0, NULL, json_opts, "plastik's LVs in this node's volume group" },
        { "vg", "show", "", 0, 0, NULL, json_opts, "this node's volume group" },
        { "status", NULL, "", 0, 0, NULL, json_opts, "the DRBD state of plastik's resources" },
};

static const PkCli cli = {
        .program = "dgctl",
        .version = PK_VERSION,
        .global_options = global_opts,
        .verbs = verbs,
        .n_verbs = G_N_ELEMENTS(verbs),
        .epilogue =
                "Minor and port of an existing volume are read from its .res file: give --minor\n"
                "and --port only when it is gone. --dry-run prints the exact commands and changes\n"
                "nothing. primary --force only starts a new volume's initial sync. split-brain runs\n"
                "first on the node whose copy is given up (--discard-here: demote, keep it in an LVM\n"
                "snapshot, reconnect to be overwritten), then on the other (--keep-here: reconnect).\n"
                "\n"
                "The site file (default " DEFAULT_SITE ") names both nodes, their replication\n"
                "addresses and volume groups; see dgctl(8).\n"
                "\n"
                "Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid argument or site file, 4 not found,\n"
                "5 exists already, 6 no space in the volume group, 7 refused as unsafe, 8 LVM or DRBD\n"
                "command failed.\n",
};

/* What a volume command reads from the options. */
typedef struct {
        PkCliCmd *cmd;
        const char *size;
        guint minor, port, timeout; /* when given */
} CmdArgs;

/* "MESSAGE; usage: dgctl VERB …" */
static int usage_verb(const CmdArgs *a, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int usage_verb(const CmdArgs *a, const char *fmt, ...)
{
        g_autofree char *usage = pk_cli_verb_usage(&cli, a->cmd->verb), *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        return pk_cli_usage_error("dgctl", "%s; usage: %s", msg, usage);
}

static int parse_number(const CmdArgs *a, const char *opt, guint64 max, guint *ret)
{
        const char *v = pk_cli_opt(a->cmd, opt);
        guint64 n;

        if (!v)
                return EXIT_OK;
        if (!g_ascii_string_to_unsigned(v, 10, 0, max, &n, NULL))
                return usage_verb(a, "--%s needs a number between 0 and %" G_GUINT64_FORMAT " (got \"%s\")", opt,
                                  max, v);
        *ret = (guint)n;
        return EXIT_OK;
}

/* The numbers among the options, checked before anything is read. */
static int take_values(PkCliCmd *cmd, CmdArgs *a)
{
        int rc;

        a->cmd = cmd;
        a->size = pk_cli_opt(cmd, "size");
        if ((rc = parse_number(a, "minor", 1048575, &a->minor)) != EXIT_OK ||
            (rc = parse_number(a, "port", 65535, &a->port)) != EXIT_OK)
                return rc;
        return parse_number(a, "timeout", 86400 * 7, &a->timeout);
}

/*
 * The definition a volume command works on: GUEST VOLUME from the command
 * line; size from --size; minor and port from the options or, for a volume
 * that exists, from its .res file, so they need not be repeated.
 */
static gboolean build_def(const DgSite *site, CmdArgs *a, gboolean need_ids, DgVolumeDef *def,
                          gboolean *ret_from_res, GError **error)
{
        g_autofree char *res = dg_resource_name(pk_cli_arg(a->cmd, 0), pk_cli_arg(a->cmd, 1), error);
        gboolean from_res = FALSE;

        if (!res)
                return FALSE;
        def->guest = g_strdup(pk_cli_arg(a->cmd, 0));
        def->volume = g_strdup(pk_cli_arg(a->cmd, 1));
        def->size = PLACEHOLDER_SIZE;
        if (a->size && !dg_size_parse(a->size, "--size", &def->size, error))
                return FALSE;
        def->minor = a->minor;
        def->port = a->port;
        if (!pk_cli_flag(a->cmd, "minor") || !pk_cli_flag(a->cmd, "port")) {
                g_autofree char *path = dg_res_path(site, def), *text = NULL;
                g_autoptr(GError) e = NULL;
                guint minor, port;

                if (!g_file_get_contents(path, &text, NULL, NULL)) {
                        if (!need_ids) {
                                *ret_from_res = FALSE;
                                return TRUE;
                        }
                        g_set_error(error, DG_ERROR, DG_ERROR_NOT_FOUND,
                                    "volume %s does not exist on this node (no %s); if parts of it are left, "
                                    "give --minor and --port", res, path);
                        return FALSE;
                }
                if (!dg_res_parse_ids(text, &minor, &port, &e)) {
                        g_set_error(error, DG_ERROR, DG_ERROR_PARSE, "%s: %s; give --minor and --port", path,
                                    e->message);
                        return FALSE;
                }
                if (!pk_cli_flag(a->cmd, "minor"))
                        def->minor = minor;
                if (!pk_cli_flag(a->cmd, "port"))
                        def->port = port;
                from_res = TRUE;
        }
        if (ret_from_res)
                *ret_from_res = from_res;
        return dg_volume_def_validate(def, error);
}

/*
 * The facts of a volume. Gathering activates the volume's LV when it is
 * inactive (dg_facts_gather()); that changes the node, if not its data, so
 * it is said, dry run or not.
 */
/*
 * One writer per volume on this node (dg_lock_volume()): hamgrd's worker
 * and hactl take the same lock. A dgctl run changes one volume, so the lock
 * is taken with its facts and held until the run ends (the process's exit
 * drops it), except while `volume sync --wait` only watches.
 */
static DgLock *held;

static gboolean gather(const DgSite *site, const DgVolumeDef *def, DgFacts *facts, GError **error)
{
        g_autofree char *res = NULL;

        if (!held) {
                g_autofree char *name = dg_resource_name(def->guest, def->volume, NULL);
                if (!(held = dg_lock_volume(NULL, name, 0, NULL))) {
                        fprintf(stderr, "dgctl: %s is being changed by another program on this node; "
                                "waiting up to %d s\n", name, DG_LOCK_WAIT_MS / 1000);
                        if (!(held = dg_lock_volume(NULL, name, DG_LOCK_WAIT_MS, error)))
                                return FALSE;
                }
        }
        if (!dg_facts_gather(site, def, facts, error))
                return FALSE;
        if (facts->lv_activated) {
                res = dg_resource_name(def->guest, def->volume, NULL);
                fprintf(stderr, "dgctl: activated LV %s/%s (it was inactive, e.g. after a boot without LVM "
                        "autoactivation)\n", dg_site_local(site)->vg, res);
        }
        return TRUE;
}

static void print_progress(guint index, guint total, const DgStep *step, gpointer user_data)
{
        fprintf(stderr, "dgctl: [%u/%u] %s\n", index + 1, total, step->summary);
}

/* Prints a dry run's plan or executes it. */
static int run_plan(const DgSite *site, const DgVolumeDef *def, DgPlan *plan, gboolean dry_run,
                    const char *done)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL;

        if (!plan)
                return EXIT_FAIL;
        if (dg_plan_length(plan) == 0) {
                printf("nothing to do for volume pk-%s-%s on this node\n", def->guest, def->volume);
                return EXIT_OK;
        }
        if (dry_run) {
                text = dg_plan_to_string(plan);
                printf("dry run, nothing changed; the plan:\n%s", text);
                return EXIT_OK;
        }
        if (!dg_plan_execute(site, def, plan, print_progress, NULL, &error))
                return report(error);
        printf("%s\n", done);
        return EXIT_OK;
}

/*
 * Minors and ports are allocated cluster-wide by whoever defines volumes
 * (hamgrd from the CIB); by hand, a clash with another of our volumes on
 * this node is caught here, before anything is created.
 */
static gboolean check_ids_unused(const DgSite *site, const DgVolumeDef *def, GError **error)
{
        g_autoptr(GDir) dir = g_dir_open(site->res_dir, 0, NULL);
        g_autofree char *mine = g_strdup_printf("pk-%s-%s.res", def->guest, def->volume);
        const char *name;

        while (dir && (name = g_dir_read_name(dir))) {
                g_autofree char *path = NULL, *text = NULL, *res = NULL;
                guint minor, port;

                if (!g_str_has_suffix(name, ".res") || g_str_equal(name, mine))
                        continue;
                res = g_strndup(name, strlen(name) - strlen(".res"));
                path = g_build_filename(site->res_dir, name, NULL);
                if (!dg_resource_name_parse(res, NULL, NULL) || !g_file_get_contents(path, &text, NULL, NULL) ||
                    !dg_res_parse_ids(text, &minor, &port, NULL))
                        continue;
                if (minor == def->minor || port == def->port) {
                        g_set_error(error, DG_ERROR, DG_ERROR_EXISTS,
                                    "%s %u is used by volume %s (%s); minors and ports are unique cluster-wide",
                                    minor == def->minor ? "minor" : "port", minor == def->minor ? minor : port,
                                    res, path);
                        return FALSE;
                }
        }
        return TRUE;
}

static int cmd_create(const DgSite *site, CmdArgs *a, gboolean grow)
{
        g_auto(DgVolumeDef) def = { 0 };
        g_autoptr(GError) error = NULL;
        g_autoptr(DgPlan) plan = NULL;
        g_autofree char *res = NULL, *done = NULL, *dev = NULL;
        DgFacts facts;
        gboolean from_res = FALSE;

        if (!a->size)
                return usage_verb(a, "--size is required");
        if (!grow && (!pk_cli_flag(a->cmd, "minor") || !pk_cli_flag(a->cmd, "port")))
                return usage_verb(a, "--minor and --port are required");
        if (!build_def(site, a, grow, &def, &from_res, &error) || !gather(site, &def, &facts, &error))
                return report(error);
        res = dg_resource_name(def.guest, def.volume, NULL);
        if (grow && !facts.lv_exists) {
                fprintf(stderr, "dgctl: volume %s does not exist on this node\n", res);
                return EXIT_NOT_FOUND;
        }
        /* create on an existing volume is fine when it asks for what is
         * there; a different minor, port or size is a mistake, not a change. */
        if (!grow && facts.res_exists && !facts.res_current) {
                g_autofree char *path = dg_res_path(site, &def);
                fprintf(stderr, "dgctl: volume %s exists already with a different definition (%s); "
                        "remove it first or give its minor and port\n", res, path);
                return EXIT_EXISTS;
        }
        if (!grow && facts.lv_exists && facts.lv_size != dg_lv_size_for(def.size, facts.vg_extent)) {
                g_autofree char *have = dg_size_format(facts.lv_size);
                fprintf(stderr, "dgctl: volume %s exists already (its LV is %s); to change its size use "
                        "'dgctl volume grow'\n", res, have);
                return EXIT_EXISTS;
        }
        if (!grow && !facts.res_exists && !check_ids_unused(site, &def, &error))
                return report(error);
        plan = dg_plan_ensure(site, &def, &facts, &error);
        if (!plan)
                return report(error);
        dev = g_strdup_printf("/dev/drbd%u", def.minor);
        done = grow ? g_strdup_printf("volume %s grown (takes effect once both nodes' LVs have grown)", res)
                    : g_strdup_printf("volume %s is up as %s", res, dev);
        return run_plan(site, &def, plan, pk_cli_flag(a->cmd, "dry-run"), done);
}

static int cmd_simple(const DgSite *site, CmdArgs *a, const char *what)
{
        g_auto(DgVolumeDef) def = { 0 };
        g_autoptr(GError) error = NULL;
        g_autoptr(DgPlan) plan = NULL;
        g_autofree char *res = NULL, *done = NULL;
        DgFacts facts;

        if (!build_def(site, a, TRUE, &def, NULL, &error) || !gather(site, &def, &facts, &error))
                return report(error);
        res = dg_resource_name(def.guest, def.volume, NULL);
        if (g_str_equal(what, "remove")) {
                if (!facts.lv_exists && !facts.res_exists && !facts.up) {
                        fprintf(stderr, "dgctl: volume %s does not exist on this node\n", res);
                        return EXIT_NOT_FOUND;
                }
                if (!(pk_cli_flag(a->cmd, "yes") || pk_cli_flag(a->cmd, "dry-run")))
                        return pk_cli_usage_error("dgctl", "volume remove destroys the data of %s on this "
                                                  "node; add --yes (or --dry-run to see the plan)", res);
                plan = dg_plan_remove(site, &def, &facts, &error);
                done = g_strdup_printf("volume %s removed from this node", res);
        } else if (g_str_equal(what, "primary")) {
                plan = dg_plan_promote(site, &def, &facts, pk_cli_flag(a->cmd, "force"), &error);
                done = g_strdup_printf("volume %s is Primary here", res);
        } else if (g_str_equal(what, "secondary")) {
                plan = dg_plan_demote(site, &def, &facts, &error);
                done = g_strdup_printf("volume %s is Secondary here", res);
        } else {
                plan = dg_plan_down(site, &def, &facts, &error);
                done = g_strdup_printf("volume %s is down on this node", res);
        }
        if (!plan)
                return report(error);
        return run_plan(site, &def, plan, pk_cli_flag(a->cmd, "dry-run"), done);
}

/*
 * One side of a split brain's resolution. Discarding needs the record
 * plastik-split-brain(8) wrote when DRBD detected it: a StandAlone volume
 * without one may have been disconnected on purpose, and overwriting its
 * writes is not something to do on a guess. What was done goes to the
 * system log as well as to the terminal: it is the account of which
 * writes were given up and where they are kept.
 */
static int cmd_split_brain(const DgSite *site, CmdArgs *a)
{
        g_auto(DgVolumeDef) def = { 0 };
        g_autoptr(GError) error = NULL;
        g_autoptr(DgPlan) plan = NULL;
        g_autoptr(DgSplitBrain) sb = NULL;
        g_autofree char *res = NULL, *snapshot = NULL, *done = NULL, *peer_cmd = NULL;
        gboolean discard = pk_cli_flag(a->cmd, "discard-here"), dry_run = pk_cli_flag(a->cmd, "dry-run");
        const DgNode *peer;
        DgFacts facts;
        int rc;

        if (pk_cli_flag(a->cmd, "discard-here") == pk_cli_flag(a->cmd, "keep-here"))
                return usage_verb(a, "say which copy this node's is: --discard-here (its writes since the split "
                                  "are given up) or --keep-here");
        if (!build_def(site, a, TRUE, &def, NULL, &error) || !gather(site, &def, &facts, &error))
                return report(error);
        res = dg_resource_name(def.guest, def.volume, NULL);
        if (!(sb = dg_split_brain_read(NULL, res, &error)) && error)
                return report(error);
        if (discard && !sb) {
                fprintf(stderr, "dgctl: no split brain of %s is recorded on this node (plastik-split-brain(8) "
                        "records one when DRBD detects it); refusing to discard this node's writes on a guess: "
                        "if DRBD reported one, look for \"Split-Brain detected\" in the kernel log and resolve it "
                        "by hand (dgctl(8), SPLIT BRAIN)\n", res);
                return EXIT_UNSAFE;
        }
        snapshot = dg_snapshot_name("splitbrain", res, g_get_real_time() / 1000);
        plan = dg_plan_split_brain(site, &def, &facts, discard, snapshot, &error);
        if (!plan)
                return report(error);
        peer = dg_site_peer(site);
        peer_cmd = g_strdup_printf("dgctl volume split-brain %s %s --%s-here", def.guest, def.volume,
                                   discard ? "keep" : "discard");
        if (discard) {
                g_autofree char *kib = sb->self_kib >= 0 ? g_strdup_printf(", %" G_GINT64_FORMAT " KiB written "
                                                                           "apart", sb->self_kib) : g_strdup("");
                done = g_strdup_printf("split brain of %s: this node's copy (generation %s%s) discarded; its state "
                                       "is kept in LV %s/%s (remove it with lvremove once it is not needed); "
                                       "now run '%s' on %s: the resync from there starts",
                                       res, sb->self_generation ? sb->self_generation : "unknown", kib,
                                       dg_site_local(site)->vg, snapshot, peer_cmd, peer ? peer->name : "the peer");
        } else if (dg_plan_length(plan) == 0) {
                printf("volume %s is %s: it waits for the peer; run '%s' there if not done yet\n", res,
                       dg_conn_name(facts.conn), peer_cmd);
                return EXIT_OK;
        } else {
                done = g_strdup_printf("split brain of %s: this node's copy kept; connecting%s", res,
                                       sb ? "" : " (no split brain was recorded here)");
        }
        rc = run_plan(site, &def, plan, dry_run, done);
        if (rc == EXIT_OK && !dry_run) {
                openlog("dgctl", LOG_PID, LOG_DAEMON);
                syslog(LOG_NOTICE, "%s", done);
                closelog();
        }
        return rc;
}

static int cmd_render(const DgSite *site, CmdArgs *a)
{
        g_auto(DgVolumeDef) def = { 0 };
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL;

        if (!build_def(site, a, TRUE, &def, NULL, &error) || !(text = dg_res_render(site, &def, &error)))
                return report(error);
        fputs(text, stdout);
        return EXIT_OK;
}

static void print_sync(double done, guint64 oos_kib, gpointer user_data)
{
        gboolean tty = GPOINTER_TO_INT(user_data);
        g_autofree char *left = dg_size_format(oos_kib * 1024);

        if (done < 0)
                return;
        fprintf(stderr, tty ? "\rdgctl: sync %5.1f %% done, %s left   " : "dgctl: sync %5.1f %% done, %s left\n",
                done, left);
}

/*
 * The initial sync of a new volume: both LVs are Inconsistent, and this
 * node becomes the sync source with `drbdadm primary --force` (see
 * dg_plan_promote() for why a full sync rather than proving the LVs
 * equal). --wait follows DRBD's progress until both sides are UpToDate.
 */
static int cmd_sync(const DgSite *site, CmdArgs *a)
{
        g_auto(DgVolumeDef) def = { 0 };
        g_autoptr(GError) error = NULL;
        g_autoptr(DgPlan) plan = NULL;
        g_autofree char *res = NULL;
        DgFacts facts;
        gboolean tty = isatty(fileno(stderr));

        if (!build_def(site, a, TRUE, &def, NULL, &error) || !gather(site, &def, &facts, &error))
                return report(error);
        res = dg_resource_name(def.guest, def.volume, NULL);
        if (facts.up && facts.disk == DG_DISK_UPTODATE && facts.peer_disk == DG_DISK_UPTODATE) {
                printf("volume %s is in sync (UpToDate on both nodes)\n", res);
                return EXIT_OK;
        }
        /* With UpToDate data on either side DRBD syncs by itself (or does
         * once connected): only wait. Forcing is for two Inconsistent disks. */
        if (!(facts.up && (facts.disk == DG_DISK_UPTODATE || facts.peer_disk == DG_DISK_UPTODATE))) {
                plan = dg_plan_promote(site, &def, &facts, TRUE, &error);
                if (!plan)
                        return report(error);
                if (!dg_plan_execute(site, &def, plan, print_progress, NULL, &error))
                        return report(error);
                fprintf(stderr, "dgctl: %s: full sync to the peer started from this node (now Primary)\n", res);
        } else if (facts.disk != DG_DISK_UPTODATE) {
                fprintf(stderr, "dgctl: %s: this node is the sync target; the peer has the data\n", res);
        }
        if (!pk_cli_flag(a->cmd, "wait")) {
                printf("volume %s: sync running; follow it with 'dgctl volume sync %s %s --wait'\n", res,
                       def.guest, def.volume);
                return EXIT_OK;
        }
        /* Watching changes nothing: hamgrd may act on the volume meanwhile. */
        g_clear_pointer(&held, dg_lock_release);
        if (!dg_sync_wait(res, pk_cli_flag(a->cmd, "timeout") ? (gint64)a->timeout * 1000 : -1, print_sync,
                          GINT_TO_POINTER(tty), &error)) {
                if (tty)
                        fputc('\n', stderr);
                return report(error);
        }
        if (tty)
                fputc('\n', stderr);
        printf("volume %s is in sync (UpToDate on both nodes)\n", res);
        return EXIT_OK;
}

static void lv_to_row(const DgLvInfo *lv, json_object *arr, gboolean json)
{
        g_autofree char *guest = NULL, *volume = NULL, *size = NULL;

        dg_resource_name_parse(lv->name, &guest, &volume);
        if (json) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "vg", json_object_new_string(lv->vg));
                json_object_object_add(o, "name", json_object_new_string(lv->name));
                json_object_object_add(o, "guest", json_object_new_string(guest));
                json_object_object_add(o, "volume", json_object_new_string(volume));
                json_object_object_add(o, "size", json_object_new_int64((gint64)lv->size));
                json_object_object_add(o, "active", json_object_new_boolean(lv->active));
                json_object_array_add(arr, o);
                return;
        }
        size = dg_size_format(lv->size);
        printf("%-40s %-20s %-16s %12s %s\n", lv->name, guest, volume, size, lv->active ? "active" : "inactive");
}

static int cmd_lv_list(const DgSite *site, CmdArgs *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) lvs = dg_lv_list(dg_site_local(site)->vg, TRUE, &error);
        g_autoptr(json_object) arr = json_object_new_array();

        if (!lvs)
                return report(error);
        if (!pk_cli_flag(a->cmd, "json"))
                printf("%-40s %-20s %-16s %12s %s\n", "LV", "GUEST", "VOLUME", "SIZE", "STATE");
        for (guint i = 0; i < lvs->len; i++)
                lv_to_row(g_ptr_array_index(lvs, i), arr, pk_cli_flag(a->cmd, "json"));
        if (pk_cli_flag(a->cmd, "json"))
                print_json(arr);
        return EXIT_OK;
}

static int cmd_vg_show(const DgSite *site, CmdArgs *a)
{
        g_autoptr(GError) error = NULL;
        DgVgInfo vg = { 0 };
        g_autofree char *size = NULL, *free_text = NULL, *extent = NULL;

        if (!dg_vg_get(dg_site_local(site)->vg, &vg, &error))
                return report(error);
        if (pk_cli_flag(a->cmd, "json")) {
                g_autoptr(json_object) o = json_object_new_object();
                json_object_object_add(o, "vg", json_object_new_string(vg.vg));
                json_object_object_add(o, "size", json_object_new_int64((gint64)vg.size));
                json_object_object_add(o, "free", json_object_new_int64((gint64)vg.free));
                json_object_object_add(o, "extent_size", json_object_new_int64((gint64)vg.extent_size));
                print_json(o);
        } else {
                size = dg_size_format(vg.size);
                free_text = dg_size_format(vg.free);
                extent = dg_size_format(vg.extent_size);
                printf("vg:     %s\nsize:   %s\nfree:   %s\nextent: %s\n", vg.vg, size, free_text, extent);
        }
        dg_vg_info_clear(&vg);
        return EXIT_OK;
}

static int cmd_status(CmdArgs *a)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(DgState) state = dg_state_snapshot(&error);
        g_autoptr(GPtrArray) names = NULL;
        g_autoptr(json_object) arr = json_object_new_array();

        if (!state)
                return report(error);
        names = dg_state_names(state);
        if (!pk_cli_flag(a->cmd, "json"))
                printf("%-40s %-10s %-14s %-13s %-13s %s\n", "RESOURCE", "ROLE", "CONNECTION", "DISK", "PEER-DISK",
                       "SYNC");
        for (guint i = 0; i < names->len; i++) {
                const char *name = g_ptr_array_index(names, i);
                const DgResourceState *rs = dg_state_lookup(state, name);

                if (!rs || !dg_resource_name_parse(name, NULL, NULL))
                        continue; /* not one of ours */
                if (pk_cli_flag(a->cmd, "json")) {
                        json_object_array_add(arr, dg_resource_state_to_json(rs));
                        continue;
                }
                const DgVolumeState *v = rs->volumes && rs->volumes->len
                                                 ? &g_array_index(rs->volumes, DgVolumeState, 0) : NULL;
                g_autofree char *sync = v && v->done >= 0 ? g_strdup_printf("%.1f %%", v->done) : g_strdup("-");
                printf("%-40s %-10s %-14s %-13s %-13s %s\n", name, dg_role_name(rs->role), dg_conn_name(rs->conn),
                       v ? dg_disk_name(v->disk) : "-", v ? dg_disk_name(v->peer_disk) : "-", sync);
        }
        if (pk_cli_flag(a->cmd, "json"))
                print_json(arr);
        return EXIT_OK;
}

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(DgSite) site = NULL;
        g_auto(PkCliCmd) cmd = { 0 };
        const char *site_path, *group, *name;
        CmdArgs a = { 0 };
        int rc;

        if (!pk_cli_handle(&cli, argc, argv, &cmd, &rc))
                return rc;
        pk_log_init("dgctl", pk_cli_global(&cmd, "verbose") != NULL);
        if ((rc = take_values(&cmd, &a)) != EXIT_OK)
                return rc;
        group = cmd.verb->group;
        name = cmd.verb->name;
        if (g_str_equal(group, "status"))
                return cmd_status(&a);
        site_path = pk_cli_global(&cmd, "site") ? pk_cli_global(&cmd, "site") : DEFAULT_SITE;
        if (!(site = dg_site_load(site_path, pk_cli_global(&cmd, "node"), &error)))
                return report(error);
        if (g_str_equal(group, "lv"))
                return cmd_lv_list(site, &a);
        if (g_str_equal(group, "vg"))
                return cmd_vg_show(site, &a);
        if (g_str_equal(name, "create") || g_str_equal(name, "grow"))
                return cmd_create(site, &a, g_str_equal(name, "grow"));
        if (g_str_equal(name, "render"))
                return cmd_render(site, &a);
        if (g_str_equal(name, "sync"))
                return cmd_sync(site, &a);
        if (g_str_equal(name, "split-brain"))
                return cmd_split_brain(site, &a);
        return cmd_simple(site, &a, name);
}
