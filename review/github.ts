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

/**
 * A pull request's state through GitHub's REST API, "Get a pull request"
 * (GET /repos/{owner}/{repo}/pulls/{pull_number}: `state` is open or closed, a merged one closed too;
 * 404 when the repository has no such pull request; docs.github.com, "REST API endpoints for pull requests").
 */
export async function pullRequestState(access: GitHubAccess, pullRequest: number): Promise<PullRequestState> {
    const url = `${access.apiUrl}/repos/${access.repository}/pulls/${pullRequest}`;
    let response: Response;
    try {
        response = await fetch(url, {
            headers: {
                Accept: "application/vnd.github+json",
                Authorization: `Bearer ${access.token}`,
                "X-GitHub-Api-Version": "2022-11-28",
            },
        });
    } catch (error) {
        throw new OpsError(`cannot reach GitHub at ${url}: ${(error as Error).message}`);
    }
    if (response.status === 404) return "missing";
    if (!response.ok) {
        throw new OpsError(
            `GitHub answered ${response.status} to GET ${url}: ${(await response.text()).slice(0, 200)}; ` +
                `the token needs read access to the repository's pull requests (permissions: pull-requests: read)`,
        );
    }
    const body = (await response.json()) as { state?: string };
    return body.state === "closed" ? "closed" : "open";
}
