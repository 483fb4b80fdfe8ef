import { parseArgs, ParseArgsConfig } from "node:util";
import {
    ENVIRONMENT_NAMES,
    ENVIRONMENTS_FILE,
    EnvironmentName,
    isEnvironmentName,
    isProductionLike,
    productionLikeEnvironments,
} from "../shared/environments";
import { OpsError } from "./errors";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `--flag value` arguments; unknown flags, stray words and a flag given twice (which
 * node's parser would settle silently, last one wins) are errors that name the usage.
 */
export function parseFlags<T extends Options>(argv: readonly string[], options: T, usage: string) {
    let parsed;
    try {
        parsed = parseArgs({
            args: withNegativeValues(argv, options),
            options,
            strict: true,
            allowPositionals: false,
            tokens: true,
        });
    } catch (error) {
        const unknown =
            (error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" &&
            /'(-[^']*)'/.exec((error as Error).message)?.[1];
        const message = unknown
            ? `${unknown} is not a flag of this command (--help lists its flags)`
            : (error as Error).message;
        throw new OpsError(`${message}\nusage: ${usage}`, 2);
    }
    const seen = new Set<string>();
    for (const token of parsed.tokens ?? []) {
        if (token.kind !== "option") continue;
        if (seen.has(token.name))
            throw new OpsError(`--${token.name} is given more than once; give it once\nusage: ${usage}`, 2);
        seen.add(token.name);
    }
    return parsed.values;
}

/**
 * `--minutes -5` as `--minutes=-5`: node's parser takes a value starting with a dash for a flag and
 * refuses it with advice about `=`; given as the value, the flag's own check says what is allowed.
 */
function withNegativeValues(argv: readonly string[], options: Options): string[] {
    const args: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const flag = /^--([^=]+)$/.exec(argv[i])?.[1];
        if (flag && options[flag]?.type === "string" && /^-\.?\d/.test(argv[i + 1] ?? "")) {
            args.push(`${argv[i]}=${argv[i + 1]}`);
            i++;
        } else {
            args.push(argv[i]);
        }
    }
    return args;
}

/** `--env`'s value in usage lines and help: every environment shared/environments.ts declares. */
export const ENV_VALUE = ENVIRONMENT_NAMES.join("|");

/** Where `--confirm runtime-<env>` is required, for help texts: the production-like environments. */
export function confirmHelp(what: string): string {
    const envs = productionLikeEnvironments();
    return `required to ${what} a production-like environment (${envs.join(", ") || "none is declared"})`;
}

/**
 * A production-like environment's runtime is never torn down on a schedule; a command that would
 * destroy it demands the stack name typed back, as destroy-base does for base (a dry run changes
 * nothing and needs none). `--confirm` naming another stack is refused: a command line written for
 * production is not quietly run against dev. Naming this run's own stack is accepted anywhere, so
 * the release workflow passes it whatever the environment (its GitHub Environment is the confirmation).
 */
export function requireProdConfirmation(env: EnvironmentName, confirm: unknown, what: string, dryRun = false): void {
    const stack = `runtime-${env}`;
    const productionLike = isProductionLike(env);
    if (confirm !== undefined && confirm !== stack && !productionLike) {
        throw new OpsError(
            `--confirm ${String(confirm)} is for production-like environments (${productionLikeEnvironments().join(", ")}), and this run is for ${stack}, which needs no confirmation; leave --confirm out`,
            2,
        );
    }
    if (productionLike && !dryRun && confirm !== stack) {
        throw new OpsError(`${what} ${stack}, which serves production; confirm with --confirm ${stack}`, 2);
    }
}

/** Flags that cannot be combined: the first pair both given is an error naming them. */
export function exclusive(
    flags: Record<string, unknown>,
    pairs: ReadonlyArray<readonly [string, string, string?]>,
    usage: string,
): void {
    for (const [first, second, why] of pairs) {
        if (flags[first] !== undefined && flags[second] !== undefined) {
            throw new OpsError(
                `--${first} and --${second} cannot be used together${why ? `: ${why}` : ""}\nusage: ${usage}`,
                2,
            );
        }
    }
}

export function environmentFrom(value: unknown, usage: string): EnvironmentName {
    if (typeof value !== "string") {
        throw new OpsError(`--env is required (one of ${ENVIRONMENT_NAMES.join(", ")})\nusage: ${usage}`, 2);
    }
    if (!isEnvironmentName(value)) {
        throw new OpsError(
            `--env ${value} is not an environment of this project; use one of ${ENVIRONMENT_NAMES.join(", ")}, or declare it in ${ENVIRONMENTS_FILE}\nusage: ${usage}`,
            2,
        );
    }
    return value;
}

export function positiveNumber(value: unknown, flag: string, fallback: number): number {
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0)
        throw new OpsError(`${flag} must be a positive number (got "${String(value)}")`, 2);
    return parsed;
}
