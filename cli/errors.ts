/** A failure the operator can act on: what happened and what to run next. Exits non-zero. */
export class OpsError extends Error {
    constructor(
        message: string,
        readonly exitCode = 1,
    ) {
        super(message);
        this.name = "OpsError";
    }
}

/** Exit code for an operation stopped by Ctrl-C, SIGTERM or a timeout (128 + SIGINT). */
export const CANCELLED_EXIT_CODE = 130;
