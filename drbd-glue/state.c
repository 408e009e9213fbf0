/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DRBD state model, fed by `drbdsetup events2 --statistics` lines.
 *
 * The same parser serves DRBD 8.4 and 9: drbd-utils prints both in the v9
 * vocabulary (8.4 lines carry a fixed "peer-node-id:0 conn-name:peer" and no
 * path objects). What it reads comes from a program we do not control, so
 * nothing here trusts a line: unknown objects, keys and values are counted
 * as warnings and skipped, never fatal, and the model stays consistent.
 *
 * plastik pairs two nodes, so a resource has at most one peer: the first
 * connection seen. Lines about further peers (DRBD 9 meshes) are warnings.
 */
#include "dg-internal.h"
#include "pk.h"

#include <math.h>
#include <string.h>

#define NAME_MAX_LEN 255
#define VOLUME_MAX 65535
#define MINOR_MAX 1048575
#define EXCERPT_MAX 100

/* ---- names ------------------------------------------------------------------ */

static const char *const role_names[] = { "Unknown", "Primary", "Secondary" };
static const char *const disk_names[] = {
        "DUnknown", "Diskless", "Attaching", "Detaching", "Failed", "Negotiating",
        "Inconsistent", "Outdated", "Consistent", "UpToDate",
};
static const char *const conn_names[] = {
        "Unknown", "StandAlone", "Disconnecting", "Unconnected", "Timeout",
        "BrokenPipe", "NetworkFailure", "ProtocolError", "TearDown", "Connecting",
        "Connected",
};
static const char *const repl_names[] = {
        "Unknown", "Off", "Established", "StartingSyncS", "StartingSyncT",
        "WFBitMapS", "WFBitMapT", "WFSyncUUID", "SyncSource", "SyncTarget",
        "PausedSyncS", "PausedSyncT", "VerifyS", "VerifyT", "Ahead", "Behind",
};

G_STATIC_ASSERT(G_N_ELEMENTS(role_names) == DG_ROLE_SECONDARY + 1);
G_STATIC_ASSERT(G_N_ELEMENTS(disk_names) == DG_DISK_UPTODATE + 1);
G_STATIC_ASSERT(G_N_ELEMENTS(conn_names) == DG_CONN_CONNECTED + 1);
G_STATIC_ASSERT(G_N_ELEMENTS(repl_names) == DG_REPL_BEHIND + 1);

static const char *name_of(const char *const *names, guint n, int value)
{
        return value >= 0 && (guint)value < n ? names[value] : "invalid";
}

const char *dg_role_name(DgRole role)
{
        return name_of(role_names, G_N_ELEMENTS(role_names), role);
}

const char *dg_disk_name(DgDiskState disk)
{
        return name_of(disk_names, G_N_ELEMENTS(disk_names), disk);
}

const char *dg_conn_name(DgConnState conn)
{
        return name_of(conn_names, G_N_ELEMENTS(conn_names), conn);
}

const char *dg_repl_name(DgReplState repl)
{
        return name_of(repl_names, G_N_ELEMENTS(repl_names), repl);
}

static int index_of(const char *const *names, guint n, const char *name)
{
        for (guint i = 0; i < n; i++)
                if (strcmp(names[i], name) == 0)
                        return (int)i;
        return -1;
}

gboolean dg_role_from_name(const char *name, DgRole *ret)
{
        int i = index_of(role_names, G_N_ELEMENTS(role_names), name);

        if (i < 0)
                return FALSE;
        *ret = (DgRole)i;
        return TRUE;
}

gboolean dg_disk_from_name(const char *name, DgDiskState *ret)
{
        int i = index_of(disk_names, G_N_ELEMENTS(disk_names), name);

        if (i < 0)
                return FALSE;
        *ret = (DgDiskState)i;
        return TRUE;
}

gboolean dg_conn_from_name(const char *name, DgConnState *ret)
{
        int i = index_of(conn_names, G_N_ELEMENTS(conn_names), name);

        /* drbdsetup-84 maps these itself; older tools print them raw. */
        if (i < 0 && strcmp(name, "WFConnection") == 0)
                i = DG_CONN_CONNECTING;
        if (i < 0 && strcmp(name, "WFReportParams") == 0)
                i = DG_CONN_CONNECTED;
        /* "Unknown" is no DRBD connection state: it is our own placeholder. */
        if (i <= 0)
                return FALSE;
        *ret = (DgConnState)i;
        return TRUE;
}

