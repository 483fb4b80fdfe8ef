import { EnvironmentName } from "../shared/environments";
import { fakeCloud } from "./cloud";
import { evaluateStack, Evaluation, MOCK_ORGANIZATION } from "./engine";

export interface EnvironmentEvaluation {
    readonly base: Evaluation;
    readonly runtime: Evaluation;
}

/** Stack config as `pulumi config` keeps it: `<namespace>:<key>` to string. */
export type RawConfig = Record<string, string>;

export const DEFAULT_REGION = "us-west-2";

/** Config for a stack: its region, an image tag for runtime, and the given keys (`durable-code:` added). */
export function stackConfig(layer: "base" | "runtime", settings: Record<string, string> = {}): RawConfig {
    const raw: RawConfig = { "aws:region": DEFAULT_REGION };
    if (layer === "runtime") raw["durable-code:imageTag"] = "v1.0.0";
    for (const [key, value] of Object.entries(settings)) {
        raw[key.includes(":") ? key : `durable-code:${key}`] = value;
    }
    return raw;
}

const evaluated = new Map<string, Promise<EnvironmentEvaluation>>();

/**
 * Base, then runtime reading base's outputs through the StackReference, as a real deployment does.
 * The program is deterministic, so each environment and settings pair is evaluated once per process;
 * callers must not modify what they get.
 */
export function evaluateEnvironment(
    env: EnvironmentName,
    settings: { base?: Record<string, string>; runtime?: Record<string, string> } = {},
): Promise<EnvironmentEvaluation> {
    const key = JSON.stringify([env, settings.base ?? {}, settings.runtime ?? {}]);
    if (!evaluated.has(key)) evaluated.set(key, evaluateFresh(env, settings));
    return evaluated.get(key)!;
}

async function evaluateFresh(env: EnvironmentName, settings: { base?: Record<string, string>; runtime?: Record<string, string> }): Promise<EnvironmentEvaluation> {
    const base = await evaluateStack(`base-${env}`, stackConfig("base", settings.base), fakeCloud());
    const runtime = await evaluateStack(
        `runtime-${env}`,
        stackConfig("runtime", settings.runtime),
        fakeCloud({ base, stacks: { [`${MOCK_ORGANIZATION}/durable-code/base-${env}`]: base.outputs } }),
    );
    return { base, runtime };
}

