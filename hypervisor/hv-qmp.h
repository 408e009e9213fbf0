/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file hv-qmp.h
 * @brief QMP (QEMU Machine Protocol) parser and client.
 *
 * Two layers:
 *  - HvQmpParser is pure: bytes in, typed messages out. It never blocks and
 *    never trusts its input (partial reads, unknown keys, garbage, huge lines),
 *    so it is what the transcript tests and the fuzz target exercise.
 *  - HvQmp is a blocking client on a unix socket with per-call timeouts: it
 *    reads the greeting, negotiates capabilities, runs commands and queues the
 *    events that arrive meanwhile.
 *
 * One JSON message per line, as QEMU sends it by default; a monitor started
 * with pretty=on is not supported. Neither object is thread-safe.
 *
 * Timeouts (every @timeout_ms below): a negative value waits forever; 0 does
 * not wait but still takes what is already readable on the socket. Deadlines
 * use the monotonic clock and survive signals (EINTR).
 */
#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "hv-error.h"

G_BEGIN_DECLS

/** The kinds of message a QMP server sends. */
typedef enum {
        HV_QMP_MSG_GREETING, /**< {"QMP": {...}} */
        HV_QMP_MSG_RETURN,   /**< {"return": ..., "id": ...} */
        HV_QMP_MSG_ERROR,    /**< {"error": {"class", "desc"}, "id": ...} */
        HV_QMP_MSG_EVENT,    /**< {"event": NAME, "data": ..., "timestamp": ...} */
} HvQmpMsgKind;

/** Events plastik acts on; everything else is HV_QMP_EVENT_OTHER. */
typedef enum {
        HV_QMP_EVENT_OTHER,
        HV_QMP_EVENT_SHUTDOWN,
        HV_QMP_EVENT_RESET,
        HV_QMP_EVENT_STOP,
        HV_QMP_EVENT_RESUME,
        HV_QMP_EVENT_GUEST_PANICKED,
        HV_QMP_EVENT_WATCHDOG,
        HV_QMP_EVENT_BLOCK_IO_ERROR,
} HvQmpEventType;

/** One parsed message. Free with hv_qmp_message_free(). */
typedef struct {
        HvQmpMsgKind kind;
        char *id;               /**< command id as a string, or NULL */
        /** GREETING: the "QMP" object; RETURN: the return value;
         *  EVENT: "data" (may be NULL); ERROR: the "error" object. Owned. */
        json_object *payload;
        char *event;            /**< EVENT: the event name */
        HvQmpEventType event_type;
        gint64 ts_sec, ts_usec; /**< EVENT: timestamp, -1 when absent */
        char *error_class;      /**< ERROR: "class" */
        char *error_desc;       /**< ERROR: "desc" */
} HvQmpMessage;

void hv_qmp_message_free(HvQmpMessage *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvQmpMessage, hv_qmp_message_free)

/** hv_qmp_event_type_from_name: maps "GUEST_PANICKED" etc.; unknown → OTHER. */
HvQmpEventType hv_qmp_event_type_from_name(const char *name);
/** hv_qmp_event_type_to_name: static string; OTHER → "OTHER". */
const char *hv_qmp_event_type_to_name(HvQmpEventType type);

/* ---- parser ------------------------------------------------------------ */

typedef struct HvQmpParser HvQmpParser;

/** Longest message accepted; a longer line is dropped with an error. */
#define HV_QMP_MAX_MESSAGE (1024 * 1024)

HvQmpParser *hv_qmp_parser_new(void);
void hv_qmp_parser_free(HvQmpParser *parser);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvQmpParser, hv_qmp_parser_free)

/** hv_qmp_parser_feed: appends @len bytes received from the peer. */
void hv_qmp_parser_feed(HvQmpParser *parser, const char *buf, gsize len);

/**
 * hv_qmp_parser_next:
 * Messages and errors come out in the order their lines arrived. Blank lines
 * are ignored; a line that is not valid JSON, not an object, has a field of
 * the wrong type, contains a NUL byte (raw, or "\u0000" in a name or id) or
 * is longer than HV_QMP_MAX_MESSAGE is one -1. Numeric ids are returned as
 * their JSON text ("5"). A bad or missing "timestamp" gives ts -1, not an
 * error. Unknown keys and events are accepted.
 *
 * @ret_msg: (out) (transfer full): the next complete message.
 *
 * Returns 1 and sets @ret_msg when a message is complete; 0 when more input
 * is needed; -1 with @error set (HV_ERROR_PROTOCOL) when one message was not
 * acceptable — it has been skipped and the caller may call again.
 */
