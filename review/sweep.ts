import { OpsError } from "../cli/errors";
import { reviewLabel } from "../shared/stack-name";
import { staleLockMinutes } from "../stacks/job-timeout";
import { describeLock, isStale } from "../stacks/locks";
import { GitHubAccess, repositoryPullRequests } from "./github";
import { ReviewDeps, reviewDown } from "./review";

/** How long a review may go without an update before the sweep removes it, unless told otherwise. */
export const DEFAULT_TTL_DAYS = 3;

export interface Swept {
    readonly pullRequest: number;
    /** Why it was removed. */
    readonly why: string;
}

/**
 * Removes every review whose pull request is closed (or gone), or whose state was last written more
 * than `ttlDays` ago; the others stay. A review whose lock a live run holds (younger than a job can
 * run) is left for the next sweep: the sweep shares no concurrency group with its pull request's runs,
 * so a push's `up` or a close's `--down` may be under way, and removing it would only fail on the lock.
 * A failed removal does not stop the others: the sweep reports them all at the end.
 */
export async function sweep(
    options: { readonly ttlDays: number; readonly now: Date },
    deps: ReviewDeps & { readonly github: GitHubAccess },
): Promise<Swept[]> {
    const swept: Swept[] = [];
    const failed: string[] = [];
    const pullRequestState = await repositoryPullRequests(deps.github);
    for (const review of await deps.store.list()) {
        const state = await pullRequestState(review.pullRequest);
        const idleDays = (options.now.getTime() - review.updated.getTime()) / 86_400_000;
        const why =
            state === "closed"
                ? "pull request closed"
                : state === "missing"
                  ? "no such pull request"
                  : idleDays > options.ttlDays
                    ? `not updated for ${Math.floor(idleDays)} days (TTL ${options.ttlDays})`
                    : undefined;
        if (why === undefined) continue;
        const live = (await deps.stacks.locks(review.stack)).filter(
            (lock) => !isStale(lock, staleLockMinutes(), options.now),
        );
        if (live.length > 0) {
            deps.log(
                `${reviewLabel(review.pullRequest)}: ${why}, but ${review.stack} is locked by ${live.map((lock) => describeLock(lock, options.now)).join("; ")}, a run under way; left for the next sweep`,
            );
            continue;
        }
        deps.log(`${reviewLabel(review.pullRequest)}: ${why}; removing ${review.stack}`);
        try {
            await reviewDown(review.pullRequest, deps);
            swept.push({ pullRequest: review.pullRequest, why });
        } catch (error) {
            if (deps.signal.aborted) throw error;
            failed.push(`${review.stack}: ${(error as Error).message}`);
        }
    }
    if (failed.length > 0) {
        throw new OpsError(
            `the sweep removed ${swept.length} review(s) but could not remove ${failed.length}:\n${failed.join("\n")}`,
        );
    }
    return swept;
}
