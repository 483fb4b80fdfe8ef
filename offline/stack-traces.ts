/**
 * Pulumi's runtime captures a stack trace for every promise it makes (`debuggablePromise` in its
 * runtime/debuggable.js), kept for a leak report that prints it only under
 * PULUMI_DEBUG_PROMISE_LEAKS, and formats one of unlimited depth for every resource's source
 * position (`Resource.callsites`), which ts-node's source-map-support maps frame by frame. Together
 * they took a third of an evaluation's time, so while a program runs no trace is captured and none
 * is source-mapped: an error it throws carries its message alone. Setting
 * PULUMI_DEBUG_PROMISE_LEAKS=1, Pulumi's own switch for those traces, keeps every trace.
 */

/** Error as V8 reads it: without prepareStackTrace, V8 formats a trace itself (@types/node declares it always set). */
const v8Error: { stackTraceLimit: number; prepareStackTrace?: ErrorConstructor["prepareStackTrace"] } = Error;

/** Turns stack traces off for the process; returns what puts them back as they were. */
export function suppressStackTraces(): () => void {
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return () => undefined;
    const saved = { stackTraceLimit: v8Error.stackTraceLimit, prepareStackTrace: v8Error.prepareStackTrace };
    v8Error.stackTraceLimit = 0;
    v8Error.prepareStackTrace = undefined;
    return () => Object.assign(v8Error, saved);
}
