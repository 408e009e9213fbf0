/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: arbitrary bytes as fence_plastik's stdin (the fencer's name=value lines). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autoptr(GError) error = NULL;
        FenAgentInput in;
        guint delay = 0;

        fen_agent_input_parse((const char *)data, size, &in);
        /* plastik's own lines are never forwarded */
        for (guint i = 0; i < in.forward->len; i++) {
                g_autofree char *line = g_strstrip(g_strdup(in.forward->pdata[i]));
                char *eq = strchr(line, '=');
                if (eq)
                        *eq = '\0';
                if (g_str_equal(line, "plastik_agent") || g_str_equal(line, "plastik_race_delay"))
                        abort();
        }
        if (fen_agent_params_check(&in, &delay, &error)) {
                if (delay > 300 || !in.agent || !g_str_has_prefix(in.agent, "fence_") || strchr(in.agent, '/'))
                        abort();
        } else if (!error || !strstr(error->message, "plastik_")) {
                abort();
        }
        fen_agent_input_clear(&in);
        return 0;
}
