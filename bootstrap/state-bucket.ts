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
import { SendsCommands } from "../cli/sdk-client";
import { lifecycleRules, TLS_SID, tlsOnlyPolicy } from "./bucket-settings";

/** Makes one change (or, in a dry run, says it would). */
export type Change = (description: string, send: () => Promise<unknown>) => Promise<void>;

/** What each `ensure...` step works with: the bucket, how to read a setting and how to change one. */
export interface BucketSteps {
    readonly s3: SendsCommands;
    readonly bucket: string;
    /** Reads a setting; undefined when it is unset (one of `missing`) or the bucket does not exist yet. */
    readonly read: <T>(send: () => Promise<T>, missing: readonly string[]) => Promise<T | undefined>;
    readonly change: Change;
    /** Logs a setting that needs no change. */
    readonly ok: (what: string) => void;
    readonly log: (line: string) => void;
}

/**
 * The bucket itself: created when missing (outside us-east-1 with its region as location
 * constraint, as S3 requires). Returns whether it existed, so the settings of a new one are not read.
 */
export async function ensureBucket(
    s3: SendsCommands,
    bucket: string,
    region: string,
    change: Change,
    log: (line: string) => void,
): Promise<boolean> {
    const exists = await bucketExists(s3, bucket);
    if (exists) {
        log(`bucket ${bucket} exists; checking its settings`);
        return true;
    }
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
    return false;
}

export async function ensureVersioning({ s3, bucket, read, change, ok }: BucketSteps): Promise<void> {
    const versioning = await read(() => s3.send(new GetBucketVersioningCommand({ Bucket: bucket })), []);
    if (versioning?.Status === "Enabled") return ok("versioning");
    await change("enable versioning", () =>
        s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } })),
    );
}

export async function ensurePublicAccessBlocked({ s3, bucket, read, change, ok }: BucketSteps): Promise<void> {
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
    if (isDeepStrictEqual({ ...access?.PublicAccessBlockConfiguration }, blocked)) return ok("public access blocked");
    await change("block all public access", () =>
        s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: blocked })),
    );
}

/** SSE-S3 by default; SSE-KMS set by someone else is kept, never downgraded. */
export async function ensureEncryption({ s3, bucket, read, change, ok, log }: BucketSteps): Promise<void> {
    const encryption = await read(
        () => s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })),
        ["ServerSideEncryptionConfigurationNotFoundError"],
    );
    const algorithm =
        encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
    if (algorithm === "aws:kms" || algorithm === "aws:kms:dsse") return log(`default encryption: ${algorithm} kept`);
    if (algorithm === "AES256") return ok("default encryption (SSE-S3)");
    await change("encrypt objects by default (SSE-S3)", () =>
        s3.send(
            new PutBucketEncryptionCommand({
                Bucket: bucket,
                ServerSideEncryptionConfiguration: {
                    Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: true }],
                },
            }),
        ),
    );
}

/** The TLS-only statement, merged into the bucket policy: other statements are kept. */
export async function ensureTlsOnlyPolicy({ s3, bucket, read, change, ok }: BucketSteps): Promise<void> {
    const policy = await read(() => s3.send(new GetBucketPolicyCommand({ Bucket: bucket })), ["NoSuchBucketPolicy"]);
    const statements: any[] = policy?.Policy ? [JSON.parse(policy.Policy).Statement].flat() : [];
    const wanted = tlsOnlyPolicy(bucket).Statement[0];
    if (statements.some((statement) => isDeepStrictEqual(statement, wanted))) return ok("TLS-only policy");
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

/** Old state versions and lock delete markers expire; rules of other IDs are kept. */
export async function ensureLifecycleRules(steps: BucketSteps, keepOldVersionsDays: number): Promise<void> {
    const { s3, bucket, read, change, ok } = steps;
    const lifecycle = await read(
        () => s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })),
        ["NoSuchLifecycleConfiguration"],
    );
    const existingRules: any[] = lifecycle?.Rules ?? [];
    const ours = lifecycleRules(keepOldVersionsDays);
    const missingRules = ours.filter((rule) => !existingRules.some((existing) => isDeepStrictEqual(existing, rule)));
    if (missingRules.length === 0) return ok("lifecycle rules");
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

/**
 * What a read returns when the thing is not there: S3 answers an unset setting with an error
 * (S3 API reference: NoSuchBucketPolicy, NoSuchLifecycleConfiguration,
 * ServerSideEncryptionConfigurationNotFoundError, NoSuchPublicAccessBlockConfiguration).
 */
export async function readOr<T>(send: () => Promise<T>, missing: readonly string[]): Promise<T | undefined> {
    try {
        return await send();
    } catch (error: any) {
        if (missing.includes(error?.name) || missing.includes(error?.Code)) return undefined;
        throw new OpsError(
            `bootstrap cannot read the current settings: ${error?.name ?? "Error"}: ${error?.message ?? error}; check your AWS credentials and permissions`,
        );
    }
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
