import { isDeepStrictEqual } from "node:util";
import { stackNameOf } from "../shared/stack-name";
import { EnvironmentName } from "../shared/environments";
import { CANCELLED_EXIT_CODE, OpsError } from "../cli/errors";
import { SendsCommands } from "../cli/sdk-client";
import { requireDeployed } from "./deployments";
import { HealthOptions, waitForHealthy } from "./health";
import { wakingIfAsleep } from "./wake";
import { RunReport, StepRecord, summaryTable } from "./report";
import { loggedContext, Stacks } from "./automation";
import { StepRunner } from "./steps";

export interface CycleOptions {
    readonly env: EnvironmentName;
    /** Do not deploy base; require that it exists and has no pending changes. */
    readonly skipBase: boolean;
    /** Previews only; nothing changes. */
    readonly dryRun: boolean;
    /** Stop after checking base is intact, leaving runtime down. */
    readonly keepDown: boolean;
    readonly health: Omit<HealthOptions, "log" | "signal">;
}

export interface CycleDependencies {
    readonly stacks: Stacks;
    /** ECS, asked whether each service runs what `up` deployed (DescribeServices). */
    readonly ecs: SendsCommands;
    readonly log: (line: string) => void;
    /** Aborted on a cancel: nothing new starts. */
    readonly signal: AbortSignal;
    /** Aborted when the running pulumi must be told to stop; defaults to `signal`. */
    readonly interrupt?: AbortSignal;
    /** Called with the report so far after every step, so a failed or cancelled cycle leaves one. */
    readonly onStep?: (report: RunReport) => void;
}

/**
 * The end-to-end check of the split: base up, runtime up, health (ECS runs what was deployed, and
 * / and /health answer), runtime destroy, base intact, restore, health. After a failed runtime step
 * the teardown and the base check still run (they return the environment to its nightly state);
 * after a failed teardown or base check nothing does.
 */
export async function runCycle(options: CycleOptions, deps: CycleDependencies): Promise<RunReport> {
    const startedAt = new Date().toISOString();
    const base = stackNameOf("base", options.env);
    const runtime = stackNameOf("runtime", options.env);
    const steps = new StepRunner(deps.log, deps.signal, (records) =>
        deps.onStep?.(reportOf(options, startedAt, records, exitCodeOf(records, deps.signal))),
    );
    const context = loggedContext(deps.log, deps);
    // ECS may roll a failing deployment back while Pulumi reports success, and the version it
    // rolled back to answers the health check: each check first asks ECS what runs (deployments.ts).
    const healthy = async () => {
        const outputs = await deps.stacks.outputs(runtime);
        const url = String(outputs.url ?? "");
        if (!url) throw new OpsError(`${runtime} has no "url" output; is it deployed?`);
        await requireDeployed(deps.ecs, runtime, outputs);
        const result = await wakingIfAsleep(deps.ecs, runtime, outputs, deps.log, () =>
            waitForHealthy(url, { ...options.health, log: deps.log, signal: deps.signal }),
        );
        return { detail: `ECS runs what was deployed; ${url} healthy after ${result.attempts} attempt(s)` };
    };

    if (options.dryRun) {
        await steps.run(`preview ${base}`, async () => ({ changes: await deps.stacks.preview(base, context) }));
        await steps.run(`preview ${runtime}`, async () => ({ changes: await deps.stacks.preview(runtime, context) }));
        return finish(options, startedAt, steps, deps);
    }

    let baseOutputs: Record<string, unknown> = {};
    if (options.skipBase) {
        await steps.run(`check ${base}`, async () => {
            await requireStack(
                deps.stacks,
                base,
                `run "npm run cycle -- --env ${options.env}" without --skip-base, or "pulumi up -s ${base}"`,
            );
            const changes = await deps.stacks.preview(base, context, true);
            baseOutputs = await deps.stacks.outputs(base);
            return { changes, detail: "exists, no pending changes" };
        });
    } else {
        await steps.run(`up ${base}`, async () => {
            const changes = await deps.stacks.up(base, context);
            baseOutputs = await deps.stacks.outputs(base);
            return { changes };
        });
    }

    const deployed = await steps.run(
        `up ${runtime}`,
        async () => ({ changes: await deps.stacks.up(runtime, context) }),
        { stopOnFailure: false },
    );
    const firstCheck = await steps.run("health check", healthy, {
        stopOnFailure: false,
        skipWhen: deployed ? undefined : `skipped: up ${runtime} failed`,
    });
    await steps.run(`destroy ${runtime}`, async () => ({ changes: await deps.stacks.destroy(runtime, context) }));
    await steps.run(`${base} intact`, async () => {
        const after = await deps.stacks.outputs(base);
        if (!isDeepStrictEqual(after, baseOutputs)) {
            const changed = Object.keys({ ...after, ...baseOutputs }).filter(
                (key) => !isDeepStrictEqual(after[key], baseOutputs[key]),
            );
            throw new OpsError(`${base} outputs changed while runtime was torn down: ${changed.join(", ")}`);
        }
        return {
            changes: await deps.stacks.preview(base, context, true),
            detail: "outputs unchanged, preview shows no changes",
        };
    });

    const restoreSkip = options.keepDown
        ? "skipped: --keep-down"
        : !(deployed && firstCheck)
          ? "skipped: the first deployment did not pass"
          : undefined;
    const restored = await steps.run(
        `restore ${runtime}`,
        async () => ({ changes: await deps.stacks.up(runtime, context) }),
        { skipWhen: restoreSkip },
    );
    await steps.run("health check after restore", healthy, {
        skipWhen: restoreSkip ?? (restored ? undefined : `skipped: restore ${runtime} failed`),
    });
    return finish(options, startedAt, steps, deps);
}

function finish(options: CycleOptions, startedAt: string, steps: StepRunner, deps: CycleDependencies): RunReport {
    deps.log(`\n${summaryTable(steps.records)}`);
    const exitCode = steps.exitCode();
    const firstFailure = steps.records.find((record) => record.result === "failed" || record.result === "cancelled");
    deps.log(
        exitCode === 0
            ? `\ncycle of ${options.env} passed`
            : exitCode === CANCELLED_EXIT_CODE
              ? `\ncycle of ${options.env} was CANCELLED`
              : `\ncycle of ${options.env} FAILED at "${firstFailure?.step}"`,
    );
    return reportOf(options, startedAt, steps.records, exitCode);
}

function reportOf(options: CycleOptions, startedAt: string, steps: readonly StepRecord[], exitCode: number): RunReport {
    return { command: "cycle", env: options.env, startedAt, passed: exitCode === 0, exitCode, steps: [...steps] };
}

function exitCodeOf(records: readonly StepRecord[], signal: AbortSignal): number {
    if (signal.aborted || records.some((record) => record.result === "cancelled")) return CANCELLED_EXIT_CODE;
    return records.some((record) => record.result === "failed") ? 1 : 0;
}

async function requireStack(stacks: Stacks, name: string, fix: string): Promise<void> {
    const listing = (await stacks.list()).get(name);
    if (!listing) throw new OpsError(`no stack ${name} in this backend; ${fix}`);
}
