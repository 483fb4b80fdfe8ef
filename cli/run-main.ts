import { CommandSpec, helpText, wantsHelp } from "./command";
import { CANCELLED_EXIT_CODE, DEBUG_VARIABLE, describeFailure, OpsError } from "./errors";

/**
 * How a command is stopped. `signal` is aborted once a cancel is requested, and nothing new starts
 * after it. `interrupt` is aborted when the running `pulumi` must be told to stop: the Automation
 * API then sends it a SIGINT, and the CLI treats a second SIGINT as "terminate now".
 */
export interface Cancellation {
    readonly signal: AbortSignal;
    readonly interrupt: AbortSignal;
}

/** A plain AbortSignal (tests, programmatic use) both stops new work and interrupts the running one. */
export function cancellationOf(source: AbortSignal | Cancellation): Cancellation {
    return source instanceof AbortSignal ? { signal: source, interrupt: source } : source;
}

/** Node's timers hold at most 2^31-1 ms; a longer delay fires at once (Node docs, setTimeout). */
export const MAX_TIMEOUT_MINUTES = Math.floor((2 ** 31 - 1) / 60_000);

/**
 * Runs a command's main function and exits with the code it returns (130 after a cancel); the
 * promise settles once the exit code is set.
 * - Ctrl-C in a terminal reaches the whole foreground process group, `pulumi` included, which then
 *   stops cleanly and releases its lock: only `signal` is aborted, so nothing new starts. A second
 *   Ctrl-C reaches `pulumi` too, which then terminates at once; node adds nothing to either.
 * - GitHub's cancel and `timeout-minutes` send SIGINT to the step's process only, SIGTERM 7.5 s
 *   later and a kill 2.5 s after that (actions/runner src/Runner.Sdk/ProcessInvoker.cs,
 *   CancelAndKillProcessTree), and the runner sets GITHUB_ACTIONS=true for that process. There a
 *   SIGINT reached node alone, so both are aborted and `pulumi` gets exactly one SIGINT.
 * - SIGTERM (`kill`) and the `--timeout` deadline reach node alone: likewise one SIGINT to `pulumi`.
 * - `--help` / `-h` prints the command's help and exits 0.
 * - An error prints one message (cli/errors.ts describeFailure); `--debug`, which every command
 *   takes, or DURABLE_CODE_DEBUG=1 adds the trace of an unexpected one.
 */
export function runMain(
    main: (argv: string[], cancellation: Cancellation) => Promise<number>,
    options: {
        spec?: CommandSpec | ((argv: readonly string[]) => CommandSpec);
        timeoutMinutes?: (argv: readonly string[]) => number | undefined;
    } = {},
    commandLine: string[] = process.argv.slice(2),
): Promise<void> {
    const argv = commandLine.filter((arg) => arg !== "--debug");
    const debug = argv.length < commandLine.length || ["1", "true"].includes(process.env[DEBUG_VARIABLE] ?? "");
    if (options.spec && wantsHelp(argv)) {
        console.log(helpText(typeof options.spec === "function" ? options.spec(argv) : options.spec));
        process.exitCode = 0;
        return Promise.resolve();
    }
    const requested = new AbortController();
    const interrupt = new AbortController();
    const cancel = (why: string, forward: boolean) => {
        if (!requested.signal.aborted) {
            console.error(
                `\n${why}: cancelling; nothing new starts${forward ? ", and Pulumi is asked to stop cleanly (it releases the stack lock)" : "; Pulumi got the same Ctrl-C and stops cleanly"}...`,
            );
            requested.abort(new Error(why));
        }
        if (forward && !interrupt.signal.aborted) interrupt.abort(new Error(why));
    };
    const onGitHub = process.env.GITHUB_ACTIONS === "true";
    process.on("SIGINT", () => (onGitHub ? cancel("cancelled (GitHub Actions)", true) : cancel("interrupted", false)));
    process.on("SIGTERM", () => cancel("terminated", true));
    const minutes = options.timeoutMinutes?.(argv);
    const timer =
        minutes && minutes <= MAX_TIMEOUT_MINUTES
            ? setTimeout(() => cancel(`timed out after ${minutes} min`, true), minutes * 60_000)
            : undefined;
    timer?.unref();

    return main(argv, { signal: requested.signal, interrupt: interrupt.signal })
        .then((code) => {
            process.exitCode = requested.signal.aborted ? CANCELLED_EXIT_CODE : code;
        })
        .catch((error) => {
            const failure = describeFailure(error, debug);
            for (const line of failure.lines) console.error(line);
            process.exitCode = requested.signal.aborted ? CANCELLED_EXIT_CODE : failure.exitCode;
        })
        .finally(() => clearTimeout(timer));
}

/** The value of `--timeout MINUTES` in argv, read before full parsing so the timer starts at once. */
export function timeoutFlag(argv: readonly string[]): number | undefined {
    const index = argv.indexOf("--timeout");
    const minutes = index >= 0 ? Number(argv[index + 1]) : NaN;
    return Number.isFinite(minutes) && minutes > 0 ? minutes : undefined;
}

/** `--timeout`, checked: a positive number of minutes within what a Node timer can hold. */
export function timeoutMinutes(value: unknown): number | undefined {
    if (value === undefined) return undefined;
    const minutes = Number(value);
    if (!Number.isFinite(minutes) || minutes <= 0)
        throw new OpsError(`--timeout must be a positive number of minutes (got "${String(value)}")`, 2);
    if (minutes > MAX_TIMEOUT_MINUTES) {
        throw new OpsError(
            `--timeout must be at most ${MAX_TIMEOUT_MINUTES} minutes (got ${minutes}): Node's timers hold at most 2^31-1 ms, and a longer one would cancel at once`,
            2,
        );
    }
    return minutes;
}
