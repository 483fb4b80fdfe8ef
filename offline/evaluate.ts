import { loadConfig } from "../shared/config/load";
import { StackConfig } from "../shared/config/types";
import { EnvironmentName } from "../shared/environments";
import { parseStackName, reviewStackName, stackNameOf } from "../shared/stack-name";
import { fakeCloud } from "./cloud";
import { evaluateStack, Evaluation, MOCK_ORGANIZATION } from "./engine";
import { ConfigError } from "../shared/errors";
import { RawConfig, readStackFile, StackFile, StackFileError } from "./stack-files";

export interface EnvironmentEvaluation {
    readonly base: Evaluation;
    readonly runtime: Evaluation;
}

/** A committed stack's config, validated as the program validates it (ConfigError or StackFileError otherwise). */
export function committedConfig(stack: string, source: StackSource = {}): StackConfig {
    let file: StackFile;
    let fileProblems: readonly string[] = [];
    try {
        file = readStackFile(stack, source);
    } catch (error) {
        if (!(error instanceof StackFileError) || !error.readable) throw error;
        // Keys the CLI would refuse hide nothing else: the rest of the file is validated as well.
        file = error.readable;
        fileProblems = error.problems;
    }
    let config: StackConfig;
    try {
        config = loadConfig(parseStackName(stack), file.config, {
            project: file.project,
            organization: MOCK_ORGANIZATION,
        });
    } catch (error) {
        if (fileProblems.length > 0 && error instanceof ConfigError)
            throw new StackFileError(file.file, [...fileProblems, ...error.problems]);
        throw error;
    }
    if (fileProblems.length > 0) throw new StackFileError(file.file, fileProblems);
    return config;
}

/** Keys to layer over a committed stack file; a key without a namespace is the project's (`durable-code:`). */
export type Overrides = Readonly<Record<string, string>>;

export interface EnvironmentOverrides {
    readonly base?: Overrides;
    readonly runtime?: Overrides;
}

export interface StackSource {
    /** Directory holding Pulumi.yaml and the stack files; the repository root by default. */
    readonly dir?: string;
}

/** The config a stack deploys with: its committed `Pulumi.<stack>.yaml`, with overrides on top. */
export function stackConfig(stack: string, overrides: Overrides = {}, source: StackSource = {}): RawConfig {
    const file = readStackFile(stack, source);
    const raw: RawConfig = { ...file.config };
    for (const [key, value] of Object.entries(overrides)) {
        raw[key.includes(":") ? key : `${file.project}:${key}`] = value;
    }
    return raw;
}

const evaluated = new Map<string, Promise<Evaluation>>();
const baseIds = new WeakMap<Evaluation, number>();
let nextBaseId = 1;

/**
 * The program is deterministic: one evaluation per stack, config and base per process, keyed by the
 * config itself so an edited stack file is evaluated afresh. Callers must not modify what they get.
 */
function evaluateOnce(
    stack: string,
    config: RawConfig,
    base?: Evaluation,
    availabilityZones?: readonly string[],
): Promise<Evaluation> {
    if (base && !baseIds.has(base)) baseIds.set(base, nextBaseId++);
    const key = JSON.stringify([stack, config, base ? baseIds.get(base) : 0, availabilityZones ?? []]);
    if (!evaluated.has(key)) {
        const cloud = base
            ? fakeCloud({ base, stacks: { [`${MOCK_ORGANIZATION}/durable-code/${base.stack}`]: base.outputs } })
            : fakeCloud({ availabilityZones, region: config["aws:region"] });
        evaluated.set(key, evaluateStack(stack, config, cloud));
    }
    return evaluated.get(key)!;
}

/**
 * Base, then runtime reading base's outputs through the StackReference, as a real deployment does,
 * each from its committed stack file plus overrides.
 */
export async function evaluateEnvironment(
    env: EnvironmentName,
    overrides: EnvironmentOverrides = {},
    source: StackSource = {},
): Promise<EnvironmentEvaluation> {
    const baseConfig = stackConfig(stackNameOf("base", env), overrides.base, source);
    const runtimeConfig = stackConfig(stackNameOf("runtime", env), overrides.runtime, source);
    const base = await evaluateOnce(stackNameOf("base", env), baseConfig);
    const runtime = await evaluateOnce(stackNameOf("runtime", env), runtimeConfig, base);
    return { base, runtime };
}

/** Base from its committed file and overrides; `availabilityZones` stands in for the region's zones, in order. */
export function evaluateBase(
    env: EnvironmentName,
    overrides: Overrides = {},
    source: StackSource = {},
    availabilityZones?: readonly string[],
): Promise<Evaluation> {
    const stack = stackNameOf("base", env);
    return evaluateOnce(stack, stackConfig(stack, overrides, source), undefined, availabilityZones);
}

/** Runtime against a base evaluation, found through the StackReference as in a real backend. */
export function evaluateRuntime(
    env: EnvironmentName,
    base: Evaluation,
    overrides: Overrides = {},
    source: StackSource = {},
): Promise<Evaluation> {
    const stack = stackNameOf("runtime", env);
    return evaluateOnce(stack, stackConfig(stack, overrides, source), base);
}

/** A pull request's review against a base evaluation, from the stack file in `dir` (review/config-file.ts writes it). */
export function evaluateReview(pullRequest: number, base: Evaluation, dir: string): Promise<Evaluation> {
    const stack = reviewStackName(pullRequest);
    return evaluateOnce(stack, readStackFile(stack, { dir }).config, base);
}
