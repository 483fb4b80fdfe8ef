import { EnvironmentName } from "../shared/environments";
import { stackNameOf } from "../shared/stack-name";
import { environmentFrom, parseFlags, positiveNumber, requireProdConfirmation } from "./args";
import { runMain, timeoutFlag } from "./cli";
import { CANCELLED_EXIT_CODE, OpsError } from "./errors";
import { waitForHealthy } from "./health";
import { appendJobSummary } from "./job-summary";
import { describeChanges } from "./report";
import { OperationContext, Stacks } from "./stacks";

export interface RuntimeCommandOptions {
    readonly dryRun: boolean;
    readonly healthDeadlineMs: number;
    /** On a failed destroy, clear the stack's lock once and try again (for unattended teardowns). */
    readonly retryAfterCancel: boolean;
    /** A scheduled catch-up: act only if runtime is not already where the command would bring it. */
    readonly onlyIfNeeded?: boolean;
}

/** Whether runtime has resources (is up), from the backend's stack listing. */
async function runtimeIsUp(stacks: Stacks, env: EnvironmentName): Promise<boolean> {
    return ((await stacks.list()).get(stackNameOf("runtime", env))?.resourceCount ?? 0) > 0;
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
    log(`up ${runtime}: ${describeChanges(await stacks.up(runtime, context))}`);
    const url = String((await stacks.outputs(runtime)).url ?? "");
    await waitForHealthy(url, { deadlineMs: options.healthDeadlineMs, log, signal: context.signal });
    return url;
}

/** Destroys an environment's runtime only; base is never touched. */
export async function runtimeDown(stacks: Stacks, env: EnvironmentName, context: OperationContext, options: RuntimeCommandOptions, log: (line: string) => void): Promise<void> {
    const runtime = stackNameOf("runtime", env);
    if (options.onlyIfNeeded && !(await runtimeIsUp(stacks, env))) {
        log(`${runtime} is already down (the scheduled teardown ran); nothing to do`);
        return;
    }
    if (options.dryRun) {
        log(`preview destroy ${runtime}: ${describeChanges(await stacks.previewDestroy(runtime, context))}`);
        return;
    }
    try {
        log(`destroy ${runtime}: ${describeChanges(await stacks.destroy(runtime, context))}`);
    } catch (error) {
        if (!options.retryAfterCancel || (error instanceof OpsError && error.exitCode === CANCELLED_EXIT_CODE)) throw error;
        log(`destroy ${runtime} failed: ${(error as Error).message}\nclearing a stale lock (pulumi cancel) and trying once more`);
        await stacks.cancel(runtime);
        try {
            log(`destroy ${runtime}: ${describeChanges(await stacks.destroy(runtime, context))}`);
        } catch (retryError) {
            throw new OpsError(`destroy ${runtime} failed twice, runtime may still be running and costing money:\n${(retryError as Error).message}`);
        }
    }
}

const USAGE = "npm run up|down -- --env <dev|staging|prod> [--dry-run] [--retry-after-cancel] [--health-timeout SECONDS] [--timeout MINUTES] [--confirm runtime-prod] [--only-if-needed]";

export async function main(argv: string[], signal: AbortSignal, stacks?: Stacks, log: (line: string) => void = console.log): Promise<number> {
    const [action, ...rest] = argv;
    if (action !== "up" && action !== "down") throw new OpsError(`the first argument must be up or down (got "${action ?? ""}")\nusage: ${USAGE}`, 2);
    const flags = parseFlags(
        rest,
        { env: { type: "string" }, "dry-run": { type: "boolean" }, "retry-after-cancel": { type: "boolean" }, "health-timeout": { type: "string" }, timeout: { type: "string" }, confirm: { type: "string" }, "only-if-needed": { type: "boolean" } },
        USAGE,
    );
    const env = environmentFrom(flags.env, USAGE);
    if (action === "down" && flags["dry-run"] !== true) requireProdConfirmation(env, flags.confirm, "npm run down destroys");
    const options: RuntimeCommandOptions = {
        dryRun: flags["dry-run"] === true,
        retryAfterCancel: flags["retry-after-cancel"] === true,
        onlyIfNeeded: flags["only-if-needed"] === true,
        healthDeadlineMs: positiveNumber(flags["health-timeout"], "--health-timeout", 600) * 1000,
    };
    const ops = stacks ?? (await Stacks.open());
    const context: OperationContext = { onOutput: (text) => log(text.replace(/\n$/, "")), signal };
    const started = Date.now();
    const summary = { action: `${options.dryRun ? "preview " : ""}${action === "up" ? "startup" : "teardown"} of`, stack: stackNameOf("runtime", env) };
    try {
        const url = action === "up" ? await runtimeUp(ops, env, context, options, log) : (await runtimeDown(ops, env, context, options, log), undefined);
        if (url) log(`runtime-${env} is up: ${url}`);
        appendJobSummary({ ...summary, result: "succeeded", durationMs: Date.now() - started, url });
        return 0;
    } catch (error) {
        const cancelled = error instanceof OpsError && error.exitCode === CANCELLED_EXIT_CODE;
        appendJobSummary({ ...summary, result: cancelled ? "cancelled" : "failed", durationMs: Date.now() - started, detail: (error as Error).message });
        throw error;
    }
}

if (require.main === module) runMain(main, () => timeoutFlag(process.argv.slice(2)));
