import * as path from "node:path";
import { baseMonthlyCost, priceEvaluation, runtimeUpHoursPerMonth } from "../cost/estimate";
import { priceResources } from "../cost/price-resources";
import { Evaluation, EvaluationError } from "../offline/engine";
import { committedConfig, evaluateBase, evaluateRuntime, StackSource } from "../offline/evaluate";
import { stackFilePath, StackFileError } from "../offline/stack-files";
import { RuntimeConfig, StackConfig } from "../shared/config/types";
import { ConfigError } from "../shared/errors";
import { ENVIRONMENTS, EnvironmentName } from "../shared/environments";
import { SERVICE_NAMES, SERVICES, taskSize } from "../shared/services";
import { parseStackName, stackNameOf } from "../shared/stack-name";
import { textTable } from "../cli/text-table";

export interface CheckResult {
    readonly stack: string;
    readonly file: string;
    /** Every problem found; empty when the stack file is deployable as far as anything offline can tell. */
    readonly problems: readonly string[];
    /** What the stack declares, when it has no problems. */
    readonly summary?: string;
}

/**
 * Checks stack files offline, with no CLI and no AWS: the file must parse, its config must pass the
 * program's own validation, and the program must evaluate with it (runtime against its base's
 * committed file, as a deployment would read it).
 */
export class StackChecker {
    private readonly bases = new Map<EnvironmentName, Promise<Evaluation>>();

    constructor(private readonly source: StackSource = {}) {}

    async check(stack: string): Promise<CheckResult> {
        const file = stackFilePath(stack, this.source.dir);
        const problems = (error: unknown): CheckResult => ({ stack, file, problems: problemsOf(error) });
        let config: StackConfig;
        try {
            config = committedConfig(stack, this.source);
        } catch (error) {
            return problems(error);
        }
        try {
            const base = await this.base(config.env);
            if (config.layer === "base")
                return { stack, file, problems: [], summary: summarizeBase(base, this.asleepAtRest(config.env)) };
            const runtime = await evaluateRuntime(config.env, base, {}, this.source);
            return { stack, file, problems: [], summary: summarizeRuntime(config, base, runtime) };
        } catch (error) {
            return problems(error);
        }
    }

    /**
     * Whether the environment's committed runtime file sets wakeOnRequest: base's log ingestion then
     * follows runtime's hours of use, as npm run cost prices it. A runtime file with problems (its own
     * check reports them) is priced on the schedule.
     */
    private asleepAtRest(env: EnvironmentName): boolean {
        try {
            return (
                (committedConfig(stackNameOf("runtime", env), this.source) as RuntimeConfig).wakeOnRequest !== undefined
            );
        } catch (error) {
            if (isStackProblem(error)) return false;
            throw error;
        }
    }

    private base(env: EnvironmentName): Promise<Evaluation> {
        if (!this.bases.has(env)) {
            // evaluateBase throws at once on an unreadable file: run it inside the promise so the catch sees that too.
            const base = Promise.resolve()
                .then(() => evaluateBase(env, {}, this.source))
                .catch((error) => {
                    const problems = problemsOf(error);
                    throw new ConfigError(stackNameOf("runtime", env), [
                        `its base's file ${path.basename(stackFilePath(stackNameOf("base", env)))} has problems: ${problems.join("; ")}`,
                    ]);
                });
            this.bases.set(env, base);
        }
        return this.bases.get(env)!;
    }
}

/** Whether an error is a problem of the stack files or their config (what `check` reports), not a bug. */
export function isStackProblem(error: unknown): boolean {
    const cause = error instanceof EvaluationError ? error.cause : error;
    return cause instanceof ConfigError || cause instanceof StackFileError;
}

/** A result as `npm run check` prints it: the stack, its file (from the working directory) and each problem, or its summary. */
export function describeResult(result: CheckResult): string {
    const where = path.relative(process.cwd(), result.file) || result.file;
    const count = result.problems.length;
    return count > 0
        ? `${result.stack} (${where}): ${count} problem${count === 1 ? "" : "s"}\n${result.problems.map((problem) => `  - ${problem}`).join("\n")}`
        : `${result.stack} (${where}): ok\n${result.summary}`;
}

function problemsOf(error: unknown): string[] {
    const cause = error instanceof EvaluationError ? error.cause : error;
    if (cause instanceof ConfigError) return [...cause.problems];
    if (cause instanceof StackFileError) return [...cause.problems];
    return [cause instanceof Error ? cause.message : String(cause)];
}

/** Resource counts by type, the layer's key settings, and its cost line. */
function resourceCounts(stack: Evaluation): string {
    const counts = new Map<string, number>();
    for (const resource of stack.resources) {
        if (!resource.type.startsWith("durable-code:")) counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
    }
    return textTable(
        [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => [`  ${type}`, String(count)]),
        { rightAlignFrom: 1 },
    );
}

function summarizeBase(base: Evaluation, asleepAtRest: boolean): string {
    const env = parseStackName(base.stack).env;
    const priced = priceResources(base.resources, String(base.outputs.region), ENVIRONMENTS[env].usage);
    return [
        `  vpc ${base.outputs.vpcCidr} over ${base.outputs.publicSubnetIds.length} zones in ${base.outputs.region}; domain ${base.outputs.domain || "none"}`,
        resourceCounts(base),
        `  cost: $${baseMonthlyCost(priced.items, runtimeUpHoursPerMonth(env, asleepAtRest)).toFixed(2)} a month, always on`,
    ].join("\n");
}

function summarizeRuntime(config: RuntimeConfig, base: Evaluation, runtime: Evaluation): string {
    const cost = priceEvaluation(config.egress, config.env, { base, runtime });
    return [
        `  egress ${config.egress}; tasks ${config.taskCpu} CPU / ${config.taskMemory} MiB${sizedApart(config)} ${config.cpuArchitecture}, ` +
            `${scalingOf(config)}, ${config.spot ? "Fargate Spot" : "on demand"}; images ${SERVICE_NAMES.map((service) => `${service} ${config.imageTags[service]}`).join(", ")}`,
        resourceCounts(runtime),
        `  cost: $${cost.runtimePerHour.toFixed(4)} an hour up, $${cost.runtimeMonthlyScheduled.toFixed(2)} a month ${cost.wakeOnRequest ? "awake" : "on the schedule"} (${Math.round(cost.upHoursPerMonth)} h up${cost.wakeOnRequest ? ", hours of use assumed" : ""})`,
    ].join("\n");
}

/** How many tasks each service runs: around desiredCount on CPU, or asleep at 0 until a request wakes it. */
function scalingOf(config: RuntimeConfig): string {
    return config.wakeOnRequest
        ? `${config.desiredCount} per service awake, 0 asleep (wakeOnRequest, asleep after ${config.wakeOnRequest.idleMinutes} idle minutes)`
        : `${config.desiredCount} per service (autoscaling ${config.minCount}-${config.maxCount})`;
}

/** The services whose tasks are another size than the environment's (their sizeMultiple): " (worker 512 / 1024)". */
function sizedApart(config: RuntimeConfig): string {
    const apart = SERVICE_NAMES.filter((service) => (SERVICES[service].sizeMultiple ?? 1) !== 1).map((service) => {
        const { cpu, memory } = taskSize(service, config.taskCpu, config.taskMemory);
        return `${service} ${cpu} / ${memory}`;
    });
    return apart.length > 0 ? ` (${apart.join(", ")})` : "";
}
