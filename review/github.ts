import { OpsError } from "../cli/errors";

export type PullRequestState = "open" | "closed" | "missing";

/** Where to ask GitHub about the repository's pull requests, as a workflow's run gives it. */
export interface GitHubAccess {
    /** `$GITHUB_API_URL`: https://api.github.com, or a GitHub Enterprise Server's /api/v3. */
    readonly apiUrl: string;
    /** `$GITHUB_REPOSITORY`: owner/name. */
    readonly repository: string;
    /** `$GITHUB_TOKEN`, which a workflow passes in (`env: GITHUB_TOKEN: ${{ github.token }}`): no step sees it otherwise. */
    readonly token: string;
}

/** The access from the environment a workflow step runs with; what is missing is named with how to pass it. */
export function gitHubAccessFrom(env: NodeJS.ProcessEnv): GitHubAccess {
    const missing = ["GITHUB_REPOSITORY", "GITHUB_TOKEN"].filter((name) => !env[name]);
    if (missing.length > 0) {
        throw new OpsError(
            `--sweep asks GitHub which pull requests are closed and needs ${missing.join(" and ")}: ` +
                `a workflow passes them as env: { GITHUB_TOKEN: "\${{ github.token }}" } (GITHUB_REPOSITORY is set in every run); by hand, export them`,
            2,
        );
    }
    return {
        apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/$/, ""),
        repository: env.GITHUB_REPOSITORY!,
        token: env.GITHUB_TOKEN!,
    };
}

/** GET `path` under the API with the run's token; GitHub's status and body, or an error naming the URL. */
async function get(access: GitHubAccess, path: string): Promise<{ url: string; response: Response }> {
    const url = `${access.apiUrl}${path}`;
    try {
        const response = await fetch(url, {
            headers: {
                Accept: "application/vnd.github+json",
                Authorization: `Bearer ${access.token}`,
                "X-GitHub-Api-Version": "2022-11-28",
            },
        });
        return { url, response };
    } catch (error) {
        throw new OpsError(`cannot reach GitHub at ${url}: ${(error as Error).message}`);
    }
}

async function refused(url: string, response: Response): Promise<OpsError> {
    return new OpsError(
        `GitHub answered ${response.status} to GET ${url}: ${(await response.text()).slice(0, 200)}; ` +
            `the token needs read access to the repository's pull requests (permissions: pull-requests: read)`,
    );
}

/**
 * The pull requests of `access.repository`, once GitHub has shown that it knows the repository
 * ("Get a repository", GET /repos/{owner}/{repo}, a metadata endpoint every GitHub App token, the
 * run's GITHUB_TOKEN among them, may read: docs.github.com, "Permissions required for GitHub Apps").
 * Only then does a 404 for a pull request mean it is gone: with a mistyped GITHUB_REPOSITORY, or a
 * token that cannot see the repository, every pull request would answer 404, and the sweep would
 * remove every review. A pull request's state comes from "Get a pull request"
 * (GET /repos/{owner}/{repo}/pulls/{pull_number}: `state` is open or closed, a merged one closed too;
 * 404 when the repository has no such pull request; "REST API endpoints for pull requests").
 */
export async function repositoryPullRequests(
    access: GitHubAccess,
): Promise<(pullRequest: number) => Promise<PullRequestState>> {
    const repository = await get(access, `/repos/${access.repository}`);
    if (repository.response.status === 404) {
        throw new OpsError(
            `GitHub knows no repository ${access.repository} at ${access.apiUrl} (404 to GET ${repository.url}), or the token cannot see it; ` +
                `nothing was removed: set GITHUB_REPOSITORY to the repository's owner/name and GITHUB_API_URL to its API, with a token of that repository`,
        );
    }
    if (!repository.response.ok) throw await refused(repository.url, repository.response);
    return async (pullRequest) => {
        const { url, response } = await get(access, `/repos/${access.repository}/pulls/${pullRequest}`);
        if (response.status === 404) return "missing";
        if (!response.ok) throw await refused(url, response);
        const body = (await response.json()) as { state?: string };
        return body.state === "closed" ? "closed" : "open";
    };
}
