/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pk.h"

#include <sys/wait.h>

gboolean pk_spawn_sync(const char *const *argv, char **ret_stdout,
                       char **ret_stderr, int *ret_status, GError **error)
{
        g_autofree char *out = NULL, *err = NULL;
        int status = 0;
        GSpawnFlags flags = G_SPAWN_SEARCH_PATH;

        g_return_val_if_fail(argv && argv[0], FALSE);
        if (!ret_stdout)
                flags |= G_SPAWN_STDOUT_TO_DEV_NULL;

        /* g_spawn_sync takes argv as char **, it does not modify it. */
        if (!g_spawn_sync(NULL, (char **)argv, NULL, flags, NULL, NULL,
                          ret_stdout ? &out : NULL, ret_stderr ? &err : NULL,
                          &status, error))
                return FALSE;

        if (ret_stdout)
                *ret_stdout = g_steal_pointer(&out);
        if (ret_stderr)
                *ret_stderr = g_steal_pointer(&err);
        if (ret_status)
                *ret_status = status;
        return TRUE;
}

gboolean pk_spawn_check(const char *program, int status, const char *stderr_text,
                        GError **error)
{
        g_autofree char *detail = NULL;

        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return TRUE;
        if (stderr_text && *stderr_text)
                detail = g_strchomp(g_strdup_printf(": %s", stderr_text));
        if (WIFSIGNALED(status))
                g_set_error(error, G_SPAWN_EXIT_ERROR, 128 + WTERMSIG(status),
                            "%s was killed by signal %d%s", program,
                            WTERMSIG(status), detail ? detail : "");
        else
                g_set_error(error, G_SPAWN_EXIT_ERROR, WEXITSTATUS(status),
                            "%s exited with status %d%s", program,
                            WEXITSTATUS(status), detail ? detail : "");
        return FALSE;
}