gboolean dg_repl_from_name(const char *name, DgReplState *ret)
{
        int i = index_of(repl_names, G_N_ELEMENTS(repl_names), name);

        /* In 8.4 a peer device's replication state is the device's
         * connection state, so while unconnected it is a connection state
         * name; drbdsetup-84 only renames WFReportParams (Off) and
         * Connected (Established). All of them mean: not replicating. */
        if (i < 0) {
                DgConnState conn;

                if (strcmp(name, "Connected") != 0 && dg_conn_from_name(name, &conn))
                        i = DG_REPL_OFF;
        }
        if (i <= 0)
                return FALSE;
        *ret = (DgReplState)i;
        return TRUE;
}

gboolean dg_repl_is_resync(DgReplState repl)
{
        return repl == DG_REPL_SYNC_SOURCE || repl == DG_REPL_SYNC_TARGET ||
               repl == DG_REPL_PAUSED_SYNC_S || repl == DG_REPL_PAUSED_SYNC_T;
}

/* ---- the model ------------------------------------------------------------- */

/* Which objects of a volume DRBD reported; a volume none of them holds any
 * more is dropped. DONE_REPORTED: DRBD 9 prints done: itself, so we stop
 * deriving it from size and out-of-sync. */
enum {
        VOL_DEVICE = 1 << 0,
        VOL_PEER_DEVICE = 1 << 1,
        VOL_DONE_REPORTED = 1 << 2,
};

typedef struct {
        DgResourceState pub;    /* first: dg_state_lookup() hands this out */
        char *conn_key;         /* "peer-node-id/conn-name" of our one peer */
        GArray *vol_flags;      /* guint8 per entry of pub.volumes */
} Resource;

struct DgState {
        GHashTable *resources;  /* name -> Resource* */
        gboolean complete;
        guint warnings;
        guint64 lines;
        char *changed;          /* what the last dg_state_feed_line() returned */
};

static void resource_free(Resource *res)
{
        if (!res)
                return;
        g_free(res->pub.name);
        g_free(res->pub.peer);
        g_free(res->pub.suspended);
        g_array_unref(res->pub.volumes);
        g_free(res->conn_key);
        g_array_unref(res->vol_flags);
        g_free(res);
}

static Resource *resource_new(const char *name)
{
        Resource *res = g_new0(Resource, 1);

        res->pub.name = g_strdup(name);
        res->pub.role = DG_ROLE_UNKNOWN;
        /* Until a connection object shows up the resource has no network
         * configuration, which DRBD calls StandAlone. */
        res->pub.conn = DG_CONN_STANDALONE;
        res->pub.peer_role = DG_ROLE_UNKNOWN;
        res->pub.volumes = g_array_new(FALSE, TRUE, sizeof(DgVolumeState));
        res->vol_flags = g_array_new(FALSE, TRUE, sizeof(guint8));
        return res;
}

DgState *dg_state_new(void)
{
        DgState *state = g_new0(DgState, 1);

        state->resources = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                                 (GDestroyNotify)resource_free);
        return state;
}

void dg_state_free(DgState *state)
{
        if (!state)
                return;
        g_hash_table_unref(state->resources);
        g_free(state->changed);
        g_free(state);
}

gboolean dg_state_complete(const DgState *state)
{
        return state->complete;
}

guint dg_state_warnings(const DgState *state)
{
        return state->warnings;
}

const DgResourceState *dg_state_lookup(const DgState *state, const char *name)
{
        Resource *res = name ? g_hash_table_lookup(state->resources, name) : NULL;

        return res ? &res->pub : NULL;
}

const DgResourceState *dg_state_lookup_minor(const DgState *state, int minor, int *ret_volume)
{
        GHashTableIter iter;
        gpointer value;

        if (minor < 0)
                return NULL;
        g_hash_table_iter_init(&iter, state->resources);
        while (g_hash_table_iter_next(&iter, NULL, &value)) {
                const Resource *res = value;
                for (guint i = 0; i < res->pub.volumes->len; i++) {
                        const DgVolumeState *v = &g_array_index(res->pub.volumes, DgVolumeState, i);
                        if (v->minor == minor) {
                                if (ret_volume)
                                        *ret_volume = v->volume;
                                return &res->pub;
                        }
                }
        }
        return NULL;
}

