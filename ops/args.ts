import { parseArgs, ParseArgsConfig } from "node:util";
import { ENVIRONMENT_NAMES, EnvironmentName, isEnvironmentName } from "../shared/environments";
import { OpsError } from "./errors";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses `--flag value` arguments; unknown flags and stray words are errors that name the usage. */
export function parseFlags<T extends Options>(argv: readonly string[], options: T, usage: string) {
    try {
        return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
    } catch (error) {
        throw new OpsError(`${(error as Error).message}\nusage: ${usage}`, 2);
    }
}

export function environmentFrom(value: unknown, usage: string): EnvironmentName {
    if (typeof value !== "string") {
        throw new OpsError(`--env is required (one of ${ENVIRONMENT_NAMES.join(", ")})\nusage: ${usage}`, 2);
    }
    if (!isEnvironmentName(value)) {
        throw new OpsError(`unknown environment "${value}"; use one of ${ENVIRONMENT_NAMES.join(", ")}\nusage: ${usage}`, 2);
    }
    return value;
}

export function positiveNumber(value: unknown, flag: string, fallback: number): number {
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new OpsError(`${flag} must be a positive number (got "${String(value)}")`, 2);
    return parsed;
}
