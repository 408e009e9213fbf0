/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fence_plastik's pure half: the fence race decision, its stdin parser and
 * its metadata.
 *
 * After a split both nodes' fencers shoot at the same moment; the node
 * whose fencer waits is the one that loses. Pacemaker's
 * priority-fencing-delay makes the fencer of the node with the lower
 * priority (fewer or less important guests) wait, so the node holding the
 * important guests survives. It waits even when the target simply lost
 * power, where there is no race at all: fence_plastik takes the delay over
 * and skips it when the target's fence device says it is off.
 */
#include "fen.h"

#include <stdio.h>
#include <string.h>

#define FEN_RACE_DELAY_DEFAULT 15
#define FEN_RACE_DELAY_MAX 300

FenPower fen_power_from_exit(int exit_code)
{
        /* The fence-agents protocol: status exits 0 when on, 2 when off;
         * 1 (or anything else) is an error, which proves nothing. */
        switch (exit_code) {
        case 0:
                return FEN_POWER_ON;
        case 2:
                return FEN_POWER_OFF;
        default:
                return FEN_POWER_ERROR;
        }
}

const char *fen_power_name(FenPower p)
{
        static const char *const names[] = { "unknown", "on", "off", "error" };

        return (guint)p < G_N_ELEMENTS(names) ? names[p] : "?";
}

void fen_race_decision_clear(FenRaceDecision *d)
{
        g_clear_pointer(&d->reason, g_free);
}

static FenRaceDecision no_delay(char *reason)
{
        return (FenRaceDecision){ .reason = reason };
}

/* The delay applies unless the target is known to be off. @why: what makes
 * the target the one to wait for. */
static FenRaceDecision pay_unless_off(const FenRace *r, const char *why)
{
        /* Why "off" is enough: in a split both nodes are up, each
         * running its own partition, so a fence device that reports the
         * target off is not looking at a split; the target lost power (or
         * was fenced already) and has no fencer to race with. A device
         * that cannot tell (an error, a timeout) proves nothing. */
        switch (r->power) {
        case FEN_POWER_UNKNOWN:
                return (FenRaceDecision){
                        .ask_status = TRUE,
                        .reason = g_strdup_printf("%s: asking its fence device whether it is off", why),
                };
        case FEN_POWER_OFF: {
                /* And the fencing is done: fence-agents' off would answer
                 * "Already OFF" from this very status, and their reboot
                 * only powers the node on, succeeding even when that fails
                 * ("the node was fenced successfully", fencing.py). */
                FenRaceDecision d = no_delay(g_strdup_printf(
                        "%s but its fence device reports it off: no delay, and it is fenced already%s", why,
                        g_strcmp0(r->action, "reboot") == 0 ? " (powering it on in the background)" : ""));
                d.off_already = TRUE;
                return d;
        }
        case FEN_POWER_ON:
        case FEN_POWER_ERROR:
                break;
        }
        return (FenRaceDecision){
                .delay_s = r->delay_s,
                .reason = g_strdup_printf("%s and its status is %s: waiting %u s (the fence race after a split)",
                                          why, fen_power_name(r->power), r->delay_s),
        };
}

FenRaceDecision fen_race_decide(const FenRace *r)
{
        const char *target = r->target ? r->target : "the target";
        int top = r->target_priority, lowest = r->target_priority;
        g_autofree char *why = NULL;

        /* Only the actions that take power away race: "on" and the
         * queries have nobody to race with. */
        if (g_strcmp0(r->action, "off") != 0 && g_strcmp0(r->action, "reboot") != 0)
                return no_delay(g_strdup_printf("%s is not a fencing action: no delay",
                                                r->action ? r->action : "(none)"));
        if (r->delay_s == 0)
                return no_delay(g_strdup("plastik_race_delay is 0: no delay"));
        /* Without the CIB neither the priorities nor the membership are
         * known: the delay is the conservative side (at worst the survivor
         * of a real split is a little late). */
        if (!r->cib_readable)
                return pay_unless_off(r, "the CIB is unreadable (the priorities are unknown)");
        /* Pacemaker: "no need to request a delay if the fencing target is
         * in our partition": it is not racing, it is being fenced by its
         * own cluster (a failed stop, say). */
        if (r->target_online)
                return no_delay(g_strdup_printf("%s is online in this partition: no race, no delay", target));
        for (guint i = 0; i < r->n_others; i++) {
                top = MAX(top, r->others[i]);
                lowest = MIN(lowest, r->others[i]);
        }
        /* Pacemaker: all nodes of equal priority get no delay (the
         * device's own pcmk_delay_base/max still apply), nor does a target
         * below the top priority: the other side is the one that waits. */
        if (top == lowest)
                return no_delay(g_strdup_printf("every node holds priority %d: no delay", top));
        if (r->target_priority < top)
                return no_delay(g_strdup_printf("%s holds priority %d < %d: no delay (this side of the race wins)",
                                                target, r->target_priority, top));
        why = g_strdup_printf("%s holds priority %d > %d", target, r->target_priority, lowest);
        return pay_unless_off(r, why);
}

