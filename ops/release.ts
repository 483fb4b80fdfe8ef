import { readFileSync, writeFileSync } from "node:fs";
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { StackSource } from "../offline/evaluate";
import { readStackFile } from "../offline/stack-files";
import { IMAGE_TAG_PATTERN } from "../shared/config/keys";
import { EnvironmentName } from "../shared/environments";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { stackNameOf } from "../shared/stack-name";
import { environmentFrom, exclusive, positiveNumber, requireProdConfirmation } from "./args";
import { Cancellation, cancellationOf, runMain } from "./cli";
import { CommandSpec, parseCommand } from "./command";
import { CANCELLED_EXIT_CODE, OpsError } from "./errors";
import { appendJobSummary } from "./job-summary";
import { previousTags, ServiceTags, tagsOf, withTags } from "./release-ledger";
import { runtimeUp } from "./runtime";
import { OperationContext, Stacks } from "./stacks";
import { textTable } from "./text-table";
import { SendsCommands } from "./sdk-client";

export interface ReleaseRequest {
    readonly env: EnvironmentName;
    /** The tag to release, or undefined for a rollback. */
    readonly tag?: string;
    readonly services: readonly ServiceName[];
    readonly dryRun: boolean;
    readonly healthDeadlineMs: number;
}

export interface ReleaseOutcome {
    readonly previous: ServiceTags;
    readonly next: ServiceTags;
    /** The application URL when runtime was up and rolled; undefined when runtime is down. */
    readonly url?: string;
    readonly rolled: boolean;
}

/**
 * Releases a version: checks every image exists in ECR, records the tags in the committed stack
 * file (the release ledger), and rolls a running runtime, waiting until it answers. A runtime that
 * is down only gets the record; the next startup brings the version up.
 */
export async function release(
    request: ReleaseRequest,
    deps: { stacks: Stacks; ecr: SendsCommands; log: (line: string) => void; signal: AbortSignal; interrupt?: AbortSignal; source?: StackSource },
): Promise<ReleaseOutcome> {
    const runtime = stackNameOf("runtime", request.env);
    const { file, project } = readStackFile(runtime, deps.source);
    const text = readFileSync(file, "utf8");
    const previous = tagsOf(text, project);
    const chosen = request.tag
        ? Object.fromEntries(request.services.map((service) => [service, request.tag!]))
        : await previousTags(file, project, previous, request.services);
    const next = { ...previous, ...chosen } as ServiceTags;

    const repositories = await deps.stacks.baseRepositoryNames(request.env, project);
    for (const service of request.services) await requireImage(deps.ecr, repositories[service], next[service]);

    deps.log(textTable([["service", "running now (committed)", request.dryRun ? "would release" : "released"], ...SERVICE_NAMES.map((service) => [service, previous[service], next[service]])]));
    if (request.dryRun) {
        deps.log(`\ndry run: ${file} unchanged, nothing rolled`);
        return { previous, next, rolled: false };
    }
    writeFileSync(file, withTags(text, project, next));
    deps.log(`\nrecorded in ${file}; commit it: the morning startup restores what is committed`);

    const up = ((await deps.stacks.list()).get(runtime)?.resourceCount ?? 0) > 0;
    if (!up) {
        deps.log(`${runtime} is down; the next startup (or npm run up -- --env ${request.env}) brings up ${describe(next)}`);
        return { previous, next, rolled: false };
    }
    const context: OperationContext = { onOutput: (line) => deps.log(line.replace(/\n$/, "")), signal: deps.signal, interrupt: deps.interrupt };
    try {
        const url = await runtimeUp(deps.stacks, request.env, context, { dryRun: false, retryAfterCancel: false, healthDeadlineMs: request.healthDeadlineMs }, deps.log);
        return { previous, next, url, rolled: true };
    } catch (error) {
        if (error instanceof OpsError && error.exitCode === CANCELLED_EXIT_CODE) throw error;
        throw new OpsError(
            `${(error as Error).message}\n${runtime} did not come up healthy with ${describe(next)}; ${file} keeps the new tags. ` +
                `Roll back with: npm run release -- --env ${request.env} --rollback${request.env === "prod" ? " --confirm runtime-prod" : ""}`,
        );
    }
}

const describe = (tags: ServiceTags) => SERVICE_NAMES.map((service) => `${service} ${tags[service]}`).join(", ");

/** ECR's DescribeImages answers ImageNotFoundException for a tag the repository lacks (ECR API reference). */
async function requireImage(ecr: SendsCommands, repository: string, tag: string): Promise<void> {
    try {
        await ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }));
    } catch (error: any) {
        switch (error?.name) {
            case "ImageNotFoundException":
                throw new OpsError(`image ${repository}:${tag} is not in ECR; push it first (the application's build, with base's imagePublisherRoleArn), then release again. Nothing was changed`);
            case "RepositoryNotFoundException":
                throw new OpsError(`no ECR repository ${repository}; deploy base first ("pulumi up -s base-<env>"). Nothing was changed`);
            case "CredentialsProviderError":
                throw new OpsError(`no AWS credentials (${error.message}); log in (aws sso login, or the workflow's role) and release again. Nothing was changed`);
            default:
                throw new OpsError(`cannot check image ${repository}:${tag}: ${error?.name ?? "Error"}: ${error?.message ?? error}. Nothing was changed`);
        }
    }
}

