/**
 * Pulumi's runtime captures a stack trace for every promise it makes (`debuggablePromise` in its
 * runtime/debuggable.js), kept for a leak report that prints it only under
 * PULUMI_DEBUG_PROMISE_LEAKS, and formats one of unlimited depth for every resource's source
 * position (`Resource.callsites`), which ts-node's source-map-support maps frame by frame. Together
 * they took a third of an evaluation's time, so while a program runs no trace is captured and none
 * is source-mapped: an error it throws carries its message alone. Setting
 * PULUMI_DEBUG_PROMISE_LEAKS=1, Pulumi's own switch for those traces, keeps every trace.
 */
let evaluating = 0;
/** Error as V8 reads it: without prepareStackTrace, V8 formats a trace itself (@types/node declares it always set). */
const v8Error: { stackTraceLimit: number; prepareStackTrace?: ErrorConstructor["prepareStackTrace"] } = Error;
let saved: typeof v8Error = { stackTraceLimit: v8Error.stackTraceLimit };
export async function withoutStackTraces<T>(run: () => Promise<T>): Promise<T> {
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return run();
    if (evaluating++ === 0) {
        saved = { stackTraceLimit: v8Error.stackTraceLimit, prepareStackTrace: v8Error.prepareStackTrace };
        v8Error.stackTraceLimit = 0;
        v8Error.prepareStackTrace = undefined;
    }
    try {
        return await run();
    } finally {
        // After restoreStackTraces, an evaluation that settles at last finds the count at 0.
        if (evaluating > 0 && --evaluating === 0) Object.assign(v8Error, saved);
    }
}

/**
 * Puts the traces back even while an evaluation is still running: mocha's root hook calls it after
 * each spec file, so an evaluation that never settled (its test timed out) leaves later files theirs.
 */
export function restoreStackTraces(): void {
    if (evaluating === 0) return;
    evaluating = 0;
    Object.assign(v8Error, saved);
}