/* ---- the fence-agents protocol -------------------------------------------------------- */

void fen_agent_input_clear(FenAgentInput *in)
{
        g_clear_pointer(&in->action, g_free);
        g_clear_pointer(&in->target, g_free);
        g_clear_pointer(&in->agent, g_free);
        g_clear_pointer(&in->delay, g_free);
        g_clear_pointer(&in->forward, g_ptr_array_unref);
}

static void set_once(char **slot, const char *value)
{
        /* The last line wins, as in fence-agents' dictionary. */
        g_free(*slot);
        *slot = g_strdup(value);
}

void fen_agent_input_parse(const char *text, gsize len, FenAgentInput *ret)
{
        FenAgentInput in = { .forward = g_ptr_array_new_with_free_func(g_free) };
        g_autofree char *port = NULL, *plug = NULL, *nodename = NULL;
        const char *p = text, *end = text + len;

        while (p && p < end) {
                const char *nl = memchr(p, '\n', (gsize)(end - p));
                const char *stop = nl ? nl : end;
                g_autofree char *line = g_strndup(p, (gsize)(stop - p));
                g_autofree char *stripped = g_strstrip(g_strdup(line));
                char *eq;

                p = nl ? nl + 1 : end;
                /* fence-agents skip these too; nothing to forward. */
                if (!*stripped || stripped[0] == '#')
                        continue;
                eq = strchr(stripped, '=');
                if (eq)
                        *eq = '\0';
                const char *value = eq ? eq + 1 : "";
                if (g_str_equal(stripped, "plastik_agent")) {
                        set_once(&in.agent, value);
                        continue;
                }
                if (g_str_equal(stripped, "plastik_race_delay")) {
                        set_once(&in.delay, value);
                        continue;
                }
                if (g_str_equal(stripped, "action") || g_str_equal(stripped, "option"))
                        set_once(&in.action, value);
                else if (g_str_equal(stripped, "nodename"))
                        set_once(&nodename, value);
                else if (g_str_equal(stripped, "port"))
                        set_once(&port, value);
                else if (g_str_equal(stripped, "plug"))
                        set_once(&plug, value);
                g_ptr_array_add(in.forward, g_steal_pointer(&line));
        }
        /* The fencer always names the node in nodename=; port= may be a
         * pcmk_host_map alias (an IPMI plug name), so it comes second. */
        in.target = g_strdup(nodename && *nodename ? nodename : port && *port ? port : plug && *plug ? plug : NULL);
        *ret = in;
}

gboolean fen_agent_params_check(const FenAgentInput *in, guint *ret_delay_s, GError **error)
{
        const char *a = in->agent;
        gboolean name_ok = a && g_str_has_prefix(a, "fence_") && a[6];
        guint64 delay = FEN_RACE_DELAY_DEFAULT;

        for (const char *c = a ? a + 6 : NULL; name_ok && *c; c++)
                name_ok = g_ascii_isalnum(*c) || *c == '_';
        if (!a || !*a) {
                g_set_error(error, FEN_ERROR, FEN_ERROR_INVALID,
                            "plastik_agent is missing: set it to the fence agent fence_plastik runs "
                            "(e.g. plastik_agent=fence_ipmilan)");
                return FALSE;
        }
        if (!name_ok) {
                g_set_error(error, FEN_ERROR, FEN_ERROR_INVALID,
                            "plastik_agent \"%s\" is not a fence agent's name: give one like fence_ipmilan "
                            "(fence_ followed by letters, digits or '_')",
                            a);
                return FALSE;
        }
        if (g_str_equal(a, "fence_plastik")) {
                g_set_error(error, FEN_ERROR, FEN_ERROR_INVALID,
                            "plastik_agent is fence_plastik itself: give the agent it wraps (e.g. fence_ipmilan)");
                return FALSE;
        }
        if (in->delay) {
                char *end = NULL;
                delay = g_ascii_strtoull(in->delay, &end, 10);
                if (!g_ascii_isdigit(in->delay[0]) || !end || *end || delay > FEN_RACE_DELAY_MAX) {
                        g_set_error(error, FEN_ERROR, FEN_ERROR_INVALID,
                                    "plastik_race_delay \"%s\": give whole seconds from 0 to %d (default %d)",
                                    in->delay, FEN_RACE_DELAY_MAX, FEN_RACE_DELAY_DEFAULT);
                        return FALSE;
                }
        }
        if (ret_delay_s)
                *ret_delay_s = (guint)delay;
        return TRUE;
}

