import { EnvironmentName } from "../shared/environments";
import { stackNameOf } from "../shared/stack-name";
import { CANCELLED_EXIT_CODE, OpsError } from "../cli/errors";
import { SendsCommands } from "../cli/sdk-client";
import { requireDeployed } from "./deployments";
import { waitForHealthy } from "./health";
import { wakingIfAsleep } from "./wake";
import { withOnDemand } from "./on-demand";
import { describeChanges } from "./report";
import { OperationContext, Stacks } from "./automation";
import { LockOptions, waitForLock, withStaleLockRetry } from "./stale-lock";

export interface RuntimeCommandOptions extends LockOptions {
    readonly dryRun: boolean;
    readonly healthDeadlineMs: number;
    /** A scheduled catch-up: act only if runtime is not already where the command would bring it. */
    readonly onlyIfNeeded?: boolean;
    /** Run on FARGATE only for this run, whatever `spot` says; the stack file is not changed. */
    readonly onDemand?: boolean;
    /** When the services do not become healthy on Spot within the health window, deploy again on demand. */
    readonly onDemandFallback?: boolean;
}

/**
 * Brings an environment's runtime up (after checking its base exists), checks with ECS that every
 * service runs what was deployed (not a rolled-back version), and waits for it to answer.
 */
export async function runtimeUp(
    stacks: Stacks,
    env: EnvironmentName,
    context: OperationContext,
    options: RuntimeCommandOptions,
    log: (line: string) => void,
    ecs: SendsCommands,
): Promise<string | undefined> {
    const base = stackNameOf("base", env);
    const runtime = stackNameOf("runtime", env);
    if (!options.dryRun) await waitForLock(stacks, runtime, context, options, log);
    const listing = await stacks.list();
    if (options.onlyIfNeeded && (listing.get(runtime)?.resourceCount ?? 0) > 0) {
        // Resources alone do not mean it is up: a startup that failed half way leaves some behind.
        const last = await stacks.lastUpdate(runtime);
        if (last?.kind === "update" && last.result === "succeeded") {
            log(`${runtime} is already up (the scheduled startup ran); nothing to do`);
            return undefined;
        }
        log(
            `${runtime} has resources, but ${last ? `its last operation (${last.kind}) ${last.result}` : "it has no history"}: bringing it up`,
        );
    }
    if ((listing.get(base)?.resourceCount ?? 0) === 0) {
        throw new OpsError(
            `${runtime}: no base stack "${base}" with resources in this backend; run "pulumi up -s ${base}" first (or set discovery: tags in Pulumi.${runtime}.yaml)`,
        );
    }
    if (options.dryRun) {
        log(`preview ${runtime}: ${describeChanges(await stacks.preview(runtime, context))}`);
        return undefined;
    }
    const deploy = async (onDemand: boolean) => {
        const changes = await withStaleLockRetry(stacks, runtime, context, options, log, () =>
            onDemand
                ? withOnDemand(runtime, (configFile) => stacks.up(runtime, context, configFile))
                : stacks.up(runtime, context),
        );
        log(`up ${runtime}${onDemand ? " (on demand)" : ""}: ${describeChanges(changes)}`);
        const outputs = await stacks.outputs(runtime);
        await requireDeployed(ecs, runtime, outputs);
        const url = String(outputs.url ?? "");
        await wakingIfAsleep(ecs, runtime, outputs, log, () =>
            waitForHealthy(url, { deadlineMs: options.healthDeadlineMs, log, signal: context.signal }),
        );
        return url;
    };
    try {
        return await deploy(options.onDemand === true);
    } catch (error) {
        const spotOnly = !options.onDemand && options.onDemandFallback && isHealthTimeout(error);
        if (!spotOnly) throw error;
        log(
            `${runtime} did not become healthy on Fargate Spot within ${Math.round(options.healthDeadlineMs / 1000)} s (a Spot shortage starts no tasks); deploying again on demand for today`,
        );
        const url = await deploy(true);
        log(`${runtime} runs on demand until the next deploy; the stack file still says spot`);
        return url;
    }
}

function isHealthTimeout(error: unknown): boolean {
    return (
        error instanceof OpsError &&
        error.exitCode !== CANCELLED_EXIT_CODE &&
        /did not become healthy/.test(error.message)
    );
}

/** Destroys an environment's runtime only; base is never touched. */
export async function runtimeDown(
    stacks: Stacks,
    env: EnvironmentName,
    context: OperationContext,
    options: Omit<RuntimeCommandOptions, "healthDeadlineMs">,
    log: (line: string) => void,
): Promise<void> {
    const runtime = stackNameOf("runtime", env);
    if (!options.dryRun) await waitForLock(stacks, runtime, context, options, log);
    if (options.onlyIfNeeded && ((await stacks.list()).get(runtime)?.resourceCount ?? 0) === 0) {
        log(`${runtime} is already down (the scheduled teardown ran); nothing to do`);
        return;
    }
    if (options.dryRun) {
        log(`preview destroy ${runtime}: ${describeChanges(await stacks.previewDestroy(runtime, context))}`);
        return;
    }
    try {
        log(
            `destroy ${runtime}: ${describeChanges(await withStaleLockRetry(stacks, runtime, context, options, log, () => stacks.destroy(runtime, context)))}`,
        );
    } catch (error) {
        if (error instanceof OpsError && error.exitCode === CANCELLED_EXIT_CODE) throw error;
        throw new OpsError(
            `destroy ${runtime} failed, runtime may still be running and costing money:\n${(error as Error).message}`,
        );
    }
}