int hv_qmp_parser_next(HvQmpParser *parser, HvQmpMessage **ret_msg, GError **error);

/* ---- client ------------------------------------------------------------ */

typedef struct HvQmp HvQmp;

/**
 * hv_qmp_connect:
 * Connects to the QMP unix socket at @path, reads the greeting and runs
 * qmp_capabilities, all within @timeout_ms. (transfer full): hv_qmp_free().
 *
 * Errors: HV_ERROR_FAILED when nobody listens (no socket, connection
 * refused: QEMU not started yet or gone; worth retrying while it starts);
 * HV_ERROR_INVALID for a path too long for a unix socket; HV_ERROR_TIMEOUT,
 * also when another client holds the monitor (QEMU serves one client at a
 * time and never greets the second); HV_ERROR_PROTOCOL when the first message
 * is not a QMP greeting; HV_ERROR_CLOSED; HV_ERROR_COMMAND when QEMU refuses
 * qmp_capabilities. The socket is non-blocking and close-on-exec.
 */
HvQmp *hv_qmp_connect(const char *path, int timeout_ms, GError **error);
void hv_qmp_free(HvQmp *qmp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HvQmp, hv_qmp_free)

/**
 * hv_qmp_execute:
 * @args: (nullable) (transfer none): the "arguments" object.
 * @ret_return: (out) (optional) (transfer full): the "return" value.
 *
 * Sends @command and waits up to @timeout_ms for its answer, queueing any
 * event that arrives first. A QMP error answer gives HV_ERROR_COMMAND with
 * QEMU's class and description in the message ("...: CommandNotFound: ...").
 *
 * Commands carry ids "pk-1", "pk-2"...; answers are matched by id. Answers
 * with another id and unacceptable lines are logged (g_warning) and skipped.
 * An error answer without an id is QEMU saying it could not read the request,
 * and is taken as this command's answer.
 *
 * HV_ERROR_TIMEOUT waiting for the answer leaves the connection usable: the
 * late answer is dropped when it comes. HV_ERROR_CLOSED, HV_ERROR_FAILED (a
 * socket error) and a timeout while sending (QEMU does not read) are final: every later call fails the same way, except that hv_qmp_next_event()
 * still hands out the events queued before. After "quit", QEMU sends SHUTDOWN
 * before its answer and may close before the answer: expect either success
 * or HV_ERROR_CLOSED. A SIGPIPE is never raised.
 */
gboolean hv_qmp_execute(HvQmp *qmp, const char *command, json_object *args,
                        int timeout_ms, json_object **ret_return, GError **error);

/**
 * hv_qmp_next_event:
 * @ret_event: (out) (transfer full): the next event, queued or newly read.
 *
 * Returns TRUE with an event; FALSE with HV_ERROR_TIMEOUT when none arrived
 * within @timeout_ms (0 = only what is already buffered or readable), or
 * another error when the connection failed (HV_ERROR_CLOSED once QEMU closed
 * it and the queue is empty).
 *
 * At most 4096 events are kept; beyond that the oldest are dropped with a
 * warning, so a caller that only runs commands should drain them now and then.
 */
gboolean hv_qmp_next_event(HvQmp *qmp, int timeout_ms, HvQmpMessage **ret_event,
                           GError **error);

/** hv_qmp_get_greeting: (transfer none) the server's "QMP" greeting object. */
json_object *hv_qmp_get_greeting(HvQmp *qmp);

/**
 * hv_qmp_get_fd: the socket, for a main loop to poll for events. Still owned
 * by @qmp. Events read during hv_qmp_connect() or hv_qmp_execute() are queued
 * without the fd being readable again, so after each wakeup and after each
 * command call hv_qmp_next_event(qmp, 0, ...) until HV_ERROR_TIMEOUT.
 */
int hv_qmp_get_fd(HvQmp *qmp);

G_END_DECLS
