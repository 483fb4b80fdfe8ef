import {
    CreateBucketCommand,
    HeadBucketCommand,
    PutBucketEncryptionCommand,
    PutBucketLifecycleConfigurationCommand,
    PutBucketPolicyCommand,
    PutBucketVersioningCommand,
    PutPublicAccessBlockCommand,
    S3Client,
} from "@aws-sdk/client-s3";
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, EnableKeyRotationCommand, KMSClient } from "@aws-sdk/client-kms";
import { IAMClient } from "@aws-sdk/client-iam";
import { parseFlags, positiveNumber } from "./args";
import { ensureGithubOidcProvider } from "./github-oidc";
import { runMain } from "./cli";
import { OpsError } from "./errors";

/** The one method of an AWS SDK v3 client this uses; tests pass a recorder. */
export interface SendsCommands {
    send(command: any): Promise<any>;
}

export interface BootstrapOptions {
    readonly bucket: string;
    readonly region: string;
    /** Create (or reuse) a KMS key under alias/<kmsAlias> for the awskms:// secrets provider. */
    readonly kmsAlias?: string;
    readonly dryRun: boolean;
    /** Days a replaced state file version is kept. */
    readonly keepOldVersionsDays: number;
    /** Create the account's GitHub OIDC provider, which the GitHub roles of every base trust. */
    readonly githubOidc?: boolean;
}

export interface BootstrapResult {
    readonly loginUrl: string;
    readonly secretsProvider?: string;
    /** What was done (or, with dry run, would be done), one line per call. */
    readonly actions: string[];
}

/**
 * Creates what the S3 backend needs before the first stack, idempotently: running it again changes
 * nothing that is already right. Each setting is written every time (S3's PUTs are idempotent), so
 * a bucket someone loosened by hand is put back.
 */
export async function bootstrap(options: BootstrapOptions, clients: { s3: SendsCommands; kms: SendsCommands; iam?: SendsCommands }, log: (line: string) => void): Promise<BootstrapResult> {
    const actions: string[] = [];
    const step = async (description: string, send: () => Promise<unknown>) => {
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

    const exists = options.dryRun ? false : await bucketExists(clients.s3, bucket);
    if (exists) {
        log(`bucket ${bucket} exists; making sure its settings are right`);
    } else {
        await step(`create bucket ${bucket} in ${region}`, () =>
            clients.s3.send(new CreateBucketCommand({ Bucket: bucket, ...(region === "us-east-1" ? {} : { CreateBucketConfiguration: { LocationConstraint: region as never } }) })),
        );
    }
    await step("enable versioning", () => clients.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } })));
    await step("block all public access", () =>
        clients.s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } })),
    );
    await step("encrypt objects by default (SSE-S3)", () =>
        clients.s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: true }] } })),
    );
    await step("deny requests without TLS", () => clients.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(tlsOnlyPolicy(bucket)) })));
    await step(`expire replaced state versions after ${options.keepOldVersionsDays} days (keeping the 10 newest)`, () =>
        clients.s3.send(
            new PutBucketLifecycleConfigurationCommand({
                Bucket: bucket,
                LifecycleConfiguration: {
                    Rules: [
                        {
                            ID: "expire-old-state-versions",
                            Status: "Enabled",
                            Filter: { Prefix: "" },
                            NoncurrentVersionExpiration: { NoncurrentDays: options.keepOldVersionsDays, NewerNoncurrentVersions: 10 },
                            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
                        },
                    ],
                },
            }),
        ),
    );

    let secretsProvider: string | undefined;
    if (options.kmsAlias) {
        const alias = `alias/${options.kmsAlias}`;
        const keyId = options.dryRun ? undefined : await existingKey(clients.kms, alias);
        if (keyId) {
            log(`KMS key ${alias} exists (${keyId})`);
            await step(`enable rotation of ${alias}`, () => clients.kms.send(new EnableKeyRotationCommand({ KeyId: keyId })));
        } else {
            let created = "";
            await step(`create a KMS key for Pulumi secrets`, async () => {
                const response = await clients.kms.send(new CreateKeyCommand({ Description: `Pulumi secrets for the state in s3://${bucket}`, KeyUsage: "ENCRYPT_DECRYPT", KeySpec: "SYMMETRIC_DEFAULT" }));
                created = response.KeyMetadata.KeyId;
            });
            await step(`name it ${alias}`, () => clients.kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: created })));
            await step(`enable rotation of ${alias}`, () => clients.kms.send(new EnableKeyRotationCommand({ KeyId: created })));
        }
        secretsProvider = `awskms://${alias}?region=${region}`;
    }

    if (options.githubOidc) {
        if (!clients.iam) throw new OpsError("--github-oidc needs an IAM client");
        const arn = await ensureGithubOidcProvider(clients.iam, options.dryRun, log);
        actions.push(arn ? `GitHub OIDC provider ${arn}` : "create the GitHub OIDC provider");
    }

    const loginUrl = `s3://${bucket}?region=${region}&awssdk=v2`;
    log(`\nlog in with:\n  pulumi login '${loginUrl}'`);
    if (secretsProvider) log(`create stacks with:\n  pulumi stack init base-dev --secrets-provider '${secretsProvider}'`);
    return { loginUrl, secretsProvider, actions };
}

