import {
    CreateBucketCommand,
    GetBucketEncryptionCommand,
    GetBucketLifecycleConfigurationCommand,
    GetBucketPolicyCommand,
    GetBucketVersioningCommand,
    GetPublicAccessBlockCommand,
    HeadBucketCommand,
    PutBucketEncryptionCommand,
    PutBucketLifecycleConfigurationCommand,
    PutBucketPolicyCommand,
    PutBucketVersioningCommand,
    PutPublicAccessBlockCommand,
} from "@aws-sdk/client-s3";
import { isDeepStrictEqual } from "node:util";
import { OpsError } from "../cli/errors";
import { ensureGithubOidcProvider } from "./github-oidc";
import { secretsKey } from "./secrets-key";
import { SendsCommands } from "../cli/sdk-client";
import { lifecycleRules, TLS_SID, tlsOnlyPolicy } from "./bucket-settings";

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
 * What a read returns when the thing is not there: S3 answers an unset setting with an error
 * (S3 API reference: NoSuchBucketPolicy, NoSuchLifecycleConfiguration,
 * ServerSideEncryptionConfigurationNotFoundError, NoSuchPublicAccessBlockConfiguration).
 */
async function readOr<T>(send: () => Promise<T>, missing: readonly string[]): Promise<T | undefined> {
    try {
        return await send();
    } catch (error: any) {
        if (missing.includes(error?.name) || missing.includes(error?.Code)) return undefined;
        throw new OpsError(
            `bootstrap cannot read the current settings: ${error?.name ?? "Error"}: ${error?.message ?? error}; check your AWS credentials and permissions`,
        );
    }
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
    const change = async (description: string, send: () => Promise<unknown>) => {
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
    const ok = (what: string) => log(`${what}: already right`);
    const { bucket, region, keepOldVersionsDays } = options;
    const s3 = clients.s3;

    const exists = await bucketExists(s3, bucket);
    if (!exists) {
        await change(`create bucket ${bucket} in ${region}`, () =>
            s3.send(
                new CreateBucketCommand({
                    Bucket: bucket,
                    ...(region === "us-east-1"
                        ? {}
                        : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
                }),
            ),
        );
    } else {
        log(`bucket ${bucket} exists; checking its settings`);
    }
    const read = <T>(send: () => Promise<T>, missing: readonly string[]) =>
        exists ? readOr(send, missing) : Promise.resolve(undefined);

    const versioning = await read(() => s3.send(new GetBucketVersioningCommand({ Bucket: bucket })), []);
    if (versioning?.Status === "Enabled") ok("versioning");
    else
        await change("enable versioning", () =>
            s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } })),
        );

    const blocked = {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
    };
    const access = await read(
        () => s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })),
        ["NoSuchPublicAccessBlockConfiguration"],
    );
    if (isDeepStrictEqual({ ...access?.PublicAccessBlockConfiguration }, blocked)) ok("public access blocked");
    else
        await change("block all public access", () =>
            s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: blocked })),
        );

    const encryption = await read(
        () => s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })),
        ["ServerSideEncryptionConfigurationNotFoundError"],
    );
    const algorithm =
        encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
    if (algorithm === "aws:kms" || algorithm === "aws:kms:dsse") log(`default encryption: ${algorithm} kept`);
    else if (algorithm === "AES256") ok("default encryption (SSE-S3)");
    else {
        await change("encrypt objects by default (SSE-S3)", () =>
            s3.send(
                new PutBucketEncryptionCommand({
                    Bucket: bucket,
                    ServerSideEncryptionConfiguration: {
                        Rules: [
                            { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: true },
                        ],
                    },
                }),
            ),
        );
    }

    const policy = await read(() => s3.send(new GetBucketPolicyCommand({ Bucket: bucket })), ["NoSuchBucketPolicy"]);
    const statements: any[] = policy?.Policy ? [JSON.parse(policy.Policy).Statement].flat() : [];
    const wanted = tlsOnlyPolicy(bucket).Statement[0];
    if (statements.some((statement) => isDeepStrictEqual(statement, wanted))) ok("TLS-only policy");
    else {
        const merged = {
            Version: "2012-10-17",
            Statement: [...statements.filter((statement) => statement.Sid !== TLS_SID), wanted],
        };
        await change(
            statements.length > 0
                ? `add the TLS-only statement to the bucket policy (keeping its ${statements.length} other statements)`
                : "deny requests without TLS",
            () => s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(merged) })),
        );
    }

    const lifecycle = await read(
        () => s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })),
        ["NoSuchLifecycleConfiguration"],
    );
    const existingRules: any[] = lifecycle?.Rules ?? [];
    const ours = lifecycleRules(keepOldVersionsDays);
    const missingRules = ours.filter((rule) => !existingRules.some((existing) => isDeepStrictEqual(existing, rule)));
    if (missingRules.length === 0) ok("lifecycle rules");
    else {
        const merged = [...existingRules.filter((rule) => !ours.some((own) => own.ID === rule.ID)), ...ours];
        await change(
            `set lifecycle rules ${missingRules.map((rule) => rule.ID).join(", ")} (expire state versions after ${keepOldVersionsDays} days keeping the 10 newest, and lock delete markers)`,
            () =>
                s3.send(
                    new PutBucketLifecycleConfigurationCommand({
                        Bucket: bucket,
                        LifecycleConfiguration: { Rules: merged as never },
                    }),
                ),
        );
    }

    let secretsProvider: string | undefined;
    if (options.kmsAlias)
        secretsProvider = await secretsKey(clients.kms, { ...options, kmsAlias: options.kmsAlias }, change, log);

    if (options.githubOidc) {
        if (!clients.iam) throw new OpsError("--github-oidc needs an IAM client");
        const arn = await ensureGithubOidcProvider(clients.iam, options.dryRun, log);
        actions.push(arn ? `GitHub OIDC provider ${arn}` : "create the GitHub OIDC provider");
    }

    const loginUrl = `s3://${bucket}?region=${region}&awssdk=v2`;
    log(`\nlog in with:\n  pulumi login '${loginUrl}'`);
    // Each environment's stacks under its own KMS encryption context, so one key serves every environment
    // and each environment's roles decrypt only their own (README, "Access: one environment's reach").
    if (secretsProvider)
        log(
            `create stacks with their environment's context:\n  pulumi stack init base-dev --secrets-provider '${secretsProvider}&context_project=<project>&context_environment=dev'`,
        );
    return { loginUrl, secretsProvider, actions };
}

async function bucketExists(s3: SendsCommands, bucket: string): Promise<boolean> {
    try {
        await s3.send(new HeadBucketCommand({ Bucket: bucket }));
        return true;
    } catch (error: any) {
        const status = error?.$metadata?.httpStatusCode;
        if (error?.name === "NotFound" || status === 404) return false;
        if (status === 403)
            throw new OpsError(
                `bucket ${bucket} exists but this account cannot use it (403); bucket names are global, choose another --bucket`,
            );
        throw new OpsError(
            `cannot check bucket ${bucket}: ${error?.name ?? "Error"}: ${error?.message ?? error}; check your AWS credentials and --region`,
        );
    }
}
