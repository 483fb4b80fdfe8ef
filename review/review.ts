import { OpsError } from "../cli/errors";
import { SendsCommands } from "../cli/sdk-client";
import { StackSource } from "../offline/evaluate";
import { readStackFile } from "../offline/stack-files";
import { requireImage } from "../release/release";
import { ServiceTags } from "../release/ledger";
import { SERVICE_NAMES } from "../shared/services";
import { REVIEW_ENVIRONMENT, reviewLabel, reviewStackName, stackNameOf } from "../shared/stack-name";
import { loggedContext, Stacks } from "../stacks/automation";
import { ReviewStack, ReviewStore } from "./backend";
import { devRelease, withReviewConfig } from "./config-file";

/** How many reviews may run at once unless told otherwise. */
export const DEFAULT_MAX_REVIEWS = 5;

export interface ReviewDeps {
    readonly stacks: Stacks;
    readonly store: ReviewStore;
    readonly ecr: SendsCommands;
    readonly log: (line: string) => void;
    readonly signal: AbortSignal;
    readonly interrupt?: AbortSignal;
    readonly source?: StackSource;
}

export interface ReviewUp {
    readonly stack: string;
    readonly url: string;
    readonly tags: ServiceTags;
}

/** Every declared service at one tag. */
const everyService = (tag: string) => Object.fromEntries(SERVICE_NAMES.map((service) => [service, tag])) as ServiceTags;

/**
 * Brings up, or updates, pull request N's review: dev's recorded release unless `tag` names another,
 * each image checked in ECR first as a release does; refused, before anything runs, when `maxReviews`
 * others already run.
 */
export async function reviewUp(
    pullRequest: number,
    request: { readonly tag?: string; readonly maxReviews: number },
    deps: ReviewDeps,
): Promise<ReviewUp> {
    const stack = reviewStackName(pullRequest);
    const others = (await deps.store.list()).filter((review) => review.pullRequest !== pullRequest);
    if (others.length >= request.maxReviews) throw tooMany(pullRequest, others, request.maxReviews);

    const tags: ServiceTags = request.tag ? everyService(request.tag) : devRelease(deps.source);
    const { project } = readStackFile(stackNameOf("runtime", REVIEW_ENVIRONMENT), deps.source);
    const repositories = await deps.stacks.baseRepositoryNames(REVIEW_ENVIRONMENT, project);
    for (const service of SERVICE_NAMES) await requireImage(deps.ecr, repositories[service], tags[service]);

    const context = loggedContext(deps.log, deps);
    await withReviewConfig(
        pullRequest,
        request.tag ? tags : undefined,
        (_dir, configFile) => deps.stacks.up(stack, context, configFile),
        deps.source,
    );
    const url = String((await deps.stacks.outputs(stack)).url ?? "");
    return { stack, url, tags };
}

/**
 * Destroys pull request N's review and removes its stack from the backend with its backups; a pull
 * request without a review has nothing to remove.
 */
export async function reviewDown(pullRequest: number, deps: ReviewDeps): Promise<boolean> {
    const stack = reviewStackName(pullRequest);
    if (!(await deps.store.list()).some((review) => review.pullRequest === pullRequest)) return false;
    const context = loggedContext(deps.log, deps);
    await withReviewConfig(
        pullRequest,
        undefined,
        (_dir, configFile) => deps.stacks.destroy(stack, context, configFile),
        deps.source,
    );
    await deps.stacks.removeWithBackups(stack);
    return true;
}

function tooMany(pullRequest: number, running: readonly ReviewStack[], max: number): OpsError {
    return new OpsError(
        `${running.length} reviews are running (${running.map((review) => reviewLabel(review.pullRequest)).join(", ")}), ` +
            `at most ${max} at once; ${reviewLabel(pullRequest)} was not started. Close one ("npm run review -- --pr <N> --down"), ` +
            `or raise the limit with --max-reviews`,
    );
}
