/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden driver: reads a CIB, a line "=== crm_mon" and `crm_mon -1
 * --output-as=xml` output (or nothing after the line: Pacemaker not
 * reachable), and prints what hactl guest list --json shows and the
 * fencing rule's verdict.
 */
#include "ham-guest.h"
#include "pk.h"
#include "ham-pcmk.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(HamMonStatus) mon = NULL;
        g_autoptr(GPtrArray) guests = NULL;
        g_autoptr(json_object) arr = json_object_new_array();
        g_autofree char *text = NULL, *problem = NULL, *json = NULL;
        char *sep, *mon_xml;
        gsize len;

        if (argc != 2 || !g_file_get_contents(argv[1], &text, &len, &error)) {
                fprintf(stderr, "usage: golden-guest-list FILE.in\n");
                return 2;
        }
        sep = strstr(text, "=== crm_mon\n");
        if (!sep) {
                fprintf(stderr, "golden-guest-list: no \"=== crm_mon\" line\n");
                return 2;
        }
        *sep = '\0';
        mon_xml = sep + strlen("=== crm_mon\n");
        if (*mon_xml && !(mon = ham_crm_mon_parse(mon_xml, strlen(mon_xml), &error))) {
                printf("error: %s\n", error->message);
                return 1;
        }
        if (!ham_cib_fencing_problem(text, strlen(text), &problem, &error)) {
                printf("error: %s\n", error->message);
                return 1;
        }
        printf("fencing: %s\n", problem ? problem : "configured");
        guests = ham_guests_collect(text, strlen(text), mon, &error);
        if (!guests) {
                printf("error: %s\n", error->message);
                return 1;
        }
        for (guint i = 0; i < guests->len; i++)
                json_object_array_add(arr, ham_guest_info_to_json(guests->pdata[i]));
        json = pk_json_to_string(arr, TRUE);
        printf("%s\n", json);
        return 0;
}