/* As fence-agents print theirs (fencing.py's metadata()), so Pacemaker's
 * fencer and `hactl fence add` read it like any agent's. */
static const char metadata[] =
        "<?xml version=\"1.0\" ?>\n"
        "<resource-agent name=\"fence_plastik\" shortdesc=\"Fence agent wrapper for plastik: the fence race "
        "delay, paid only when needed\" >\n"
        "<longdesc>fence_plastik runs another fence agent (plastik_agent) with the parameters it is given. "
        "Before off and reboot it waits plastik_race_delay seconds when the target holds the higher "
        "priority (Pacemaker's priority-fencing-delay rule), unless the wrapped agent's status reports the "
        "target off: a node without power cannot win the fence race after a split. See fence_plastik(8)."
        "</longdesc>\n"
        "<parameters>\n"
        "\t<parameter name=\"plastik_agent\" unique=\"0\" required=\"1\">\n"
        "\t\t<getopt mixed=\"plastik_agent=[agent]\" />\n"
        "\t\t<content type=\"string\"  />\n"
        "\t\t<shortdesc lang=\"en\">The fence agent to run (fence_ipmilan...), from /usr/sbin</shortdesc>\n"
        "\t</parameter>\n"
        "\t<parameter name=\"plastik_race_delay\" unique=\"0\" required=\"0\">\n"
        "\t\t<getopt mixed=\"plastik_race_delay=[seconds]\" />\n"
        "\t\t<content type=\"second\" default=\"15\"  />\n"
        "\t\t<shortdesc lang=\"en\">Seconds to wait before fencing a node of higher priority (0 to 300)"
        "</shortdesc>\n"
        "\t</parameter>\n"
        "\t<parameter name=\"action\" unique=\"0\" required=\"1\">\n"
        "\t\t<getopt mixed=\"-o, --action=[action]\" />\n"
        "\t\t<content type=\"string\" default=\"reboot\"  />\n"
        "\t\t<shortdesc lang=\"en\">Fencing action</shortdesc>\n"
        "\t</parameter>\n"
        "\t<parameter name=\"plug\" unique=\"0\" required=\"1\" obsoletes=\"port\">\n"
        "\t\t<getopt mixed=\"-n, --plug=[id]\" />\n"
        "\t\t<content type=\"string\"  />\n"
        "\t\t<shortdesc lang=\"en\">Physical plug number on device, UUID or identification of machine"
        "</shortdesc>\n"
        "\t</parameter>\n"
        "\t<parameter name=\"port\" unique=\"0\" required=\"1\" deprecated=\"1\">\n"
        "\t\t<getopt mixed=\"-n, --plug=[id]\" />\n"
        "\t\t<content type=\"string\"  />\n"
        "\t\t<shortdesc lang=\"en\">Physical plug number on device, UUID or identification of machine"
        "</shortdesc>\n"
        "\t</parameter>\n"
        "\t<parameter name=\"nodename\" unique=\"0\" required=\"0\">\n"
        "\t\t<getopt mixed=\"--nodename=[nodename]\" />\n"
        "\t\t<content type=\"string\"  />\n"
        "\t\t<shortdesc lang=\"en\">Name of the node to be fenced (the fencer sets it)</shortdesc>\n"
        "\t</parameter>\n"
        "</parameters>\n"
        "<actions>\n"
        "\t<action name=\"on\" automatic=\"0\"/>\n"
        "\t<action name=\"off\" />\n"
        "\t<action name=\"reboot\" />\n"
        "\t<action name=\"status\" />\n"
        "\t<action name=\"monitor\" />\n"
        "\t<action name=\"list\" />\n"
        "\t<action name=\"metadata\" />\n"
        "\t<action name=\"validate-all\" />\n"
        "</actions>\n"
        "</resource-agent>\n";

const char *fen_agent_metadata(void)
{
        return metadata;
}