export const RELEASE_SPEC: CommandSpec = {
    usage: "npm run release -- --env <dev|staging|prod> (--tag TAG | --rollback) [--service frontend|backend] [--dry-run] [--confirm runtime-prod] [--health-timeout SECONDS]",
    summary: "Ships a version: checks the images in ECR, records the tags in Pulumi.runtime-<env>.yaml (commit it), rolls a running runtime and waits for / and /health.",
    flags: {
        env: { type: "string", value: "dev|staging|prod", help: "the environment to release to (required)" },
        tag: { type: "string", value: "TAG", help: "the image tag to release" },
        rollback: { type: "boolean", help: "restore each service's previous tag from the stack file's git history", default: "off" },
        service: { type: "string", value: "frontend|backend", help: "release one service only", default: "both" },
        "dry-run": { type: "boolean", help: "check the images and print what would change; change nothing", default: "off" },
        confirm: { type: "string", value: "runtime-prod", help: "required to release to prod" },
        "health-timeout": { type: "string", value: "SECONDS", help: "how long to wait for / and /health after the roll", default: "600" },
    },
    examples: ["npm run release -- --env dev --tag v1.4.2", "npm run release -- --env staging --rollback --service backend"],
};
const USAGE = RELEASE_SPEC.usage;

export function parseRequest(argv: string[]): ReleaseRequest {
    const flags = parseCommand(argv, RELEASE_SPEC) as { env?: string; tag?: string; rollback?: boolean; service?: string; "dry-run"?: boolean; confirm?: string; "health-timeout"?: string };
    exclusive(flags, [["tag", "rollback", "a rollback restores the previous tag"]], USAGE);
    const env = environmentFrom(flags.env, USAGE);
    if (flags.tag === undefined && !flags.rollback) throw new OpsError(`--tag is required (or --rollback)\nusage: ${USAGE}`, 2);
    if (flags.tag !== undefined && !IMAGE_TAG_PATTERN.test(flags.tag)) {
        throw new OpsError(`--tag "${flags.tag}" is not a Docker image tag (up to 128 letters, digits, _ . -, not starting with . or -), such as v1.4.2\nusage: ${USAGE}`, 2);
    }
    if (flags.service !== undefined && !(SERVICE_NAMES as readonly string[]).includes(flags.service)) {
        throw new OpsError(`--service must be one of ${SERVICE_NAMES.join(", ")} (got "${flags.service}"); leave it out to release both\nusage: ${USAGE}`, 2);
    }
    const dryRun = flags["dry-run"] === true;
    if (!dryRun) requireProdConfirmation(env, flags.confirm, "npm run release rolls");
    return {
        env,
        tag: flags.tag,
        services: flags.service ? [flags.service as ServiceName] : SERVICE_NAMES,
        dryRun,
        healthDeadlineMs: positiveNumber(flags["health-timeout"], "--health-timeout", 600) * 1000,
    };
}

/** `npm run release`: prints the tags per service before and after, and writes the job summary. */
export async function main(argv: string[], cancel: AbortSignal | Cancellation, deps: { stacks?: Stacks; ecr?: SendsCommands; log?: (line: string) => void; source?: StackSource } = {}): Promise<number> {
    const request = parseRequest(argv);
    const log = deps.log ?? console.log;
    const stacks = deps.stacks ?? (await Stacks.open());
    const started = Date.now();
    const runtime = stackNameOf("runtime", request.env);
    const action = request.tag ? `release of ${request.tag} to` : "rollback of";
    try {
        const outcome = await release(request, { stacks, ecr: deps.ecr ?? new ECRClient({}), log, ...cancellationOf(cancel), source: deps.source });
        const detail = SERVICE_NAMES.map((service) => `${service}: ${outcome.previous[service]} -> ${outcome.next[service]}`).join("\n");
        const health = outcome.rolled ? "healthy" : request.dryRun ? "dry run" : "runtime down; recorded for the next startup";
        appendJobSummary({ action, stack: runtime, result: "succeeded", durationMs: Date.now() - started, url: outcome.url, detail: `${detail}\n${health}` });
        return 0;
    } catch (error) {
        const cancelled = error instanceof OpsError && error.exitCode === CANCELLED_EXIT_CODE;
        appendJobSummary({ action, stack: runtime, result: cancelled ? "cancelled" : "failed", durationMs: Date.now() - started, detail: (error as Error).message });
        throw error;
    }
}

if (require.main === module) runMain((argv, cancellation) => main(argv, cancellation), { spec: RELEASE_SPEC });
