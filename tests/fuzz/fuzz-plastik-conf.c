/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as plastik.conf. Whatever loads must save to
 * text that loads to the same configuration, and render a corosync.conf.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ham.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autoptr(HamConf) conf = ham_conf_load_data((const char *)data, size, "fuzz", NULL);
        g_autofree char *text = NULL, *corosync = NULL;

        if (!conf)
                return 0;
        text = ham_conf_to_data(conf);
        g_autoptr(HamConf) again = ham_conf_load_data(text, strlen(text), "again", NULL);
        if (!again || !ham_conf_equal(conf, again))
                abort();
        corosync = ham_corosync_conf_render(conf);
        if (!corosync || !strstr(corosync, "two_node: 1"))
                abort();
        return 0;
}
