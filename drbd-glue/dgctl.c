/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dgctl: replicated volumes on this node (see dgctl(8)). */
#include "dg.h"
#include "dg-volume-internal.h"
#include "pk.h"
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

static const char usage_text[] =
        "Usage: dgctl [--site FILE] [--node NAME] [--verbose] COMMAND [ARGS]\n"
        "\n"
        "Commands:\n"
        "  volume create GUEST VOLUME --size S --minor M --port P [--dry-run]\n"
        "  volume grow GUEST VOLUME --size S [--dry-run]\n"
        "  volume remove GUEST VOLUME --yes [--dry-run]\n"
        "  volume primary GUEST VOLUME [--force] [--dry-run]\n"
        "  volume secondary GUEST VOLUME [--dry-run]\n"
        "  volume down GUEST VOLUME [--dry-run]\n"
        "  volume render GUEST VOLUME [--minor M --port P]\n"
        "  volume sync GUEST VOLUME [--wait] [--timeout S]\n"
        "  volume split-brain GUEST VOLUME --discard-here|--keep-here [--dry-run]\n"
        "  lv list [--json]\n"
        "  vg show [--json]\n"
        "  status [--json]\n"
        "\n"
        "create: make the LV, write the .res, create DRBD metadata, bring it up (idempotent);\n"
        "grow: grow the LV and DRBD; remove: down, wipe metadata, remove .res and LV;\n"
        "primary: promote (refuses data that is not UpToDate; --force only starts a new\n"
        "volume's initial sync); sync: start a new volume's full sync from this node and\n"
        "with --wait show its progress; split-brain: resolve a split brain, on the node\n"
        "whose copy is given up first (--discard-here: demote, keep it in an LVM snapshot,\n"
        "reconnect to be overwritten), then on the other (--keep-here: reconnect).\n"
        "Minor and port of an existing volume are read\n"
        "from its .res file. --dry-run prints the exact commands and changes nothing.\n"
        "\n"
        "The site file (default " DEFAULT_SITE ") names both nodes, their replication\n"
        "addresses and volume groups; see dgctl(8).\n"
        "\n"
        "Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid argument or site file, 4 not found,\n"
        "5 exists already, 6 no space in the volume group, 7 refused as unsafe, 8 LVM or DRBD\n"
        "command failed.\n";

