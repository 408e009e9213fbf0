/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file dg-volume-internal.h
 * @brief libdrbdglue internals of volumes, site, resource files and plans, shared with dgctl and the tests.
 */
#pragma once

#include "dg.h"

G_BEGIN_DECLS

/** dg_address_is_ipv6: TRUE for an IPv6 literal. */
gboolean dg_address_is_ipv6(const char *address);

/**
 * dg_site_load_data:
 * dg_site_load() on text already read; @origin names it in errors.
 * (transfer full).
 */
DgSite *dg_site_load_data(const char *data, gsize len, const char *origin,
                          const char *local, GError **error);

/** dg_lv_path: /dev/VG/pk-GUEST-VOLUME of @node. (transfer full). */
char *dg_lv_path(const DgNode *node, const char *res);

/**
 * dg_lvm_run:
 * Runs one LVM command through liblvm2cmd: @argv without the leading "lvm"
 * (its words must not contain blanks: lvm2_run() splits at them).
 * @ret_report: (optional) (transfer full): the report (JSON) it printed.
 * Errors carry what LVM logged as errors (DG_ERROR_COMMAND).
 */
gboolean dg_lvm_run(const char *const *argv, char **ret_report, GError **error);

/**
 * dg_lv_activate_argv:
 * The LVM command dg_lv_activate() runs: lvchange --activate y VG/NAME
 * (without the leading "lvm"). (transfer full): g_strfreev().
 */
char **dg_lv_activate_argv(const char *vg, const char *name);

/** dg_lv_no_space_message: "volume group VG has X free, need Y". (transfer full). */
char *dg_lv_no_space_message(const char *vg, guint64 free_bytes, guint64 need);

/** dg_step_kind_name: "create-lv", "write-res"... for plans. */
const char *dg_step_kind_name(DgStepKind kind);

/**
 * dg_facts_from_json / dg_facts_to_json: the facts as the plan golden cases
 * give them (keys as in DgFacts, states by their DRBD names).
 */
gboolean dg_facts_from_json(json_object *obj, DgFacts *ret_facts, GError **error);
json_object *dg_facts_to_json(const DgFacts *facts);

G_END_DECLS