static int compare_strings(gconstpointer a, gconstpointer b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *dg_state_names(const DgState *state)
{
        GPtrArray *names = g_ptr_array_new();
        GHashTableIter iter;
        gpointer key;

        g_hash_table_iter_init(&iter, state->resources);
        while (g_hash_table_iter_next(&iter, &key, NULL))
                g_ptr_array_add(names, key);
        g_ptr_array_sort(names, compare_strings);
        return names;
}

const DgVolumeState *dg_volume_state_find(const DgResourceState *res, int volume)
{
        for (guint i = 0; i < res->volumes->len; i++) {
                const DgVolumeState *v = &g_array_index(res->volumes, DgVolumeState, i);

                if (v->volume == volume)
                        return v;
        }
        return NULL;
}

/* Index of @volume in @res, created (ordered by number) when @create. -1
 * when absent and not created. */
static int volume_index(Resource *res, int volume, gboolean create)
{
        guint i;

        for (i = 0; i < res->pub.volumes->len; i++) {
                int v = g_array_index(res->pub.volumes, DgVolumeState, i).volume;

                if (v == volume)
                        return (int)i;
                if (v > volume)
                        break;
        }
        if (!create)
                return -1;

        DgVolumeState fresh = {
                .volume = volume,
                .minor = -1,
                .disk = DG_DISK_UNKNOWN,
                .peer_disk = DG_DISK_UNKNOWN,
                .repl = DG_REPL_OFF,
                .out_of_sync_kib = 0,
                .done = -1,
                .size_kib = -1,
        };
        guint8 flags = 0;

        g_array_insert_val(res->pub.volumes, i, fresh);
        g_array_insert_val(res->vol_flags, i, flags);
        return (int)i;
}

static void volume_remove(Resource *res, int index)
{
        g_array_remove_index(res->pub.volumes, index);
        g_array_remove_index(res->vol_flags, index);
}

/* ---- line parsing --------------------------------------------------------- */

typedef struct {
        const char *key;
        const char *value;
} Field;

/* One parsed line. Field strings point into @buf. */
typedef struct {
        char *buf;
        const char *action;
        const char *object;
        GArray *fields;         /* Field */
        GPtrArray *bad_words;   /* words that are not KEY:VALUE */
        GString *problems;      /* "; "-separated, empty when the line is clean */
} Line;

static void line_clear(Line *line)
{
        g_free(line->buf);
        if (line->fields)
                g_array_unref(line->fields);
        if (line->bad_words)
                g_ptr_array_unref(line->bad_words);
        if (line->problems)
                g_string_free(line->problems, TRUE);
}

static void problem(Line *line, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void problem(Line *line, const char *fmt, ...)
{
        va_list ap;

        if (line->problems->len > 0)
                g_string_append(line->problems, "; ");
        va_start(ap, fmt);
        g_string_append_vprintf(line->problems, fmt, ap);
        va_end(ap);
}

static gboolean is_blank(char c)
{
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Splits @text into blank-separated words. A leading "--timestamps" prefix
 * (2024-01-02T03:04:05.123456+01:00) is dropped. */
static GPtrArray *split_words(char *text)
{
        GPtrArray *words = g_ptr_array_new();
        char *p = text;

        for (;;) {
                while (*p && is_blank(*p))
                        p++;
                if (!*p)
                        break;
                g_ptr_array_add(words, p);
                while (*p && !is_blank(*p))
                        p++;
                if (!*p)
                        break;
                *p++ = '\0';
        }
        if (words->len > 0) {
                const char *w = words->pdata[0];

                if (g_ascii_isdigit(w[0]) && strlen(w) >= 19 && w[4] == '-' && w[10] == 'T')
                        g_ptr_array_remove_index(words, 0);
        }
        return words;
}

static const char *field(const Line *line, const char *key)
{
        /* The last one wins, as it would in a key/value map. */
        for (guint i = line->fields->len; i > 0; i--) {
                const Field *f = &g_array_index(line->fields, Field, i - 1);

                if (strcmp(f->key, key) == 0)
                        return f->value;
        }
        return NULL;
}

/* Names and other identifiers end up in JSON and log messages: printable
 * UTF-8 without control characters, of sane length. */
static gboolean identifier_ok(const char *s)
{
        gsize len = strlen(s);

        if (len == 0 || len > NAME_MAX_LEN || !g_utf8_validate(s, (gssize)len, NULL))
                return FALSE;
        for (const char *p = s; *p; p++)
                if ((guchar)*p < 0x20 || *p == 0x7f)
                        return FALSE;
        return TRUE;
}

static gboolean parse_uint(const char *text, guint64 max, guint64 *ret)
{
        return text && g_ascii_string_to_unsigned(text, 10, 0, max, ret, NULL);
}

/* ---- applying a line ----------------------------------------------------------- */

static const char *const resource_keys[] = {
        "name", "role", "suspended", "write-ordering", "force-io-failures",
        "may_promote", "promotion_score", "new_name", NULL };
static const char *const connection_keys[] = {
        "name", "peer-node-id", "conn-name", "connection", "role", "congested",
        "ap-in-flight", "rs-in-flight", NULL };
static const char *const device_keys[] = {
        "name", "volume", "minor", "disk", "backing_dev", "client", "open",
        "quorum", "size", "read", "written", "al-writes", "bm-writes",
        "upper-pending", "lower-pending", "al-suspended", "blocked", NULL };
static const char *const peer_device_keys[] = {
        "name", "peer-node-id", "conn-name", "volume", "replication", "peer-disk",
        "peer-client", "resync-suspended", "received", "sent", "out-of-sync",
        "pending", "unacked", "done", "rs-total", "rs-dt-start-ms",
        "rs-paused-ms", "rs-dt0-ms", "rs-db0-sectors", "rs-dt1-ms",
        "rs-db1-sectors", "ov-start-sector", "ov-stop-sector", "ov-position",
        "ov-left", "ov-skipped", "rs-failed", "rs-same-csum", "want", "dbdt",
        "dbdt0", "dbdt1", "eta", NULL };
static const char *const path_keys[] = {
        "name", "peer-node-id", "conn-name", "local", "peer", "established", NULL };
static const char *const helper_keys[] = {
        "name", "peer-node-id", "conn-name", "local", "peer", "volume", "minor",
        "helper", "status", NULL };

/* Called once the line is known to be an event of a known object, so
 * that a line of prose gets one warning, not one per word. */
static void check_keys(Line *line, const char *const *known)
{
        for (guint i = 0; i < line->bad_words->len; i++)
                problem(line, "'%s' is not KEY:VALUE", (const char *)line->bad_words->pdata[i]);
        for (guint i = 0; i < line->fields->len; i++) {
                const Field *f = &g_array_index(line->fields, Field, i);

                if (!g_strv_contains(known, f->key))
                        problem(line, "unknown key '%s'", f->key);
        }
}

/* The identity of a peer: DRBD 9 names connections; 8.4 prints a fixed
 * "peer-node-id:0 conn-name:peer". */
static char *conn_key(const Line *line)
{
        const char *id = field(line, "peer-node-id");
        const char *name = field(line, "conn-name");

        /* 8.4 leaves conn-name out of a StandAlone connection's line and
         * prints it once the connection is configured again: one peer. */
        if (!name && g_strcmp0(id, "0") == 0)
                name = "peer";
        return g_strdup_printf("%s/%s", id ? id : "", name ? name : "");
}

/* TRUE when the connection or peer-device line is about our one peer
 * (adopting it when the resource has none yet). */
static gboolean our_peer(Resource *res, Line *line, gboolean adopt)
{
        g_autofree char *key = conn_key(line);
        const char *name = field(line, "conn-name");

        if (!res->conn_key) {
                if (!adopt)
                        return TRUE;
                res->conn_key = g_steal_pointer(&key);
                g_clear_pointer(&res->pub.peer, g_free);
                /* 8.4's stand-in name is no node name. */
                if (name && identifier_ok(name) &&
                    !(strcmp(name, "peer") == 0 && g_strcmp0(field(line, "peer-node-id"), "0") == 0))
                        res->pub.peer = g_strdup(name);
                return TRUE;
        }
        if (strcmp(res->conn_key, key) == 0)
                return TRUE;
        problem(line, "a second peer (%s) is ignored: plastik pairs two nodes", key);
        return FALSE;
}

static void set_role(Line *line, const char *key, DgRole *target)
{
        const char *v = field(line, key);

        if (!v)
                return;
        if (!dg_role_from_name(v, target)) {
                problem(line, "unknown %s '%s'", key, v);
                *target = DG_ROLE_UNKNOWN;
        }
}

static void set_disk(Line *line, const char *key, DgDiskState *target)
{
        const char *v = field(line, key);

        if (!v)
                return;
        if (!dg_disk_from_name(v, target)) {
                problem(line, "unknown %s '%s'", key, v);
                *target = DG_DISK_UNKNOWN;
        }
}

/* TRUE when @key is present and valid; @target is only set then. */
static gboolean set_uint(Line *line, const char *key, guint64 max, guint64 *target)
{
        const char *v = field(line, key);

        if (!v)
                return FALSE;
        if (!parse_uint(v, max, target)) {
                problem(line, "%s '%s' is not a number from 0 to %" G_GUINT64_FORMAT,
                        key, v, max);
                return FALSE;
        }
        return TRUE;
}

/* Resync progress: DRBD 9 prints done: itself. 8.4 does not, so it is
 * derived the way drbdsetup-84's status does: the share of the device
 * that is not out of sync. */
static void update_done(Resource *res, int index, const char *reported)
{
        DgVolumeState *v = &g_array_index(res->pub.volumes, DgVolumeState, index);
        guint8 *flags = &g_array_index(res->vol_flags, guint8, index);
        gboolean resync = dg_repl_is_resync(v->repl);
        gboolean verify = v->repl == DG_REPL_VERIFY_S || v->repl == DG_REPL_VERIFY_T;

        if (!resync && !verify) {
                v->done = -1;
                *flags &= ~VOL_DONE_REPORTED;
                return;
        }
        if (reported) {
                v->done = g_ascii_strtod(reported, NULL);
                *flags |= VOL_DONE_REPORTED;
                return;
        }
        if (resync && !(*flags & VOL_DONE_REPORTED) && v->size_kib > 0) {
                double left = (double)v->out_of_sync_kib / (double)v->size_kib;

                v->done = 100.0 * (1.0 - MIN(left, 1.0));
        }
}

static gboolean done_ok(const char *text)
{
        char *end = NULL;
        double d;

        if (!text || !*text)
                return FALSE;
        d = g_ascii_strtod(text, &end);
        return *end == '\0' && isfinite(d) && d >= 0 && d <= 100;
}

/* Returns the volume number from @line, or -1 with a problem noted. */
static int line_volume(Line *line)
{
        guint64 v;
        const char *text = field(line, "volume");

        if (!text) {
                problem(line, "no volume");
                return -1;
        }
        if (!parse_uint(text, VOLUME_MAX, &v)) {
                problem(line, "volume '%s' is not a number from 0 to %d", text, VOLUME_MAX);
                return -1;
        }
        return (int)v;
}

/* "suspended:no" or the reasons, comma-separated ("fencing", "user",
 * "no-data", "quorum"): a frozen resource is what the guest agent's monitor
 * must tell from a hung guest. A reason this code does not know still means
 * suspended. */
static void set_suspended(Line *line, char **target)
{
        const char *text = field(line, "suspended");

        if (!text)
                return;
        if (strcmp(text, "no") == 0) {
                g_clear_pointer(target, g_free);
                return;
        }
        for (const char *c = text; *c; c++) {
                if (!g_ascii_isalnum(*c) && *c != '-' && *c != ',') {
                        problem(line, "suspended '%s' is not a list of reasons", text);
                        return;
                }
        }
        if (!*text) {
                problem(line, "suspended is empty");
                return;
        }
        g_free(*target);
        *target = g_strdup(text);
}

static void apply_resource(DgState *state, Resource *res, Line *line, gboolean destroy)
{
        const char *new_name;

        check_keys(line, resource_keys);
        if (destroy) {
                g_hash_table_remove(state->resources, res->pub.name);
                return;
        }
        set_role(line, "role", &res->pub.role);
        set_suspended(line, &res->pub.suspended);
        /* DRBD 9 renames in place: "rename resource name:OLD new_name:NEW". */
        new_name = field(line, "new_name");
        if (new_name && strcmp(line->action, "rename") == 0) {
                if (!identifier_ok(new_name)) {
                        problem(line, "invalid new_name");
                } else if (g_hash_table_contains(state->resources, new_name)) {
                        problem(line, "new_name '%s' exists already", new_name);
                } else {
                        g_hash_table_steal(state->resources, res->pub.name);
                        g_free(res->pub.name);
                        res->pub.name = g_strdup(new_name);
                        g_hash_table_insert(state->resources, res->pub.name, res);
                }
        }
}

static void apply_connection(Resource *res, Line *line, gboolean destroy)
{
        check_keys(line, connection_keys);
        if (!our_peer(res, line, !destroy))
                return;
        if (destroy) {
                g_clear_pointer(&res->conn_key, g_free);
                g_clear_pointer(&res->pub.peer, g_free);
                res->pub.conn = DG_CONN_STANDALONE;
                res->pub.peer_role = DG_ROLE_UNKNOWN;
                return;
        }
        const char *v = field(line, "connection");
        if (v && !dg_conn_from_name(v, &res->pub.conn)) {
                problem(line, "unknown connection '%s'", v);
                res->pub.conn = DG_CONN_UNKNOWN;
        }
        set_role(line, "role", &res->pub.peer_role);
}

/*
 * The volume @vnr a device line (@flag VOL_DEVICE) or peer-device line
 * (VOL_PEER_DEVICE) is about, its index in *@ret_index. The line's flag is
 * set, or cleared when the line destroys it; a volume neither kind of line
 * describes any more is removed, and then, as for a volume the line may
 * not create, NULL.
 */
static DgVolumeState *line_volume_state(Resource *res, int vnr, gboolean destroy, guint8 flag, int *ret_index)
{
        guint8 other = flag == VOL_DEVICE ? VOL_PEER_DEVICE : VOL_DEVICE;
        int index = volume_index(res, vnr, !destroy);
        guint8 *flags;

        if (index < 0)
                return NULL;
        flags = &g_array_index(res->vol_flags, guint8, index);
        if (!destroy) {
                *flags |= flag;
        } else {
                *flags &= ~flag;
                if (!(*flags & other)) {
                        volume_remove(res, index);
                        return NULL;
                }
        }
        *ret_index = index;
        return &g_array_index(res->pub.volumes, DgVolumeState, index);
}

static void apply_device(Resource *res, Line *line, gboolean destroy)
{
        int vnr, index;
        DgVolumeState *v;
        guint64 n;

        check_keys(line, device_keys);
        vnr = line_volume(line);
        if (vnr < 0 || !(v = line_volume_state(res, vnr, destroy, VOL_DEVICE, &index)))
                return;
        if (destroy) {
                v->minor = -1;
                v->disk = DG_DISK_UNKNOWN;
                v->size_kib = -1;
                update_done(res, index, NULL);
                return;
        }
        if (set_uint(line, "minor", MINOR_MAX, &n))
                v->minor = (int)n;
        set_disk(line, "disk", &v->disk);
        if (set_uint(line, "size", G_MAXINT64, &n))
                v->size_kib = (gint64)n;
        update_done(res, index, NULL);
}

static void apply_peer_device(Resource *res, Line *line, gboolean destroy)
{
        int vnr, index;
        DgVolumeState *v;
        const char *text, *done;

        check_keys(line, peer_device_keys);
        vnr = line_volume(line);
        if (vnr < 0 || !our_peer(res, line, !destroy) ||
            !(v = line_volume_state(res, vnr, destroy, VOL_PEER_DEVICE, &index)))
                return;
        if (destroy) {
                v->repl = DG_REPL_OFF;
                v->peer_disk = DG_DISK_UNKNOWN;
                update_done(res, index, NULL);
                return;
        }
        text = field(line, "replication");
        if (text && !dg_repl_from_name(text, &v->repl)) {
                problem(line, "unknown replication '%s'", text);
                v->repl = DG_REPL_UNKNOWN;
        }
        set_disk(line, "peer-disk", &v->peer_disk);
        /* drbdsetup leaves out out-of-sync when it is 0 unless verbose; the
         * statistics block (received: is always in it) says it was sent. */
        if (field(line, "out-of-sync"))
                set_uint(line, "out-of-sync", G_MAXUINT64, &v->out_of_sync_kib);
        else if (field(line, "received"))
                v->out_of_sync_kib = 0;
        done = field(line, "done");
        if (done && !done_ok(done)) {
                problem(line, "done '%s' is not a percentage", done);
                done = NULL;
        }
        update_done(res, index, done);
}

/* Copies what dg_state_feed_line() compares to tell whether a line changed
 * anything a reader of the model can see. */
typedef struct {
        DgRole role, peer_role;
        DgConnState conn;
        char *peer;
        GArray *volumes;
} Snapshot;

static void snapshot_take(Snapshot *snap, const Resource *res)
{
        snap->role = res->pub.role;
        snap->peer_role = res->pub.peer_role;
        snap->conn = res->pub.conn;
        snap->peer = g_strdup(res->pub.peer);
        snap->volumes = g_array_copy(res->pub.volumes);
}

static void snapshot_clear(Snapshot *snap)
{
        g_free(snap->peer);
        if (snap->volumes)
                g_array_unref(snap->volumes);
}

static gboolean volume_equal(const DgVolumeState *a, const DgVolumeState *b)
{
        return a->volume == b->volume && a->minor == b->minor && a->disk == b->disk &&
               a->peer_disk == b->peer_disk && a->repl == b->repl &&
               a->out_of_sync_kib == b->out_of_sync_kib && a->done == b->done &&
               a->size_kib == b->size_kib;
}

static gboolean snapshot_equal(const Snapshot *snap, const Resource *res)
{
        if (snap->role != res->pub.role || snap->peer_role != res->pub.peer_role ||
            snap->conn != res->pub.conn || g_strcmp0(snap->peer, res->pub.peer) != 0 ||
            snap->volumes->len != res->pub.volumes->len)
                return FALSE;
        for (guint i = 0; i < snap->volumes->len; i++)
                if (!volume_equal(&g_array_index(snap->volumes, DgVolumeState, i),
                                  &g_array_index(res->pub.volumes, DgVolumeState, i)))
                        return FALSE;
        return TRUE;
}

static gboolean parse_line(const char *text, Line *line)
{
        g_autoptr(GPtrArray) words = NULL;

        line->buf = g_strdup(text);
        line->fields = g_array_new(FALSE, FALSE, sizeof(Field));
        line->bad_words = g_ptr_array_new();
        line->problems = g_string_new(NULL);
        words = split_words(line->buf);
        if (words->len == 0)
                return FALSE;
        line->action = words->pdata[0];
        line->object = words->len > 1 ? words->pdata[1] : NULL;
        for (guint i = 2; i < words->len; i++) {
                char *w = words->pdata[i];
                char *colon = strchr(w, ':');
                Field f;

                if (!colon || colon == w) {
                        g_ptr_array_add(line->bad_words, w);
                        continue;
                }
                *colon = '\0';
                f.key = w;
                f.value = colon + 1;
                g_array_append_val(line->fields, f);
        }
        return TRUE;
}

static char *excerpt(const char *text)
{
        g_autofree char *cut = g_strndup(text, EXCERPT_MAX);
        g_autofree char *esc = g_strescape(cut, NULL);

        return strlen(text) > EXCERPT_MAX ? g_strdup_printf("%s...", esc) : g_steal_pointer(&esc);
}

/* Applies @line; returns the changed resource (owned by @state) or NULL. */
static const char *apply(DgState *state, Line *line)
{
        static const char *const actions[] = {
                "exists", "create", "change", "destroy", "rename", "call", "response", NULL };
        const char *name;
        Resource *res;
        gboolean destroy, created = FALSE, changed;
        Snapshot snap = { 0 };

        if (!g_strv_contains(actions, line->action)) {
                problem(line, "not an event (unknown action '%s')", line->action);
                return NULL;
        }
        if (!line->object) {
                problem(line, "no object");
                return NULL;
        }
        if (strcmp(line->action, "call") == 0 || strcmp(line->action, "response") == 0) {
                /* Handler calls say nothing about state; the state changes
                 * they cause come as change lines. */
                if (strcmp(line->object, "helper") != 0)
                        problem(line, "%s of unknown object '%s'", line->action, line->object);
                else
                        check_keys(line, helper_keys);
                return NULL;
        }
        if (strcmp(line->object, "path") == 0) {
                check_keys(line, path_keys);
                return NULL;
        }
        if (strcmp(line->object, "resource") != 0 && strcmp(line->object, "connection") != 0 &&
            strcmp(line->object, "device") != 0 && strcmp(line->object, "peer-device") != 0) {
                problem(line, "unknown object '%s'", line->object);
                return NULL;
        }
        if (strcmp(line->action, "rename") == 0 && strcmp(line->object, "resource") != 0) {
                problem(line, "rename of a %s", line->object);
                return NULL;
        }
        name = field(line, "name");
        if (!name || !identifier_ok(name)) {
                problem(line, name ? "invalid resource name" : "no resource name");
                return NULL;
        }

        destroy = strcmp(line->action, "destroy") == 0;
        res = g_hash_table_lookup(state->resources, name);
        if (!res) {
                if (destroy) {
                        problem(line, "destroy of unknown resource '%s'", name);
                        return NULL;
                }
                /* Objects of a resource come after the resource itself; one
                 * that does not means events were lost. Model it anyway. */
                if (strcmp(line->object, "resource") != 0 || strcmp(line->action, "change") == 0 ||
                    strcmp(line->action, "rename") == 0)
                        problem(line, "%s %s of unknown resource '%s'", line->action,
                                line->object, name);
                res = resource_new(name);
                g_hash_table_insert(state->resources, res->pub.name, res);
                created = TRUE;
        } else {
                snapshot_take(&snap, res);
        }

        g_free(state->changed);
        state->changed = g_strdup(name);

        if (strcmp(line->object, "resource") == 0) {
                apply_resource(state, res, line, destroy);
                if (destroy) {
                        snapshot_clear(&snap);
                        return state->changed;
                }
                /* A rename changes the name the caller must look up. */
                if (strcmp(res->pub.name, state->changed) != 0) {
                        g_free(state->changed);
                        state->changed = g_strdup(res->pub.name);
                        snapshot_clear(&snap);
                        return state->changed;
                }
        } else if (strcmp(line->object, "connection") == 0) {
                apply_connection(res, line, destroy);
        } else if (strcmp(line->object, "device") == 0) {
                apply_device(res, line, destroy);
        } else {
                apply_peer_device(res, line, destroy);
        }

        changed = created || !snapshot_equal(&snap, res);
        snapshot_clear(&snap);
        return changed ? state->changed : NULL;
}

const char *dg_state_feed_line(DgState *state, const char *line, char **ret_warning)
{
        Line parsed = { 0 };
        const char *result = NULL;
        gsize len;

        state->lines++;
        len = strlen(line);
        while (len > 0 && is_blank(line[len - 1]))
                len--;

        if (!parse_line(line, &parsed)) {
                /* Blank lines carry nothing and are no error. */
        } else if (strcmp(parsed.action, "-") == 0) {
                /* "exists -" ends the initial dump; "- skipped N" says the
                 * kernel dropped N events, so the model may be stale. */
                if (g_strcmp0(parsed.object, "skipped") == 0)
                        problem(&parsed, "events were lost; the model may be stale until "
                                "drbdsetup events2 is restarted");
                else
                        problem(&parsed, "not an event");
        } else if (strcmp(parsed.action, "exists") == 0 && g_strcmp0(parsed.object, "-") == 0) {
                state->complete = TRUE;
                if (parsed.fields->len > 0 || parsed.bad_words->len > 0)
                        problem(&parsed, "text after 'exists -'");
        } else {
                result = apply(state, &parsed);
        }

        if (parsed.problems && parsed.problems->len > 0) {
                state->warnings++;
                if (ret_warning) {
                        g_autofree char *quoted = excerpt(line);

                        /* Problems quote keys and values, which may be any bytes. */
                        g_autofree char *problems = g_utf8_make_valid(parsed.problems->str, -1);

                        *ret_warning = g_strdup_printf("events2 line %" G_GUINT64_FORMAT
                                                       ": %s: \"%s\"", state->lines,
                                                       problems, quoted);
                }
        }
        line_clear(&parsed);
        return result;
}

/* ---- JSON -------------------------------------------------------------------- */

static json_object *json_optional_int(gint64 value)
{
        return value < 0 ? NULL : json_object_new_int64(value);
}

json_object *dg_resource_state_to_json(const DgResourceState *res)
{
        json_object *obj = json_object_new_object();
        json_object *vols = json_object_new_array();

        json_object_object_add(obj, "name", json_object_new_string(res->name));
        json_object_object_add(obj, "role", json_object_new_string(dg_role_name(res->role)));
        json_object_object_add(obj, "connection", json_object_new_string(dg_conn_name(res->conn)));
        json_object_object_add(obj, "peer-role", json_object_new_string(dg_role_name(res->peer_role)));
        json_object_object_add(obj, "peer", res->peer ? json_object_new_string(res->peer) : NULL);
        /* Only while DRBD holds the I/O: the key's absence is "no". */
        if (res->suspended)
                json_object_object_add(obj, "suspended", json_object_new_string(res->suspended));
        for (guint i = 0; i < res->volumes->len; i++) {
                const DgVolumeState *v = &g_array_index(res->volumes, DgVolumeState, i);
                json_object *vo = json_object_new_object();
                json_object *done = NULL;

                if (v->done >= 0) {
                        /* Two decimals as drbdsetup prints it, and the same
                         * text on every machine. */
                        char buf[G_ASCII_DTOSTR_BUF_SIZE];

                        g_ascii_formatd(buf, sizeof(buf), "%.2f", v->done);
                        done = json_object_new_double_s(g_ascii_strtod(buf, NULL), buf);
                }
                json_object_object_add(vo, "volume", json_object_new_int(v->volume));
                json_object_object_add(vo, "minor", json_optional_int(v->minor));
                json_object_object_add(vo, "disk", json_object_new_string(dg_disk_name(v->disk)));
                json_object_object_add(vo, "peer-disk", json_object_new_string(dg_disk_name(v->peer_disk)));
                json_object_object_add(vo, "replication", json_object_new_string(dg_repl_name(v->repl)));
                json_object_object_add(vo, "out-of-sync-kib",
                                       json_object_new_uint64(v->out_of_sync_kib));
                json_object_object_add(vo, "done", done);
                json_object_object_add(vo, "size-kib", json_optional_int(v->size_kib));
                json_object_array_add(vols, vo);
        }
        json_object_object_add(obj, "volumes", vols);
        return obj;
}

json_object *dg_state_to_json(const DgState *state)
{
        json_object *obj = json_object_new_object();
        json_object *list = json_object_new_array();
        g_autoptr(GPtrArray) names = dg_state_names(state);

        json_object_object_add(obj, "complete", json_object_new_boolean(state->complete));
        json_object_object_add(obj, "warnings", json_object_new_int64(state->warnings));
        for (guint i = 0; i < names->len; i++)
                json_object_array_add(list, dg_resource_state_to_json(
                        dg_state_lookup(state, names->pdata[i])));
        json_object_object_add(obj, "resources", list);
        return obj;
}

/* ---- /proc/drbd (DRBD 8.4) ---------------------------------------------------- */

gboolean dg_proc_drbd_field(const char *text, int minor, const char *key, char **ret_value)
{
        g_auto(GStrv) lines = NULL;
        g_autofree char *prefix = NULL;

        if (!text || minor < 0 || !key || !*key)
                return FALSE;
        prefix = g_strdup_printf("%s:", key);
        lines = g_strsplit(text, "\n", -1);
        for (char **l = lines; *l; l++) {
                const char *p = *l;
                char *end = NULL;
                guint64 m;

                while (*p == ' ')
                        p++;
                if (!g_ascii_isdigit(*p))
                        continue;
                m = g_ascii_strtoull(p, &end, 10);
                if (!end || *end != ':' || m != (guint64)minor)
                        continue;
                g_auto(GStrv) words = g_strsplit(end + 1, " ", -1);
                for (char **w = words; *w; w++) {
                        if (g_str_equal(*w, "cs:Unconfigured"))
                                return FALSE;
                        if (g_str_has_prefix(*w, prefix) && (*w)[strlen(prefix)]) {
                                *ret_value = g_strdup(*w + strlen(prefix));
                                return TRUE;
                        }
                }
                return FALSE;
        }
        return FALSE;
}
