/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file pk.h
 * @brief plastik common helpers: spawning programs, files, JSON, logging.
 *
 * Policy-free helpers shared by every component. Conventions used across
 * plastik:
 *  - functions that can fail in a way a person must read take a trailing
 *    `GError **error` and return FALSE/NULL on failure;
 *  - thin syscall wrappers return 0 or -errno;
 *  - out-parameters are named `ret_*` and are set only on success;
 *  - every returned pointer documents who owns it.
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>
#include <sys/types.h>

G_BEGIN_DECLS

/** Error domain for the helpers here (bad input such as unparsable JSON). */
#define PK_ERROR (pk_error_quark())
GQuark pk_error_quark(void);
typedef enum {
        PK_ERROR_FAILED,
        PK_ERROR_INVALID_DATA, /**< input is not of the expected form */
        PK_ERROR_USAGE,        /**< a command line the program does not take (pk-cli.h) */
} PkError;

/* ---- logging ---------------------------------------------------------- */

/**
 * pk_log_init:
 * Route GLib logging to stderr as "IDENT: level: message". With @verbose
 * debug messages are shown too. Call once from main().
 */
void pk_log_init(const char *ident, gboolean verbose);

/**
 * pk_log_record:
 * The part every plastik log writer (a GLogWriterFunc) shares: whether the
 * record is shown at all. TRUE with *@ret_message set to its MESSAGE field
 * when the writer is to show it; FALSE with *@ret_output what the writer
 * returns instead: G_LOG_WRITER_HANDLED for a debug message while @verbose
 * is FALSE (dropped), G_LOG_WRITER_UNHANDLED for a record without a
 * message (GLib then uses its default writer). Pure.
 */
gboolean pk_log_record(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gboolean verbose,
                       const char **ret_message, GLogWriterOutput *ret_output);

/* ---- spawning (argv only, never a shell) -------------------------------- */

/**
 * pk_spawn_sync:
 * @argv: NULL-terminated argument vector; argv[0] is looked up in PATH.
 * @ret_stdout: (out) (optional) (transfer full): captured stdout.
 * @ret_stderr: (out) (optional) (transfer full): captured stderr; when NULL
 *   stderr is inherited.
 * @ret_status: (out) (optional): wait status as returned by waitpid().
 *
 * Runs a program to completion. Returns FALSE only when the program could not
 * be run at all; a non-zero exit is reported through @ret_status. Use
 * pk_spawn_check() to turn a status into an error naming the program.
 */
gboolean pk_spawn_sync(const char *const *argv, char **ret_stdout,
                       char **ret_stderr, int *ret_status, GError **error);

/**
 * pk_spawn_sync_fds:
 * @fds: (array length=n_fds): descriptors the program finds as 3, 4, ...
 *   (this process keeps its own; they need not lack O_CLOEXEC).
 *
 * pk_spawn_sync() that also hands the program descriptors, as a tap is
 * handed to QEMU. Every other descriptor is closed in the program.
 */
gboolean pk_spawn_sync_fds(const char *const *argv, const int *fds, guint n_fds, char **ret_stdout,
                           char **ret_stderr, int *ret_status, GError **error);

/**
 * pk_spawn_input:
 * @argv: as for pk_spawn_sync().
 * @input: (nullable): written to the program's stdin, which is then closed.
 * @stdout_to_null: discard its stdout; otherwise it goes to this process's
 *   stdout. Its stderr is always this process's.
 * @timeout_s: 0 waits for the program; otherwise it is killed (SIGKILL) once
 *   that many seconds have passed, and that is an error naming it.
 * @ret_status: (out) (optional): wait status as returned by waitpid().
 *
 * Runs a program fed on its stdin, as fence agents are. A program that exits
 * without reading its stdin is no error here (its status tells). Returns
 * FALSE when it could not be run or did not finish in time.
 */
