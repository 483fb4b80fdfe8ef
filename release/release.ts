import { readFileSync } from "node:fs";
import { DescribeImagesCommand } from "@aws-sdk/client-ecr";
import { StackSource } from "../offline/evaluate";
import { readStackFile } from "../offline/stack-files";
import { EnvironmentName, isProductionLike } from "../shared/environments";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { stackNameOf } from "../shared/stack-name";
import { CANCELLED_EXIT_CODE, OpsError } from "../cli/errors";
import { previousTags, ServiceTags, tagsOf, withTags } from "./ledger";
import { RolledBackError } from "../stacks/deployments";
import { runtimeUp } from "../stacks/runtime";
import { waitForLock } from "../stacks/stale-lock";
import { loggedContext, Stacks } from "../stacks/automation";
import { textTable } from "../cli/text-table";
import { OutputFile } from "../cli/output-file";
import { SendsCommands } from "../cli/sdk-client";

export interface ReleaseRequest {
    readonly env: EnvironmentName;
    /** The tag to release, or undefined for a rollback. */
    readonly tag?: string;
    readonly services: readonly ServiceName[];
    readonly dryRun: boolean;
    readonly healthDeadlineMs: number;
    /** How long to wait for another run's lock on runtime to be released first (see stacks/stale-lock.ts). */
    readonly waitForLockMinutes?: number;
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
    deps: {
        stacks: Stacks;
        ecr: SendsCommands;
        ecs: SendsCommands;
        log: (line: string) => void;
        signal: AbortSignal;
        interrupt?: AbortSignal;
        source?: StackSource;
    },
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

    deps.log(
        textTable([
            ["service", "running now (committed)", request.dryRun ? "would release" : "released"],
            ...SERVICE_NAMES.map((service) => [service, previous[service], next[service]]),
        ]),
    );
    if (request.dryRun) {
        deps.log(`\ndry run: ${file} unchanged, nothing rolled`);
        return { previous, next, rolled: false };
    }
    OutputFile.owned(file).write(withTags(text, project, next));
    deps.log(`\nrecorded in ${file}; commit it: the morning startup restores what is committed`);

    const context = loggedContext(deps.log, deps);
    // Whether runtime is up is read only once no other run (a teardown, say) holds its lock.
    await waitForLock(
        deps.stacks,
        runtime,
        context,
        { retryAfterCancel: false, waitForLockMinutes: request.waitForLockMinutes },
        deps.log,
    );
    const up = ((await deps.stacks.list()).get(runtime)?.resourceCount ?? 0) > 0;
    if (!up) {
        deps.log(
            `${runtime} is down; the next startup (or npm run up -- --env ${request.env}) brings up ${describe(next)}`,
        );
        return { previous, next, rolled: false };
    }
    try {
        const url = await runtimeUp(
            deps.stacks,
            request.env,
            context,
            { dryRun: false, retryAfterCancel: false, healthDeadlineMs: request.healthDeadlineMs },
            deps.log,
            deps.ecs,
        );
        return { previous, next, url, rolled: true };
    } catch (error) {
        if (error instanceof OpsError && error.exitCode === CANCELLED_EXIT_CODE) throw error;
        if (error instanceof RolledBackError) throw recordWhatRuns(error, file, project, next, request);
        throw new OpsError(
            `${(error as Error).message}\n${runtime} did not come up healthy with ${describe(next)}; ${file} keeps the new tags. ` +
                `Roll back with: npm run release -- --env ${request.env} --rollback${confirmation(request)}`,
        );
    }
}

/**
 * ECS rolled some services back: the ledger must say what really runs, or the next morning restores
 * a version that never ran. Each rolled-back service gets the tag its running task definition names.
 */
function recordWhatRuns(
    error: RolledBackError,
    file: string,
    project: string,
    next: ServiceTags,
    request: ReleaseRequest,
): OpsError {
    const running = { ...next };
    for (const { service, runningTag } of error.rolledBack) if (runningTag) running[service] = runningTag;
    OutputFile.owned(file).write(withTags(readFileSync(file, "utf8"), project, running));
    const names = error.rolledBack.map(({ service }) => service).join(" and ");
    return new OpsError(
        `${error.message}\n${names} rolled back; ${file} now records what runs: ${describe(running)}. Commit it, fix the release, and release again` +
            `${isProductionLike(request.env) ? ` (with${confirmation(request)})` : ""}`,
    );
}

const describe = (tags: ServiceTags) => SERVICE_NAMES.map((service) => `${service} ${tags[service]}`).join(", ");

/** ECR's DescribeImages answers ImageNotFoundException for a tag the repository lacks (ECR API reference). */
export async function requireImage(ecr: SendsCommands, repository: string, tag: string): Promise<void> {
    try {
        await ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }));
    } catch (error: any) {
        switch (error?.name) {
            case "ImageNotFoundException":
                throw new OpsError(
                    `image ${repository}:${tag} is not in ECR; push it first (the application's build, with base's imagePublisherRoleArn), then release again. Nothing was changed`,
                );
            case "RepositoryNotFoundException":
                throw new OpsError(
                    `no ECR repository ${repository}; deploy base first ("pulumi up -s base-<env>"). Nothing was changed`,
                );
            case "CredentialsProviderError":
                throw new OpsError(
                    `no AWS credentials (${error.message}); log in (aws sso login, or the workflow's role) and release again. Nothing was changed`,
                );
            default:
                throw new OpsError(
                    `cannot check image ${repository}:${tag}: ${error?.name ?? "Error"}: ${error?.message ?? error}. Nothing was changed`,
                );
        }
    }
}

/** The `--confirm` a production-like environment's release wants, for the commands an error gives. */
function confirmation(request: ReleaseRequest): string {
    return isProductionLike(request.env) ? ` --confirm runtime-${request.env}` : "";
}
