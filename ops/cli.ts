import { OpsError } from "./errors";

/**
 * Runs a command's main function: Ctrl-C, SIGTERM or the timeout abort the signal (Pulumi is asked
 * to stop cleanly, which releases the stack's lock), errors print their message, and the process
 * exits with the code main returns.
 */
export function runMain(main: (argv: string[], signal: AbortSignal) => Promise<number>, timeoutMinutes?: () => number | undefined): void {
    const controller = new AbortController();
    const abort = (why: string) => {
        if (controller.signal.aborted) return;
        console.error(`\n${why}: cancelling the running operation cleanly (Pulumi releases the stack lock)...`);
        controller.abort(new Error(why));
    };
    process.on("SIGINT", () => abort("interrupted"));
    process.on("SIGTERM", () => abort("terminated"));
    const minutes = timeoutMinutes?.();
    const timer = minutes ? setTimeout(() => abort(`timed out after ${minutes} min`), minutes * 60_000) : undefined;
    timer?.unref();

    main(process.argv.slice(2), controller.signal)
        .then((code) => {
            process.exitCode = code;
        })
        .catch((error) => {
            console.error(error instanceof OpsError ? `error: ${error.message}` : error);
            process.exitCode = error instanceof OpsError ? error.exitCode : 1;
        })
        .finally(() => clearTimeout(timer));
}

/** The value of `--timeout MINUTES` in argv, read before full parsing so the timer starts at once. */
export function timeoutFlag(argv: readonly string[]): number | undefined {
    const index = argv.indexOf("--timeout");
    const minutes = index >= 0 ? Number(argv[index + 1]) : NaN;
    return Number.isFinite(minutes) && minutes > 0 ? minutes : undefined;
}