gboolean pk_spawn_input(const char *const *argv, const char *input, gboolean stdout_to_null, guint timeout_s,
                        int *ret_status, GError **error);

/**
 * pk_spawn_check:
 * Returns TRUE when @status is a clean exit 0, else sets @error to
 * "PROGRAM exited with status N: STDERR" (or "killed by signal N").
 */
gboolean pk_spawn_check(const char *program, int status, const char *stderr_text,
                        GError **error);

/* ---- files ------------------------------------------------------------- */

/**
 * pk_file_write_atomic:
 * Writes @len bytes to a temporary file next to @path, fsyncs it and renames
 * it over @path, so readers see either the old or the new content, never a
 * half-written file.
 */
gboolean pk_file_write_atomic(const char *path, const void *data, gsize len,
                              mode_t mode, GError **error);

/** pk_mkdir_p: creates @path and its parents with @mode (0 or -errno). */
int pk_mkdir_p(const char *path, mode_t mode);

/**
 * pk_rmdir_flat:
 * Removes the regular files, sockets and symlinks directly inside @path, then
 * @path itself. Refuses (-ENOTEMPTY) when @path holds a subdirectory: runtime
 * directories are flat, so anything else means the path is not ours.
 * Returns 0 when @path did not exist. 0 or -errno.
 */
int pk_rmdir_flat(const char *path);

/**
 * pk_read_pidfile:
 * Reads a decimal pid from @path. Returns the pid (> 0) or -errno
 * (-ENOENT when absent, -EINVAL when the content is not a pid).
 */
pid_t pk_read_pidfile(const char *path);

/** pk_pid_alive: TRUE when a process with @pid exists (kill(pid, 0)). */
gboolean pk_pid_alive(pid_t pid);

/* ---- JSON ---------------------------------------------------------------- */

/** pk_json_type_name: "string", "integer", "object"… for error messages. */
const char *pk_json_type_name(json_object *obj);

/**
 * pk_json_to_string:
 * (transfer full) a compact, stable serialization of @obj (g_free()).
 */
char *pk_json_to_string(json_object *obj, gboolean pretty);

/**
 * pk_json_parse:
 * Parses @text as exactly one JSON value. (transfer full): json_object_put().
 * On failure @error says where and why, prefixed with @what ("guest.json").
 */
json_object *pk_json_parse(const char *text, gssize len, const char *what,
                           GError **error);

/*
 * Reading a field of a JSON object that plastik itself wrote (hamgrd's
 * answers, its facts): a missing field, a field of another type and a
 * @obj that is NULL or not an object all read as "not there". Input from
 * outside is validated field by field instead (a dispatch table, or a
 * parser that names the bad field).
 */
/** pk_json_get: (transfer none) the member @key of @obj, or NULL. */
json_object *pk_json_get(json_object *obj, const char *key);
/** pk_json_get_string: (transfer none) the string member @key, or NULL. */
const char *pk_json_get_string(json_object *obj, const char *key);
/** pk_json_get_int: the integer member @key, or @fallback. */
gint64 pk_json_get_int(json_object *obj, const char *key, gint64 fallback);
/** pk_json_get_true: the member @key is true by json-c's rule (true, a non-zero number, a non-empty string). */
gboolean pk_json_get_true(json_object *obj, const char *key);

/** pk_json_array_len: the length of @arr, 0 when it is NULL or not an array. */
size_t pk_json_array_len(json_object *arr);
/** pk_json_array_find: (transfer none) the first object of @arr whose string @key is @value, or NULL. */
json_object *pk_json_array_find(json_object *arr, const char *key, const char *value);
/** pk_json_string_or_null: (transfer full) a JSON string of @s, or NULL (JSON null) when @s is NULL. */
json_object *pk_json_string_or_null(const char *s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_object, json_object_put)

/* ---- time ---------------------------------------------------------------- */

/** pk_now_ms: CLOCK_MONOTONIC in milliseconds. */
gint64 pk_now_ms(void);

G_END_DECLS
