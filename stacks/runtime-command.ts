import { ENV_VALUE, environmentFrom, positiveNumber } from "../cli/args";
import { CommandSpec, FlagSpec, parseCommand } from "../cli/command";
import { CANCELLED_EXIT_CODE, OpsError } from "../cli/errors";
import { Cancellation, cancellationOf, timeoutMinutes } from "../cli/run-main";
import { EnvironmentName } from "../shared/environments";
import { stackNameOf } from "../shared/stack-name";
import { loggedContext, OperationContext, Stacks } from "./automation";
import { staleLockMinutes } from "./job-timeout";
import { appendJobSummary } from "./job-summary";
import { LockOptions } from "./stale-lock";

/** The flags `npm run up` and `npm run down` both take; each command adds its own. */
export const RUNTIME_FLAGS: Readonly<Record<string, FlagSpec>> = {
    env: { type: "string", value: ENV_VALUE, help: "the environment whose runtime to act on (required)" },
    "dry-run": { type: "boolean", help: "preview only; change nothing", default: "off" },
    "retry-after-cancel": {
        type: "boolean",
        help: "on a lock older than --stale-lock-minutes, clear it, refresh and retry once",
        default: "off",
    },
    "stale-lock-minutes": {
        type: "string",
        value: "MINUTES",
        help: "age after which a lock counts as left by a killed run",
        default: `${staleLockMinutes()}, the longest timeout-minutes of the deploy jobs in .github/workflows`,
    },
    "wait-for-lock": {
        type: "string",
        value: "MINUTES",
        help: "first wait this long for another run's lock to be released (or to turn stale)",
        default: "0",
    },
    timeout: { type: "string", value: "MINUTES", help: "cancel cleanly after this long", default: "none" },
};

export interface RuntimeCommandLine {
    readonly env: EnvironmentName;
    readonly flags: Record<string, string | boolean | undefined>;
    readonly dryRun: boolean;
    readonly lock: LockOptions;
    readonly onlyIfNeeded: boolean;
}

/** Parses and checks the shared flags, before anything runs. */
export function parseRuntimeCommand(argv: readonly string[], spec: CommandSpec): RuntimeCommandLine {
    const flags = parseCommand(argv, spec);
    const env = environmentFrom(flags.env, spec.usage);
    timeoutMinutes(flags.timeout);
    return {
        env,
        flags,
        dryRun: flags["dry-run"] === true,
        onlyIfNeeded: flags["only-if-needed"] === true,
        lock: {
            retryAfterCancel: flags["retry-after-cancel"] === true,
            staleLockMinutes: positiveNumber(flags["stale-lock-minutes"], "--stale-lock-minutes", staleLockMinutes()),
            waitForLockMinutes: positiveNumber(flags["wait-for-lock"], "--wait-for-lock", 0),
        },
    };
}

/**
 * Runs up or down with Pulumi's output logged, and writes the job summary whatever the outcome
 * (lines about on demand become its notes). Returns the command's exit code, or throws its error.
 */
export async function runRuntimeCommand(
    action: "startup" | "teardown",
    command: RuntimeCommandLine,
    cancel: AbortSignal | Cancellation,
    stacks: Stacks | undefined,
    log: (line: string) => void,
    operation: (ops: Stacks, context: OperationContext, log: (line: string) => void) => Promise<string | undefined>,
): Promise<number> {
    const ops = stacks ?? (await Stacks.open());
    const context = loggedContext(log, cancellationOf(cancel));
    const started = Date.now();
    const summary = {
        action: `${command.dryRun ? "preview " : ""}${action} of`,
        stack: stackNameOf("runtime", command.env),
    };
    const notes: string[] = [];
    const logged = (line: string) => {
        if (/on demand/.test(line)) notes.push(line);
        log(line);
    };
    try {
        const url = await operation(ops, context, logged);
        if (url) log(`runtime-${command.env} is up: ${url}`);
        appendJobSummary({
            ...summary,
            result: "succeeded",
            durationMs: Date.now() - started,
            url,
            detail: notes.join("\n") || undefined,
        });
        return 0;
    } catch (error) {
        const cancelled = error instanceof OpsError && error.exitCode === CANCELLED_EXIT_CODE;
        appendJobSummary({
            ...summary,
            result: cancelled ? "cancelled" : "failed",
            durationMs: Date.now() - started,
            detail: [...notes, (error as Error).message].join("\n"),
        });
        throw error;
    }
}
