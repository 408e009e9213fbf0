/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Transient node attributes through pacemaker's attribute manager
 * (ham-pcmk-notify.h). attrd_updater is run asynchronously, argv only, one
 * at a time, so a hung attribute manager never stalls hamgrd's main loop.
 */
#include "ham-pcmk-notify.h"

#include <sys/wait.h>

struct HamAttrd {
        GHashTable *wanted;   /* name → value; NULL value: delete */
        GHashTable *written;  /* name → value as last written successfully */
        gboolean online;
        GPid child;
        char *child_name, *child_value;
        guint child_watch;
        guint writes;
        guint retry_source;
};

static void attrd_next(HamAttrd *ad);

static gboolean retry_cb(gpointer data)
{
        HamAttrd *ad = data;
        ad->retry_source = 0;
        attrd_next(ad);
        return G_SOURCE_REMOVE;
}

static void child_done(GPid pid, gint status, gpointer data)
{
        HamAttrd *ad = data;
        g_autoptr(GError) error = NULL;

        g_spawn_close_pid(pid);
        ad->child = 0;
        ad->child_watch = 0;
        if (g_spawn_check_wait_status(status, &error)) {
                if (ad->child_value)
                        g_hash_table_insert(ad->written, g_strdup(ad->child_name),
                                            g_strdup(ad->child_value));
                else
                        g_hash_table_remove(ad->written, ad->child_name);
                g_debug("attribute %s=%s written", ad->child_name,
                        ad->child_value ? ad->child_value : "(deleted)");
                g_clear_pointer(&ad->child_name, g_free);
                g_clear_pointer(&ad->child_value, g_free);
                attrd_next(ad);
                return;
        }
        /* Pacemaker may be on its way down or up: try again a bit later;
         * a reconnect rewrites everything anyway. */
        g_warning("attrd_updater for %s failed: %s", ad->child_name, error->message);
        g_clear_pointer(&ad->child_name, g_free);
        g_clear_pointer(&ad->child_value, g_free);
        if (ad->online && !ad->retry_source)
                ad->retry_source = g_timeout_add_seconds(5, retry_cb, ad);
}

/* The first wanted value that differs from what was written. */
static gboolean pending(HamAttrd *ad, const char **ret_name, const char **ret_value)
{
        GHashTableIter it;
        gpointer k, v;

        g_hash_table_iter_init(&it, ad->wanted);
        while (g_hash_table_iter_next(&it, &k, &v)) {
                gpointer have;
                gboolean known = g_hash_table_lookup_extended(ad->written, k, NULL, &have);
                if (v ? (!known || g_strcmp0(have, v) != 0) : known) {
                        *ret_name = k;
                        *ret_value = v;
                        return TRUE;
                }
        }
        return FALSE;
}

static void attrd_next(HamAttrd *ad)
{
        const char *name, *value;
        g_autoptr(GError) error = NULL;

        if (!ad->online || ad->child || ad->retry_source)
                return;
        /* Deleted attributes that were written are wiped from wanted once done. */
        if (!pending(ad, &name, &value))
                return;
        const char *argv[] = {
                "attrd_updater", "--name", name,
                value ? "--update" : "--delete", value, NULL,
        };
        if (!g_spawn_async(NULL, (char **)argv, NULL,
                           G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                           G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                           NULL, NULL, &ad->child, &error)) {
                g_warning("cannot run attrd_updater: %s", error->message);
                ad->retry_source = g_timeout_add_seconds(30, retry_cb, ad);
                return;
        }
        ad->writes++;
        ad->child_name = g_strdup(name);
        ad->child_value = g_strdup(value);
        ad->child_watch = g_child_watch_add(ad->child, child_done, ad);
}

HamAttrd *ham_attrd_new(void)
{
        HamAttrd *ad = g_new0(HamAttrd, 1);
        ad->wanted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        ad->written = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        return ad;
}

void ham_attrd_free(HamAttrd *ad)
{
        if (!ad)
                return;
        /* A running attrd_updater finishes by itself; it is not ours to kill. */
        g_clear_handle_id(&ad->child_watch, g_source_remove);
        g_clear_handle_id(&ad->retry_source, g_source_remove);
        g_hash_table_unref(ad->wanted);
        g_hash_table_unref(ad->written);
        g_free(ad->child_name);
        g_free(ad->child_value);
        g_free(ad);
}

void ham_attrd_set(HamAttrd *ad, const char *name, const char *value)
{
        gpointer old;
        if (g_hash_table_lookup_extended(ad->wanted, name, NULL, &old) &&
            g_strcmp0(old, value) == 0)
                return;
        g_hash_table_insert(ad->wanted, g_strdup(name), g_strdup(value));
        attrd_next(ad);
}

void ham_attrd_forget(HamAttrd *ad, const char *name, const char *value)
{
        gpointer wanted;
        if (g_hash_table_lookup_extended(ad->wanted, name, NULL, &wanted) && wanted)
                return;
        if (!g_hash_table_contains(ad->written, name))
                g_hash_table_insert(ad->written, g_strdup(name), g_strdup(value));
        g_hash_table_insert(ad->wanted, g_strdup(name), NULL);
        attrd_next(ad);
}

void ham_attrd_set_online(HamAttrd *ad, gboolean online)
{
        if (online == ad->online)
                return;
        ad->online = online;
        /* A pacemaker that restarted has forgotten every transient value. */
        g_hash_table_remove_all(ad->written);
        if (online) {
                g_clear_handle_id(&ad->retry_source, g_source_remove);
                attrd_next(ad);
        }
}

json_object *ham_attrd_to_json(HamAttrd *ad)
{
        json_object *obj = json_object_new_object();
        g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(ad->wanted),
                                            (GCompareFunc)g_strcmp0);
        for (GList *l = keys; l; l = l->next) {
                const char *v = g_hash_table_lookup(ad->wanted, l->data);
                if (v)
                        json_object_object_add(obj, l->data, json_object_new_string(v));
        }
        return obj;
}

guint ham_attrd_writes(HamAttrd *ad)
{
        return ad->writes;
}