export function tlsOnlyPolicy(bucket: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

async function bucketExists(s3: SendsCommands, bucket: string): Promise<boolean> {
    try {
        await s3.send(new HeadBucketCommand({ Bucket: bucket }));
        return true;
    } catch (error: any) {
        const status = error?.$metadata?.httpStatusCode;
        if (error?.name === "NotFound" || status === 404) return false;
        if (status === 403) throw new OpsError(`bucket ${bucket} exists but this account cannot use it (403); bucket names are global, choose another --bucket`);
        throw new OpsError(`cannot check bucket ${bucket}: ${error?.name ?? "Error"}: ${error?.message ?? error}; check your AWS credentials and --region`);
    }
}

async function existingKey(kms: SendsCommands, alias: string): Promise<string | undefined> {
    try {
        const response = await kms.send(new DescribeKeyCommand({ KeyId: alias }));
        return response.KeyMetadata?.KeyId;
    } catch (error: any) {
        if (error?.name === "NotFoundException") return undefined;
        throw new OpsError(`cannot check KMS key ${alias}: ${error?.name ?? "Error"}: ${error?.message ?? error}`);
    }
}

const USAGE = "npm run bootstrap -- --bucket NAME --region REGION [--kms-alias NAME] [--github-oidc] [--keep-old-versions-days 90] [--dry-run]";

export function parseOptions(argv: string[]): BootstrapOptions {
    const flags = parseFlags(
        argv,
        {
            bucket: { type: "string" },
            region: { type: "string" },
            "kms-alias": { type: "string" },
            "github-oidc": { type: "boolean" },
            "keep-old-versions-days": { type: "string" },
            "dry-run": { type: "boolean" },
        },
        USAGE,
    );
    const problems: string[] = [];
    const bucket = flags.bucket ?? "";
    const region = flags.region ?? "";
    if (!/^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) problems.push(`--bucket "${bucket}" is not a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)`);
    if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) problems.push(`--region "${region}" is not an AWS region such as us-west-2`);
    if (flags["kms-alias"] !== undefined && !/^[a-zA-Z0-9/_-]{1,250}$/.test(flags["kms-alias"]) ) problems.push(`--kms-alias "${flags["kms-alias"]}" may only use letters, digits, /, _ and -`);
    if (problems.length > 0) throw new OpsError(`${problems.join("\n")}\nusage: ${USAGE}`, 2);
    return {
        bucket,
        region,
        kmsAlias: flags["kms-alias"]?.replace(/^alias\//, ""),
        dryRun: flags["dry-run"] === true,
        githubOidc: flags["github-oidc"] === true,
        keepOldVersionsDays: positiveNumber(flags["keep-old-versions-days"], "--keep-old-versions-days", 90),
    };
}

export async function main(argv: string[]): Promise<number> {
    const options = parseOptions(argv);
    const clients = { s3: new S3Client({ region: options.region }), kms: new KMSClient({ region: options.region }), iam: new IAMClient({ region: options.region }) };
    await bootstrap(options, clients, (line) => console.log(line));
    return 0;
}

if (require.main === module) runMain(main);
