/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A `hactl guest create` golden case (guest-create, guest-create-steps):
 * a key file with the options as given ([options]: name, memory, vcpus,
 * disk, image, kernel, initrd, cmdline, config (the file's text), prefer,
 * priority, probe, without-fencing, no-wait-sync, overcommit) and what the
 * cluster and this node look like ([cluster]: local, peer, guests,
 * fencing-problem, image-size, image-error, image-format, image-refused,
 * guests-mib, mem-local-mib, mem-peer-mib). The driver gets
 * the plan, or prints the refusal with its code.
 */
#pragma once

#include "ham-guest.h"

#include <stdio.h>

typedef struct {
        GKeyFile *kf;
        HamGuestCreateOpts opts;
        HamGuestCreateEnv env;
        GPtrArray *strings; /* what opts and env point to */
        char **guests;
} GuestCreateCase;

static void guest_create_case_clear(GuestCreateCase *c)
{
        g_clear_pointer(&c->kf, g_key_file_unref);
        g_clear_pointer(&c->strings, g_ptr_array_unref);
        g_clear_pointer(&c->guests, g_strfreev);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(GuestCreateCase, guest_create_case_clear)

static const char *case_get(GuestCreateCase *c, const char *group, const char *key)
{
        char *v = g_key_file_get_string(c->kf, group, key, NULL);

        if (v)
                g_ptr_array_add(c->strings, v);
        return v;
}

/* Loads @path into @c; FALSE (the usage printed) when it cannot be read. */
static gboolean guest_create_case_load(GuestCreateCase *c, int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        HamGuestCreateOpts *o = &c->opts;
        HamGuestCreateEnv *env = &c->env;

        c->kf = g_key_file_new();
        c->strings = g_ptr_array_new_with_free_func(g_free);
        if (argc != 2 || !g_key_file_load_from_file(c->kf, argv[1], G_KEY_FILE_NONE, &error)) {
                fprintf(stderr, "usage: %s FILE.in (%s)\n", argv[0], error ? error->message : "");
                return FALSE;
        }
        o->name = case_get(c, "options", "name");
        o->memory = case_get(c, "options", "memory");
        o->vcpus = case_get(c, "options", "vcpus");
        o->disk = case_get(c, "options", "disk");
        o->image = case_get(c, "options", "image");
        o->kernel = case_get(c, "options", "kernel");
        o->initrd = case_get(c, "options", "initrd");
        o->cmdline = case_get(c, "options", "cmdline");
        o->config = case_get(c, "options", "config");
        o->config_path = o->config ? "guest.json" : NULL;
        o->prefer = case_get(c, "options", "prefer");
        o->priority = case_get(c, "options", "priority");
        o->probe = case_get(c, "options", "probe");
        o->without_fencing = g_key_file_get_boolean(c->kf, "options", "without-fencing", NULL);
        o->no_wait_sync = g_key_file_get_boolean(c->kf, "options", "no-wait-sync", NULL);
        o->overcommit = g_key_file_get_boolean(c->kf, "options", "overcommit", NULL);
        env->local = case_get(c, "cluster", "local");
        env->peer = case_get(c, "cluster", "peer");
        c->guests = g_key_file_get_string_list(c->kf, "cluster", "guests", NULL, NULL);
        env->guests = (const char *const *)c->guests;
        env->fencing_problem = case_get(c, "cluster", "fencing-problem");
        env->image_size = g_key_file_has_key(c->kf, "cluster", "image-size", NULL) ?
                          g_key_file_get_int64(c->kf, "cluster", "image-size", NULL) : -1;
        env->image_error = case_get(c, "cluster", "image-error");
        env->image_format = case_get(c, "cluster", "image-format");
        env->image_refused = g_key_file_get_boolean(c->kf, "cluster", "image-refused", NULL);
        env->guests_mib = (guint64)g_key_file_get_uint64(c->kf, "cluster", "guests-mib", NULL);
        env->mem_local_mib = (guint64)g_key_file_get_uint64(c->kf, "cluster", "mem-local-mib", NULL);
        env->mem_peer_mib = (guint64)g_key_file_get_uint64(c->kf, "cluster", "mem-peer-mib", NULL);
        return TRUE;
}

/* The plan, or NULL with the refusal and its code printed. (transfer full) */
static HamGuestCreatePlan *guest_create_case_plan(GuestCreateCase *c)
{
        static const char *const error_names[] = {
                "failed", "invalid", "token", "conflict", "not-found", "pcmk", "timeout", "parse", "unsafe",
        };
        g_autoptr(GError) error = NULL;
        HamGuestCreatePlan *plan = ham_guest_create_plan(&c->opts, &c->env, &error);

        if (!plan)
                printf("error (%s): %s\n", error->code < (int)G_N_ELEMENTS(error_names) ?
                       error_names[error->code] : "?", error->message);
        return plan;
}
