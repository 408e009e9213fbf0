/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: {"guest": NAME, "status": a cluster-status answer} in,
 * hactl drill's verdict out (ham_drill_check()): its name and the node to
 * power off or the refusal's text; the exit code is the verdict's number.
 */
#include "ham-status.h"
#include "pk.h"

#include <stdio.h>

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *text = NULL, *node = NULL, *reason = NULL;
        g_autoptr(json_object) input = NULL;
        json_object *guest = NULL, *status = NULL;
        HamDrillVerdict verdict;
        gsize len;

        if (argc != 2) {
                fprintf(stderr, "usage: golden-ham-drill FILE\n");
                return 2;
        }
        if (!g_file_get_contents(argv[1], &text, &len, &error) ||
            !(input = pk_json_parse(text, (gssize)len, "case", &error))) {
                printf("error: %s\n", error->message);
                return 100;
        }
        json_object_object_get_ex(input, "guest", &guest);
        json_object_object_get_ex(input, "status", &status);
        g_autoptr(HamClusterStatus) st = ham_cluster_status_from_json(status, &error);
        if (!st) {
                printf("error: %s\n", error->message);
                return 100;
        }
        verdict = ham_drill_check(st, json_object_get_string(guest), &node, &reason);
        printf("%s: %s\n", ham_drill_verdict_name(verdict), verdict == HAM_DRILL_GO ? node : reason);
        return verdict;
}
