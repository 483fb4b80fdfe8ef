import { EnvironmentName } from "../shared/environments";
import { stackNameOf } from "../shared/stack-name";
import { CANCELLED_EXIT_CODE, OpsError } from "../cli/errors";
import { waitForHealthy } from "./health";
import { describeLock, isStale } from "./locks";
import { withOnDemand } from "./on-demand";
import { describeChanges } from "./report";
import { OperationContext, StackLockedError, Stacks } from "./automation";

export interface RuntimeCommandOptions {
    readonly dryRun: boolean;
    readonly healthDeadlineMs: number;
    /** On a lock older than `staleLockMinutes`, clear it, refresh, and try once more (unattended runs). */
    readonly retryAfterCancel: boolean;
    /** A lock younger than this may belong to a live run and is never cleared. */
    readonly staleLockMinutes?: number;
    /** A scheduled catch-up: act only if runtime is not already where the command would bring it. */
    readonly onlyIfNeeded?: boolean;
    /** Run on FARGATE only for this run, whatever `spot` says; the stack file is not changed. */
    readonly onDemand?: boolean;
    /** When the services do not become healthy on Spot within the health window, deploy again on demand. */
    readonly onDemandFallback?: boolean;
}

export const DEFAULT_STALE_LOCK_MINUTES = 90;

/**
 * Runs an operation on a stack; when it finds the stack locked and `retryAfterCancel` is set, clears
 * the lock only if every lock object is older than a job can run (a younger one may be a laptop's
 * live `pulumi up`), refreshes to settle the killed run's pending operations, and tries once more.
 */
export async function withStaleLockRetry<T>(
    stacks: Stacks,
    stack: string,
    context: OperationContext,
    options: Pick<RuntimeCommandOptions, "retryAfterCancel" | "staleLockMinutes">,
    log: (line: string) => void,
    operation: () => Promise<T>,
): Promise<T> {
    try {
        return await operation();
    } catch (error) {
        if (!(error instanceof StackLockedError)) throw error;
        const locks = await stacks.locks(stack);
        const holders = locks.map((lock) => describeLock(lock)).join("; ") || "no lock object found";
        const maxMinutes = options.staleLockMinutes ?? DEFAULT_STALE_LOCK_MINUTES;
        if (!options.retryAfterCancel) throw new StackLockedError(stack, `${stack} is locked by ${holders}. ${error.message}`);
        const fresh = locks.filter((lock) => !isStale(lock, maxMinutes));
        if (fresh.length > 0) {
            throw new StackLockedError(stack, `${stack} is locked by ${holders}; a lock younger than ${maxMinutes} min may belong to a live run, so it is not cleared. Wait for that run to end, then try again`);
        }
        log(`${stack} is locked by ${holders}, older than ${maxMinutes} min: a killed run left it. Clearing it (pulumi cancel), refreshing, and trying once more`);
        await stacks.cancel(stack);
        log(`refresh ${stack}: ${describeChanges(await stacks.refresh(stack, context))}`);
        return operation();
    }
}

/** Brings an environment's runtime up (after checking its base exists) and waits for it to answer. */
export async function runtimeUp(stacks: Stacks, env: EnvironmentName, context: OperationContext, options: RuntimeCommandOptions, log: (line: string) => void): Promise<string | undefined> {
    const base = stackNameOf("base", env);
    const runtime = stackNameOf("runtime", env);
    const listing = await stacks.list();
    if (options.onlyIfNeeded && (listing.get(runtime)?.resourceCount ?? 0) > 0) {
        log(`${runtime} is already up (the scheduled startup ran); nothing to do`);
        return undefined;
    }
    if ((listing.get(base)?.resourceCount ?? 0) === 0) {
        throw new OpsError(`${runtime}: no base stack "${base}" with resources in this backend; run "pulumi up -s ${base}" first (or set discovery: tags in Pulumi.${runtime}.yaml)`);
    }
    if (options.dryRun) {
        log(`preview ${runtime}: ${describeChanges(await stacks.preview(runtime, context))}`);
        return undefined;
    }
    const deploy = async (onDemand: boolean) => {
        const changes = await withStaleLockRetry(stacks, runtime, context, options, log, () => (onDemand ? withOnDemand(runtime, (configFile) => stacks.up(runtime, context, configFile)) : stacks.up(runtime, context)));
        log(`up ${runtime}${onDemand ? " (on demand)" : ""}: ${describeChanges(changes)}`);
        const url = String((await stacks.outputs(runtime)).url ?? "");
        await waitForHealthy(url, { deadlineMs: options.healthDeadlineMs, log, signal: context.signal });
        return url;
    };
    try {
        return await deploy(options.onDemand === true);
    } catch (error) {
        const spotOnly = !options.onDemand && options.onDemandFallback && isHealthTimeout(error);
        if (!spotOnly) throw error;
        log(`${runtime} did not become healthy on Fargate Spot within ${Math.round(options.healthDeadlineMs / 1000)} s (a Spot shortage starts no tasks); deploying again on demand for today`);
        const url = await deploy(true);
        log(`${runtime} runs on demand until the next deploy; the stack file still says spot`);
        return url;
    }
}

function isHealthTimeout(error: unknown): boolean {
    return error instanceof OpsError && error.exitCode !== CANCELLED_EXIT_CODE && /did not become healthy/.test(error.message);
}

/** Destroys an environment's runtime only; base is never touched. */
export async function runtimeDown(stacks: Stacks, env: EnvironmentName, context: OperationContext, options: RuntimeCommandOptions, log: (line: string) => void): Promise<void> {
    const runtime = stackNameOf("runtime", env);
    if (options.onlyIfNeeded && ((await stacks.list()).get(runtime)?.resourceCount ?? 0) === 0) {
        log(`${runtime} is already down (the scheduled teardown ran); nothing to do`);
        return;
    }
    if (options.dryRun) {
        log(`preview destroy ${runtime}: ${describeChanges(await stacks.previewDestroy(runtime, context))}`);
        return;
    }
    try {
        log(`destroy ${runtime}: ${describeChanges(await withStaleLockRetry(stacks, runtime, context, options, log, () => stacks.destroy(runtime, context)))}`);
    } catch (error) {
        if (error instanceof OpsError && error.exitCode === CANCELLED_EXIT_CODE) throw error;
        throw new OpsError(`destroy ${runtime} failed, runtime may still be running and costing money:\n${(error as Error).message}`);
    }
}
