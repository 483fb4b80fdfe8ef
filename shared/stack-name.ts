import { ConfigError } from "./errors";
import {
    ENVIRONMENT_NAMES,
    ENVIRONMENTS_FILE,
    EnvironmentName,
    isEnvironmentName,
    reviewEnvironment,
} from "./environments";

export const LAYERS = ["base", "runtime"] as const;
export type Layer = (typeof LAYERS)[number];

export interface StackName {
    /** The full stack name, e.g. `runtime-dev`. */
    readonly stack: string;
    readonly layer: Layer;
    readonly env: EnvironmentName;
    /** A pull request's review (`runtime-dev-pr-<N>`): N. Undefined for an environment's own stacks. */
    readonly review?: number;
}

/** Reviews are runtimes like this environment's, reading its base, one per pull request (docs/review-environments.md). */
export const REVIEW_ENVIRONMENT: EnvironmentName = reviewEnvironment();

/** A pull request number as a stack name takes it: 1 to 9,999,999, no sign, no leading zero. */
const PULL_REQUEST_NUMBER = /^[1-9][0-9]{0,6}$/;

/** Every review's stack name starts with this: `runtime-dev-pr-`. */
export const REVIEW_STACK_PREFIX = `runtime-${REVIEW_ENVIRONMENT}-pr-`;

/** The review of pull request N: `runtime-dev-pr-<N>`. */
export function reviewStackName(pullRequest: number): string {
    return `${REVIEW_STACK_PREFIX}${pullRequest}`;
}

/** Every review at once, where a name or tag is a pattern: the review role's fence (base/github-access/review-access.ts). */
export const ANY_REVIEW = "*";

/** Where a review's name shows: `pr-<N>` in its stack, resource names and its Review tag; `pr-*` for any review. */
export function reviewLabel(pullRequest: number | typeof ANY_REVIEW): string {
    return `pr-${pullRequest}`;
}

/** A pull request number from the command line or a stack name; undefined when it is not one. */
export function pullRequestNumber(text: string): number | undefined {
    return PULL_REQUEST_NUMBER.test(text) ? Number(text) : undefined;
}

export function stackNameOf(layer: Layer, env: EnvironmentName): string {
    return `${layer}-${env}`;
}

/** Parses `<layer>-<env>`; the only stack names this project deploys. */
export function parseStackName(stack: string): StackName {
    const usage =
        `stacks are named <layer>-<env> with layer ${LAYERS.join(" or ")} and env ` +
        `${ENVIRONMENT_NAMES.join(", ")}; select one with "pulumi stack select base-dev"`;
    const reviewUsage = `; a pull request's review is ${stackNameOf("runtime", REVIEW_ENVIRONMENT)}-pr-<N>, N from 1 to 9999999`;
    const match = /^([a-z]+)-([a-z0-9]+)(?:-pr-([^-]*))?$/.exec(stack);
    if (!match) {
        throw new ConfigError(stack, [
            `"${stack}" is not a valid stack name: ${usage}${stack.includes("-pr-") ? reviewUsage : ""}`,
        ]);
    }
    const [, layer, env, review] = match;
    const problems: string[] = [];
    const pullRequest = review === undefined ? undefined : pullRequestNumber(review);
    if (review !== undefined && pullRequest === undefined) {
        problems.push(`"${review}" is not a pull request number${reviewUsage}`);
    }
    if (review !== undefined && `${layer}-${env}` !== stackNameOf("runtime", REVIEW_ENVIRONMENT)) {
        problems.push(`only ${stackNameOf("runtime", REVIEW_ENVIRONMENT)} has reviews${reviewUsage}`);
    }
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
    return {
        stack,
        layer: layer as Layer,
        env: env as EnvironmentName,
        ...(pullRequest === undefined ? {} : { review: pullRequest }),
    };
}
