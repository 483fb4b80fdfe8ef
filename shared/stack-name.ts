import { ConfigError } from "./errors";
import { ENVIRONMENT_NAMES, ENVIRONMENTS_FILE, EnvironmentName, isEnvironmentName } from "./environments";

export const LAYERS = ["base", "runtime"] as const;
export type Layer = (typeof LAYERS)[number];

export interface StackName {
    /** The full stack name, e.g. `runtime-dev`. */
    readonly stack: string;
    readonly layer: Layer;
    readonly env: EnvironmentName;
}

export function stackNameOf(layer: Layer, env: EnvironmentName): string {
    return `${layer}-${env}`;
}

/** Parses `<layer>-<env>`; the only stack names this project deploys. */
export function parseStackName(stack: string): StackName {
    const usage =
        `stacks are named <layer>-<env> with layer ${LAYERS.join(" or ")} and env ` +
        `${ENVIRONMENT_NAMES.join(", ")}; select one with "pulumi stack select base-dev"`;
    const match = /^([a-z]+)-([a-z0-9]+)$/.exec(stack);
    if (!match) {
        throw new ConfigError(stack, [`"${stack}" is not a valid stack name: ${usage}`]);
    }
    const [, layer, env] = match;
    const problems: string[] = [];
    if (!(LAYERS as readonly string[]).includes(layer)) {
        problems.push(`unknown layer "${layer}": ${usage}`);
    }
    if (!isEnvironmentName(env)) {
        problems.push(
            `unknown environment "${env}": ${usage}, or declare it in ${ENVIRONMENTS_FILE} (a copy of the most similar entry)`,
        );
    }
    if (problems.length > 0) {
        throw new ConfigError(stack, problems);
    }
    return { stack, layer: layer as Layer, env: env as EnvironmentName };
}
