import { inspect } from "node:util";

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

/** Exit code for bad input: a flag, a stack name, a stack file or its config. */
export const BAD_INPUT_EXIT_CODE = 2;

/** The variable that, like `--debug`, makes an unexpected failure print its trace. */
export const DEBUG_VARIABLE = "DURABLE_CODE_DEBUG";

/**
 * The input errors of the rooms below (shared/errors.ts ConfigError, offline/stack-files.ts
 * StackFileError, and an offline evaluation stopped by one) carry the problems they found; their
 * message names each and its fix. cli/ imports no room, so it knows them by that shape.
 */
function isInputError(error: unknown): error is Error {
    const problems = (error as { problems?: unknown } | undefined)?.problems;
    if (error instanceof Error && Array.isArray(problems) && problems.every((problem) => typeof problem === "string"))
        return true;
    return error instanceof Error && error.cause !== error && isInputError(error.cause);
}

/**
 * What a command prints for an error it stops on, and its exit code. A known error is its message
 * alone; anything else is a bug: one line that says so, where to report it and how to see the trace
 * (which `debug` prints above it).
 */
export function describeFailure(error: unknown, debug: boolean): { lines: string[]; exitCode: number } {
    if (error instanceof OpsError) return { lines: [`error: ${error.message}`], exitCode: error.exitCode };
    if (isInputError(error)) return { lines: [`error: ${error.message}`], exitCode: BAD_INPUT_EXIT_CODE };
    const message = error instanceof Error ? error.message : String(error);
    const firstLine = message.split("\n").find((line) => line.trim() !== "") ?? "(no message)";
    const bug =
        `error: ${firstLine} (unexpected: a bug in these commands; report it as an issue of this repository with ` +
        `the command line and the trace${debug ? " above" : `, which --debug or ${DEBUG_VARIABLE}=1 prints`})`;
    return { lines: debug ? [inspectTrace(error), bug] : [bug], exitCode: 1 };
}

/** The error with its trace and causes, as Node would print it. */
function inspectTrace(error: unknown): string {
    return inspect(error, { depth: 8 });
}
