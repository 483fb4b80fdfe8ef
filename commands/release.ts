import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { StackSource } from "../offline/evaluate";
import { IMAGE_TAG_PATTERN } from "../shared/config/keys";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { stackNameOf } from "../shared/stack-name";
import {
    confirmHelp,
    ENV_VALUE,
    environmentFrom,
    exclusive,
    positiveNumber,
    requireProdConfirmation,
} from "../cli/args";
import { Cancellation, cancellationOf, runMain } from "../cli/run-main";
import { CommandSpec, parseCommand } from "../cli/command";
import { CANCELLED_EXIT_CODE, OpsError } from "../cli/errors";
import { appendJobSummary } from "../stacks/job-summary";
import { Stacks } from "../stacks/automation";
import { SendsCommands } from "../cli/sdk-client";
import { ReleaseRequest, release } from "../release/release";
import { HEALTH_PATHS } from "../shared/services";

export const RELEASE_SPEC: CommandSpec = {
    usage: `npm run release -- --env <${ENV_VALUE}> (--tag TAG | --rollback) [--service ${SERVICE_NAMES.join("|")}] [--dry-run] [--confirm runtime-<env>] [--health-timeout SECONDS] [--wait-for-lock MINUTES]`,
    summary: `Ships a version: checks the images in ECR, records the tags in Pulumi.runtime-<env>.yaml (commit it), rolls a running runtime and waits for ${HEALTH_PATHS.join(" and ")}.`,
    flags: {
        env: { type: "string", value: ENV_VALUE, help: "the environment to release to (required)" },
        tag: { type: "string", value: "TAG", help: "the image tag to release" },
        rollback: {
            type: "boolean",
            help: "restore each service's previous tag from the stack file's git history",
            default: "off",
        },
        service: {
            type: "string",
            value: SERVICE_NAMES.join("|"),
            help: "release one service only",
            default: "every service",
        },
        "dry-run": {
            type: "boolean",
            help: "check the images and print what would change; change nothing",
            default: "off",
        },
        confirm: { type: "string", value: "runtime-<env>", help: confirmHelp("release to") },
        "health-timeout": {
            type: "string",
            value: "SECONDS",
            help: `how long to wait for ${HEALTH_PATHS.join(" and ")} after the roll`,
            default: "600",
        },
        "wait-for-lock": {
            type: "string",
            value: "MINUTES",
            help: "first wait this long for another run's lock on runtime to be released",
            default: "0",
        },
    },
    examples: [
        "npm run release -- --env dev --tag v1.4.2",
        "npm run release -- --env staging --rollback --service backend",
    ],
};
const USAGE = RELEASE_SPEC.usage;

export function parseRequest(argv: string[]): ReleaseRequest {
    const flags = parseCommand(argv, RELEASE_SPEC) as {
        env?: string;
        tag?: string;
        rollback?: boolean;
        service?: string;
        "dry-run"?: boolean;
        confirm?: string;
        "health-timeout"?: string;
        "wait-for-lock"?: string;
    };
    exclusive(flags, [["tag", "rollback", "a rollback restores the previous tag"]], USAGE);
    const env = environmentFrom(flags.env, USAGE);
    if (flags.tag === undefined && !flags.rollback)
        throw new OpsError(`--tag is required (or --rollback)\nusage: ${USAGE}`, 2);
    if (flags.tag !== undefined && !IMAGE_TAG_PATTERN.test(flags.tag)) {
        throw new OpsError(
            `--tag "${flags.tag}" is not a Docker image tag (up to 128 letters, digits, _ . -, not starting with . or -), such as v1.4.2\nusage: ${USAGE}`,
            2,
        );
    }
    if (flags.service !== undefined && !(SERVICE_NAMES as readonly string[]).includes(flags.service)) {
        throw new OpsError(
            `--service must be one of ${SERVICE_NAMES.join(", ")} (got "${flags.service}"); leave it out to release every service\nusage: ${USAGE}`,
            2,
        );
    }
    const dryRun = flags["dry-run"] === true;
    requireProdConfirmation(env, flags.confirm, "npm run release rolls", dryRun);
    return {
        env,
        tag: flags.tag,
        services: flags.service ? [flags.service as ServiceName] : SERVICE_NAMES,
        dryRun,
        healthDeadlineMs: positiveNumber(flags["health-timeout"], "--health-timeout", 600) * 1000,
        waitForLockMinutes: positiveNumber(flags["wait-for-lock"], "--wait-for-lock", 0),
    };
}

/** `npm run release`: prints the tags per service before and after, and writes the job summary. */
export async function main(
    argv: string[],
    cancel: AbortSignal | Cancellation,
    deps: {
        stacks?: Stacks;
        ecr?: SendsCommands;
        ecs?: SendsCommands;
        log?: (line: string) => void;
        source?: StackSource;
    } = {},
): Promise<number> {
    const request = parseRequest(argv);
    const log = deps.log ?? console.log;
    const stacks = deps.stacks ?? (await Stacks.open());
    const started = Date.now();
    const runtime = stackNameOf("runtime", request.env);
    const action = request.tag ? `release of ${request.tag} to` : "rollback of";
    try {
        const outcome = await release(request, {
            stacks,
            ecr: deps.ecr ?? new ECRClient({}),
            ecs: deps.ecs ?? new ECSClient({}),
            log,
            ...cancellationOf(cancel),
            source: deps.source,
        });
        const detail = SERVICE_NAMES.map(
            (service) => `${service}: ${outcome.previous[service]} -> ${outcome.next[service]}`,
        ).join("\n");
        const health = outcome.rolled
            ? "healthy"
            : request.dryRun
              ? "dry run"
              : "runtime down; recorded for the next startup";
        appendJobSummary({
            action,
            stack: runtime,
            result: "succeeded",
            durationMs: Date.now() - started,
            url: outcome.url,
            detail: `${detail}\n${health}`,
        });
        return 0;
    } catch (error) {
        const cancelled = error instanceof OpsError && error.exitCode === CANCELLED_EXIT_CODE;
        appendJobSummary({
            action,
            stack: runtime,
            result: cancelled ? "cancelled" : "failed",
            durationMs: Date.now() - started,
            detail: (error as Error).message,
        });
        throw error;
    }
}

if (require.main === module) runMain((argv, cancellation) => main(argv, cancellation), { spec: RELEASE_SPEC });