static int usage_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static int usage_error(const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        fputs("dgctl: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputs("\nTry 'dgctl --help'.\n", stderr);
        va_end(ap);
        return EXIT_USAGE;
}

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

/* A command: its words, the options it takes, its positional arguments. */
enum {
        OPT_SIZE = 1 << 0,
        OPT_MINOR = 1 << 1,
        OPT_PORT = 1 << 2,
        OPT_DRY_RUN = 1 << 3,
        OPT_YES = 1 << 4,
        OPT_FORCE = 1 << 5,
        OPT_WAIT = 1 << 6,
        OPT_TIMEOUT = 1 << 7,
        OPT_JSON = 1 << 8,
        OPT_DISCARD_HERE = 1 << 9,
        OPT_KEEP_HERE = 1 << 10,
};

typedef struct {
        const char *group, *name;
        guint opts;
        guint n_args;
        const char *usage;
} CmdSpec;

static const CmdSpec commands[] = {
        { "volume", "create", OPT_SIZE | OPT_MINOR | OPT_PORT | OPT_DRY_RUN, 2,
          "volume create GUEST VOLUME --size S --minor M --port P [--dry-run]" },
        { "volume", "grow", OPT_SIZE | OPT_MINOR | OPT_PORT | OPT_DRY_RUN, 2,
          "volume grow GUEST VOLUME --size S [--dry-run]" },
        { "volume", "remove", OPT_MINOR | OPT_PORT | OPT_DRY_RUN | OPT_YES, 2,
          "volume remove GUEST VOLUME --yes [--dry-run]" },
        { "volume", "primary", OPT_MINOR | OPT_PORT | OPT_DRY_RUN | OPT_FORCE, 2,
          "volume primary GUEST VOLUME [--force] [--dry-run]" },
        { "volume", "secondary", OPT_MINOR | OPT_PORT | OPT_DRY_RUN, 2,
          "volume secondary GUEST VOLUME [--dry-run]" },
        { "volume", "down", OPT_MINOR | OPT_PORT | OPT_DRY_RUN, 2, "volume down GUEST VOLUME [--dry-run]" },
        { "volume", "render", OPT_MINOR | OPT_PORT, 2, "volume render GUEST VOLUME [--minor M --port P]" },
        { "volume", "sync", OPT_MINOR | OPT_PORT | OPT_WAIT | OPT_TIMEOUT, 2,
          "volume sync GUEST VOLUME [--wait] [--timeout SECONDS]" },
        { "volume", "split-brain", OPT_MINOR | OPT_PORT | OPT_DRY_RUN | OPT_DISCARD_HERE | OPT_KEEP_HERE, 2,
          "volume split-brain GUEST VOLUME --discard-here|--keep-here [--dry-run]" },
        { "lv", "list", OPT_JSON, 0, "lv list [--json]" },
        { "vg", "show", OPT_JSON, 0, "vg show [--json]" },
        { "status", NULL, OPT_JSON, 0, "status [--json]" },
};

typedef struct {
        guint given;
        const char *size;
        guint minor, port, timeout;
        GPtrArray *args;
} CmdArgs;

static const struct {
        const char *name;
        guint flag;
        gboolean value;
} options[] = {
        { "--size", OPT_SIZE, TRUE },
        { "--minor", OPT_MINOR, TRUE },
        { "--port", OPT_PORT, TRUE },
        { "--timeout", OPT_TIMEOUT, TRUE },
        { "--dry-run", OPT_DRY_RUN, FALSE },
        { "--yes", OPT_YES, FALSE },
        { "--force", OPT_FORCE, FALSE },
        { "--wait", OPT_WAIT, FALSE },
        { "--json", OPT_JSON, FALSE },
        { "--discard-here", OPT_DISCARD_HERE, FALSE },
        { "--keep-here", OPT_KEEP_HERE, FALSE },
};

static int parse_number(const CmdSpec *spec, const char *opt, const char *v, guint64 max, guint *ret)
{
        guint64 n;

        if (!g_ascii_string_to_unsigned(v, 10, 0, max, &n, NULL))
                return usage_error("%s needs a number between 0 and %" G_GUINT64_FORMAT " (got \"%s\"); usage: dgctl %s",
                                   opt, max, v, spec->usage);
        *ret = (guint)n;
        return EXIT_OK;
}

static int parse_cmd_args(int argc, char **argv, const CmdSpec *spec, CmdArgs *a)
{
        a->args = g_ptr_array_new();
        for (int i = 0; i < argc; i++) {
                const char *s = argv[i];
                const char *eq = strchr(s, '=');
                g_autofree char *name = eq ? g_strndup(s, (gsize)(eq - s)) : g_strdup(s);
                guint k;
                int rc;

                if (!g_str_has_prefix(s, "--")) {
                        g_ptr_array_add(a->args, (gpointer)s);
                        continue;
                }
                for (k = 0; k < G_N_ELEMENTS(options); k++)
                        if (g_str_equal(name, options[k].name) && (spec->opts & options[k].flag))
                                break;
                if (k == G_N_ELEMENTS(options))
                        return usage_error("unknown option \"%s\"; usage: dgctl %s", s, spec->usage);
                a->given |= options[k].flag;
                if (!options[k].value) {
                        if (eq)
                                return usage_error("%s takes no value; usage: dgctl %s", name, spec->usage);
                        continue;
                }
                const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
                if (!v)
                        return usage_error("%s needs a value; usage: dgctl %s", name, spec->usage);
                switch (options[k].flag) {
                case OPT_SIZE: a->size = v; rc = EXIT_OK; break;
                case OPT_MINOR: rc = parse_number(spec, name, v, 1048575, &a->minor); break;
                case OPT_PORT: rc = parse_number(spec, name, v, 65535, &a->port); break;
                default: rc = parse_number(spec, name, v, 86400 * 7, &a->timeout); break;
                }
                if (rc != EXIT_OK)
                        return rc;
        }
        if (a->args->len < spec->n_args)
                return usage_error("missing argument; usage: dgctl %s", spec->usage);
        if (a->args->len > spec->n_args)
                return usage_error("unexpected argument \"%s\"; usage: dgctl %s",
                                   (const char *)g_ptr_array_index(a->args, spec->n_args), spec->usage);
        return EXIT_OK;
}

static const char *arg(CmdArgs *a, guint i)
{
        return i < a->args->len ? g_ptr_array_index(a->args, i) : NULL;
}

/*
 * The definition a volume command works on: GUEST VOLUME from the command
 * line; size from --size; minor and port from the options or, for a volume
 * that exists, from its .res file, so they need not be repeated.
 */
static gboolean build_def(const DgSite *site, CmdArgs *a, gboolean need_ids, DgVolumeDef *def,
                          gboolean *ret_from_res, GError **error)
{
        g_autofree char *res = dg_resource_name(arg(a, 0), arg(a, 1), error);
        gboolean from_res = FALSE;

        if (!res)
                return FALSE;
        def->guest = g_strdup(arg(a, 0));
        def->volume = g_strdup(arg(a, 1));
        def->size = PLACEHOLDER_SIZE;
        if (a->size && !dg_size_parse(a->size, "--size", &def->size, error))
                return FALSE;
        def->minor = a->minor;
        def->port = a->port;
        if (!(a->given & OPT_MINOR) || !(a->given & OPT_PORT)) {
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
                if (!(a->given & OPT_MINOR))
                        def->minor = minor;
                if (!(a->given & OPT_PORT))
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
                return usage_error("--size is required; usage: dgctl %s",
                                   grow ? "volume grow GUEST VOLUME --size S" :
                                          "volume create GUEST VOLUME --size S --minor M --port P");
        if (!grow && (!(a->given & OPT_MINOR) || !(a->given & OPT_PORT)))
                return usage_error("--minor and --port are required; usage: dgctl volume create GUEST VOLUME "
                                   "--size S --minor M --port P [--dry-run]");
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
        return run_plan(site, &def, plan, a->given & OPT_DRY_RUN, done);
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
                if (!(a->given & (OPT_YES | OPT_DRY_RUN)))
                        return usage_error("volume remove destroys the data of %s on this node; add --yes "
                                           "(or --dry-run to see the plan)", res);
                plan = dg_plan_remove(site, &def, &facts, &error);
                done = g_strdup_printf("volume %s removed from this node", res);
        } else if (g_str_equal(what, "primary")) {
                plan = dg_plan_promote(site, &def, &facts, a->given & OPT_FORCE, &error);
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
        return run_plan(site, &def, plan, a->given & OPT_DRY_RUN, done);
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
        gboolean discard = a->given & OPT_DISCARD_HERE, dry_run = a->given & OPT_DRY_RUN;
        const DgNode *peer;
        DgFacts facts;
        int rc;

        if (!!(a->given & OPT_DISCARD_HERE) == !!(a->given & OPT_KEEP_HERE))
                return usage_error("say which copy this node's is: --discard-here (its writes since the split are "
                                   "given up) or --keep-here; usage: dgctl volume split-brain GUEST VOLUME "
                                   "--discard-here|--keep-here [--dry-run]");
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
        if (!(a->given & OPT_WAIT)) {
                printf("volume %s: sync running; follow it with 'dgctl volume sync %s %s --wait'\n", res,
                       def.guest, def.volume);
                return EXIT_OK;
        }
        /* Watching changes nothing: hamgrd may act on the volume meanwhile. */
        g_clear_pointer(&held, dg_lock_release);
        if (!dg_sync_wait(res, a->given & OPT_TIMEOUT ? (gint64)a->timeout * 1000 : -1, print_sync,
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
        if (!(a->given & OPT_JSON))
                printf("%-40s %-20s %-16s %12s %s\n", "LV", "GUEST", "VOLUME", "SIZE", "STATE");
        for (guint i = 0; i < lvs->len; i++)
                lv_to_row(g_ptr_array_index(lvs, i), arr, a->given & OPT_JSON);
        if (a->given & OPT_JSON)
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
        if (a->given & OPT_JSON) {
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
        if (!(a->given & OPT_JSON))
                printf("%-40s %-10s %-14s %-13s %-13s %s\n", "RESOURCE", "ROLE", "CONNECTION", "DISK", "PEER-DISK",
                       "SYNC");
        for (guint i = 0; i < names->len; i++) {
                const char *name = g_ptr_array_index(names, i);
                const DgResourceState *rs = dg_state_lookup(state, name);

                if (!rs || !dg_resource_name_parse(name, NULL, NULL))
                        continue; /* not one of ours */
                if (a->given & OPT_JSON) {
                        json_object_array_add(arr, dg_resource_state_to_json(rs));
                        continue;
                }
                const DgVolumeState *v = rs->volumes && rs->volumes->len
                                                 ? &g_array_index(rs->volumes, DgVolumeState, 0) : NULL;
                g_autofree char *sync = v && v->done >= 0 ? g_strdup_printf("%.1f %%", v->done) : g_strdup("-");
                printf("%-40s %-10s %-14s %-13s %-13s %s\n", name, dg_role_name(rs->role), dg_conn_name(rs->conn),
                       v ? dg_disk_name(v->disk) : "-", v ? dg_disk_name(v->peer_disk) : "-", sync);
        }
        if (a->given & OPT_JSON)
                print_json(arr);
        return EXIT_OK;
}

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(DgSite) site = NULL;
        const char *site_path = DEFAULT_SITE, *node = NULL;
        const CmdSpec *spec = NULL;
        CmdArgs a = { 0 };
        gboolean verbose = FALSE;
        int i = 1, rc;

        for (; i < argc && argv[i][0] == '-'; i++) {
                if (g_str_equal(argv[i], "--help") || g_str_equal(argv[i], "-h")) {
                        fputs(usage_text, stdout);
                        return EXIT_OK;
                } else if (g_str_equal(argv[i], "--version")) {
                        printf("dgctl %s\n", PK_VERSION);
                        return EXIT_OK;
                } else if (g_str_equal(argv[i], "--verbose") || g_str_equal(argv[i], "-v")) {
                        verbose = TRUE;
                } else if (g_str_equal(argv[i], "--site") && i + 1 < argc) {
                        site_path = argv[++i];
                } else if (g_str_equal(argv[i], "--node") && i + 1 < argc) {
                        node = argv[++i];
                } else {
                        return usage_error("unknown option \"%s\"", argv[i]);
                }
        }
        pk_log_init("dgctl", verbose);
        if (i >= argc)
                return usage_error("no command given");
        for (guint k = 0; k < G_N_ELEMENTS(commands) && !spec; k++) {
                const CmdSpec *c = &commands[k];
                if (!g_str_equal(c->group, argv[i]))
                        continue;
                if (!c->name)
                        spec = c;
                else if (i + 1 < argc && g_str_equal(c->name, argv[i + 1]))
                        spec = c;
        }
        if (!spec)
                return usage_error("unknown command \"%s%s%s\"", argv[i], i + 1 < argc ? " " : "",
                                   i + 1 < argc ? argv[i + 1] : "");
        i += spec->name ? 2 : 1;
        rc = parse_cmd_args(argc - i, argv + i, spec, &a);
        if (rc != EXIT_OK)
                goto out;
        if (!g_str_equal(spec->group, "status") && !(site = dg_site_load(site_path, node, &error))) {
                rc = report(error);
                goto out;
        }
        if (g_str_equal(spec->group, "status"))
                rc = cmd_status(&a);
        else if (g_str_equal(spec->group, "lv"))
                rc = cmd_lv_list(site, &a);
        else if (g_str_equal(spec->group, "vg"))
                rc = cmd_vg_show(site, &a);
        else if (g_str_equal(spec->name, "create") || g_str_equal(spec->name, "grow"))
                rc = cmd_create(site, &a, g_str_equal(spec->name, "grow"));
        else if (g_str_equal(spec->name, "render"))
                rc = cmd_render(site, &a);
        else if (g_str_equal(spec->name, "sync"))
                rc = cmd_sync(site, &a);
        else if (g_str_equal(spec->name, "split-brain"))
                rc = cmd_split_brain(site, &a);
        else
                rc = cmd_simple(site, &a, spec->name);
out:
        if (a.args)
                g_ptr_array_unref(a.args);
        return rc;
}
