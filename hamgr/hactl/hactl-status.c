/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hactl status and hactl verify: one request to the local hamgrd, judged
 * and printed here (ham-status.h), so the times are in the admin's zone.
 */
#include "ham-api.h"
#include "ham-status.h"
#include "pk.h"
#include "ham-api-client.h"
#include "hactl.h"

#include <stdio.h>

/* The answer of @cmd, or NULL after telling why. */
static json_object *ask(const char *socket, const char *cmd)
{
        g_autoptr(GError) error = NULL;
        json_object *result = NULL;
        if (!ham_api_call(socket, cmd, NULL, &result, &error)) {
                fprintf(stderr, "hactl: %s\n", error->message);
                if (g_error_matches(error, HAM_API_ERROR, HAM_API_ERROR_UNKNOWN_COMMAND))
                        fprintf(stderr, "hactl: hamgrd is older than hactl; restart it\n");
                return NULL;
        }
        return result;
}

/* hamgrd answered, but not in the form it documents: said naming the
 * field, and the exit code of an answer not of the protocol's form. */
static int bad_answer(const char *cmd, const GError *error)
{
        fprintf(stderr, "hactl: hamgrd's %s answer: %s\n", cmd, error->message);
        return 1;
}

static void print(json_object *obj, gboolean json, char *(*render)(json_object *))
{
        if (json) {
                g_autofree char *text = pk_json_to_string(obj, TRUE);
                printf("%s\n", text);
        } else {
                g_autofree char *text = render(obj);
                fputs(text, stdout);
        }
}

int ham_hactl_status(const char *socket, gboolean json)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) input = ask(socket, "cluster-status");
        if (!input)
                return 1;
        g_autoptr(HamClusterStatus) st = ham_cluster_status_from_json(input, &error);
        if (!st)
                return bad_answer("cluster-status", error);
        g_autoptr(json_object) model = ham_status_build(st);
        print(model, json, ham_status_render);
        return ham_status_exit_code(model);
}

int ham_hactl_verify(const char *socket, gboolean json)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(json_object) input = ask(socket, "verify-facts");
        if (!input)
                return 1;
        g_autoptr(HamVerifyFacts) vf = ham_verify_facts_from_json(input, &error);
        if (!vf)
                return bad_answer("verify-facts", error);
        g_autoptr(json_object) result = ham_verify(vf);
        print(result, json, ham_verify_render);
        return ham_verify_exit_code(result);
}
