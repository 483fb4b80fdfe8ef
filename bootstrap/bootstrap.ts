import { OpsError } from "../cli/errors";
import { SendsCommands } from "../cli/sdk-client";
import { ensureGithubOidcProvider } from "./github-oidc";
import { secretsKey } from "./secrets-key";
import {
    BucketSteps,
    Change,
    ensureBucket,
    ensureEncryption,
    ensureLifecycleRules,
    ensurePublicAccessBlocked,
    ensureTlsOnlyPolicy,
    ensureVersioning,
    readOr,
} from "./state-bucket";

export interface BootstrapOptions {
    readonly bucket: string;
    readonly region: string;
    /** Create (or reuse) a KMS key under alias/<kmsAlias> for the awskms:// secrets provider. */
    readonly kmsAlias?: string;
    /** Read what exists and report what would be created or changed; change nothing. */
    readonly dryRun: boolean;
    /** Days a replaced state file version is kept. */
    readonly keepOldVersionsDays: number;
    /** Create the account's GitHub OIDC provider, which the GitHub roles of every base trust. */
    readonly githubOidc?: boolean;
}

export interface BootstrapResult {
    readonly loginUrl: string;
    readonly secretsProvider?: string;
    /** What was done (or, with dry run, would be done), one line per change. */
    readonly actions: string[];
}

/**
 * Creates what the S3 backend needs before the first stack, idempotently. On an existing bucket it
 * reads each setting and changes only what is missing or wrong, merging into what is there: other
 * policy statements and lifecycle rules are kept, and SSE-KMS encryption is never downgraded.
 */
export async function bootstrap(
    options: BootstrapOptions,
    clients: { s3: SendsCommands; kms: SendsCommands; iam?: SendsCommands },
    log: (line: string) => void,
): Promise<BootstrapResult> {
    const actions: string[] = [];
    const change: Change = async (description, send) => {
        actions.push(description);
        log(`${options.dryRun ? "would " : ""}${description}`);
        if (options.dryRun) return;
        await send().catch((error) => {
            throw new OpsError(
                `bootstrap stopped at "${description}": ${error?.name ?? "Error"}: ${error?.message ?? error}. ` +
                    `What was done before is kept; fix the cause (credentials, permissions) and run the same command again.`,
            );
        });
    };
    const { bucket, region } = options;
    const exists = await ensureBucket(clients.s3, bucket, region, change, log);
    const steps: BucketSteps = {
        s3: clients.s3,
        bucket,
        read: (send, missing) => (exists ? readOr(send, missing) : Promise.resolve(undefined)),
        change,
        ok: (what) => log(`${what}: already right`),
        log,
    };
    await ensureVersioning(steps);
    await ensurePublicAccessBlocked(steps);
    await ensureEncryption(steps);
    await ensureTlsOnlyPolicy(steps);
    await ensureLifecycleRules(steps, options.keepOldVersionsDays);

    const secretsProvider = options.kmsAlias
        ? await secretsKey(clients.kms, { ...options, kmsAlias: options.kmsAlias }, change, log)
        : undefined;

    if (options.githubOidc) {
        if (!clients.iam) throw new OpsError("--github-oidc needs an IAM client");
        const arn = await ensureGithubOidcProvider(clients.iam, options.dryRun, log);
        actions.push(arn ? `GitHub OIDC provider ${arn}` : "create the GitHub OIDC provider");
    }

    const loginUrl = `s3://${bucket}?region=${region}&awssdk=v2`;
    log(`\nlog in with:\n  pulumi login '${loginUrl}'`);
    // Each environment's stacks under its own KMS encryption context, so one key serves every environment
    // and each environment's roles decrypt only their own (docs/security.md, "Access: one environment's reach").
    if (secretsProvider)
        log(
            `create stacks with their environment's context:\n  pulumi stack init base-dev --secrets-provider '${secretsProvider}&context_project=<project>&context_environment=dev'`,
        );
    return { loginUrl, secretsProvider, actions };
}
