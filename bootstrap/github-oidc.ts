import { CreateOpenIDConnectProviderCommand, ListOpenIDConnectProvidersCommand } from "@aws-sdk/client-iam";
import { GITHUB_OIDC_HOST } from "../base/github-access/policies";
import { OpsError } from "../cli/errors";
import { SendsCommands } from "../cli/sdk-client";

/**
 * The account's GitHub OIDC provider, created once: every environment's GitHub roles trust it, so
 * it belongs to no base. IAM names a provider's ARN after its URL, so an existing one is found by
 * that. A thumbprint is no longer needed for GitHub's issuer (IAM API reference,
 * CreateOpenIDConnectProvider: ThumbprintList is optional; IAM trusts the issuer's CA).
 */
export async function ensureGithubOidcProvider(
    iam: SendsCommands,
    dryRun: boolean,
    log: (line: string) => void,
): Promise<string | undefined> {
    let existing: string | undefined;
    try {
        const listed = await iam.send(new ListOpenIDConnectProvidersCommand({}));
        existing = (listed.OpenIDConnectProviderList ?? [])
            .map((entry: { Arn?: string }) => entry.Arn)
            .find((arn: string | undefined) => arn?.endsWith(`:oidc-provider/${GITHUB_OIDC_HOST}`));
    } catch (error: any) {
        throw new OpsError(
            `cannot list the account's OIDC providers: ${error?.name ?? "Error"}: ${error?.message ?? error}; the caller needs iam:ListOpenIDConnectProviders`,
        );
    }
    if (existing) {
        log(`GitHub OIDC provider exists (${existing})`);
        return existing;
    }
    log(
        `${dryRun ? "would create" : "create"} the account's GitHub OIDC provider (https://${GITHUB_OIDC_HOST}, audience sts.amazonaws.com)`,
    );
    if (dryRun) return undefined;
    try {
        const created = await iam.send(
            new CreateOpenIDConnectProviderCommand({
                Url: `https://${GITHUB_OIDC_HOST}`,
                ClientIDList: ["sts.amazonaws.com"],
                Tags: [{ Key: "ManagedBy", Value: "npm run bootstrap" }],
            }),
        );
        return created.OpenIDConnectProviderArn;
    } catch (error: any) {
        throw new OpsError(
            `cannot create the GitHub OIDC provider: ${error?.name ?? "Error"}: ${error?.message ?? error}; the caller needs iam:CreateOpenIDConnectProvider`,
        );
    }
}
