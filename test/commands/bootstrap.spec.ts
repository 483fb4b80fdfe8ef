import { strict as assert } from "assert";
import { bootstrap, BootstrapOptions } from "../../bootstrap/bootstrap";
import { parseOptions } from "../../commands/bootstrap";
import { decision } from "../iam/evaluator";
import { Recorder } from "../fakes/recorder";

/**
 * S3's error answers as the AWS SDK v3 raises them: `name` and `Code` are S3's error code, `message`
 * its text and `$metadata.httpStatusCode` the status (S3 API reference, "Error responses", list of
 * error codes; the texts are those S3 sends). A HEAD request's answer has no body, so the SDK names a
 * HeadBucket error after its status (NotFound, Forbidden) and has no text from S3 ("UnknownError").
 */
const S3_ERRORS = {
    NotFound: [404, "UnknownError"],
    Forbidden: [403, "UnknownError"],
    AccessDenied: [403, "Access Denied"],
    NoSuchBucketPolicy: [404, "The bucket policy does not exist"],
    NoSuchLifecycleConfiguration: [404, "The lifecycle configuration does not exist"],
    ServerSideEncryptionConfigurationNotFoundError: [404, "The server side encryption configuration was not found"],
    NoSuchPublicAccessBlockConfiguration: [404, "The public access block configuration was not found"],
} as const;
const s3Error = (code: keyof typeof S3_ERRORS) => () => {
    const [status, message] = S3_ERRORS[code];
    const head = code === "NotFound" || code === "Forbidden";
    throw Object.assign(new Error(message), {
        name: code,
        ...(head ? {} : { Code: code }),
        $fault: "client",
        $metadata: { httpStatusCode: status },
    });
};
/** KMS's answer for an alias or key that does not exist (KMS API reference, DescribeKey errors). */
const kmsNotFound = () => (input: { KeyId: string }) => {
    throw Object.assign(new Error(`Alias arn:aws:kms:us-west-2:123456789012:${input.KeyId} is not found.`), {
        name: "NotFoundException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
    });
};
const options = (overrides: Partial<BootstrapOptions> = {}): BootstrapOptions => ({
    bucket: "acme-pulumi-state",
    region: "us-west-2",
    dryRun: false,
    keepOldVersionsDays: 90,
    ...overrides,
});
const SETTINGS = [
    "PutBucketVersioningCommand",
    "PutPublicAccessBlockCommand",
    "PutBucketEncryptionCommand",
    "PutBucketPolicyCommand",
    "PutBucketLifecycleConfigurationCommand",
];
/** The bucket policy bootstrap writes: every request without TLS is refused, whoever makes it. */
const TLS_ONLY = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: ["arn:aws:s3:::acme-pulumi-state", "arn:aws:s3:::acme-pulumi-state/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
    ],
};
/** Its lifecycle rules for --keep-old-versions-days 90. */
const LIFECYCLE_90_DAYS = [
    {
        ID: "expire-old-state-versions",
        Status: "Enabled",
        Filter: { Prefix: "" },
        NoncurrentVersionExpiration: { NoncurrentDays: 90, NewerNoncurrentVersions: 10 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    },
    // Every lock create and delete leaves a delete marker in a versioned bucket.
    {
        ID: "expire-lock-delete-markers",
        Status: "Enabled",
        Filter: { Prefix: ".pulumi/locks/" },
        Expiration: { ExpiredObjectDeleteMarker: true },
    },
];
/** An existing bucket whose settings are all as bootstrap leaves them (S3's Get* answers). */
const rightBucket = (overrides: Record<string, (input: any) => any> = {}) => ({
    GetBucketVersioningCommand: () => ({ Status: "Enabled" }),
    GetPublicAccessBlockCommand: () => ({
        PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
        },
    }),
    GetBucketEncryptionCommand: () => ({
        ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
        },
    }),
    GetBucketPolicyCommand: () => ({ Policy: JSON.stringify(TLS_ONLY) }),
    GetBucketLifecycleConfigurationCommand: () => ({ Rules: LIFECYCLE_90_DAYS }),
    ...overrides,
});

describe("npm run bootstrap", () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    beforeEach(() => (lines.length = 0));

    it("creates a missing bucket with versioning, encryption, no public access, TLS only and old-version expiry", async () => {
        const s3 = new Recorder({ HeadBucketCommand: s3Error("NotFound") });
        const kms = new Recorder();
        const result = await bootstrap(options(), { s3, kms }, log);
        assert.deepEqual(s3.names(), ["HeadBucketCommand", "CreateBucketCommand", ...SETTINGS]);
        const input = (name: string) => s3.calls.find(([call]) => call === name)![1];
        assert.deepEqual(input("CreateBucketCommand"), {
            Bucket: "acme-pulumi-state",
            CreateBucketConfiguration: { LocationConstraint: "us-west-2" },
        });
        assert.deepEqual(input("PutBucketVersioningCommand").VersioningConfiguration, { Status: "Enabled" });
        assert.deepEqual(input("PutPublicAccessBlockCommand").PublicAccessBlockConfiguration, {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
        });
        assert.equal(
            input("PutBucketEncryptionCommand").ServerSideEncryptionConfiguration.Rules[0]
                .ApplyServerSideEncryptionByDefault.SSEAlgorithm,
            "AES256",
        );
        assert.deepEqual(JSON.parse(input("PutBucketPolicyCommand").Policy), TLS_ONLY);
        assert.deepEqual(
            input("PutBucketLifecycleConfigurationCommand").LifecycleConfiguration.Rules,
            LIFECYCLE_90_DAYS,
        );
        assert.deepEqual(kms.calls, []);
        assert.equal(result.loginUrl, "s3://acme-pulumi-state?region=us-west-2&awssdk=v2");
        assert.ok(lines.includes("\nlog in with:\n  pulumi login 's3://acme-pulumi-state?region=us-west-2&awssdk=v2'"));
    });

    it("its bucket policy refuses a request without TLS even from a role allowed everything, and lets the same request over TLS through", async () => {
        const s3 = new Recorder({ HeadBucketCommand: s3Error("NotFound") });
        await bootstrap(options(), { s3, kms: new Recorder() }, log);
        const bucketPolicy = JSON.parse(
            s3.calls.find(([name]) => name === "PutBucketPolicyCommand")![1].Policy,
        ).Statement;
        const administrator = [{ Effect: "Allow" as const, Action: "*", Resource: "*" }];
        const read = (secureTransport: string) => ({
            action: "s3:GetObject",
            resource: "arn:aws:s3:::acme-pulumi-state/.pulumi/stacks/durable-code/base-dev.json",
            context: { "aws:SecureTransport": secureTransport },
        });
        assert.equal(decision([...administrator, ...bucketPolicy], read("false")), "denied");
        assert.equal(decision([...administrator, ...bucketPolicy], read("true")), "allowed");
        assert.equal(
            decision([...administrator, ...bucketPolicy], {
                ...read("false"),
                action: "s3:ListBucket",
                resource: "arn:aws:s3:::acme-pulumi-state",
            }),
            "denied",
        );
    });

    it("creates in us-east-1 without a location constraint, as S3 requires", async () => {
        const s3 = new Recorder({ HeadBucketCommand: s3Error("NotFound") });
        await bootstrap(options({ region: "us-east-1" }), { s3, kms: new Recorder() }, log);
        assert.deepEqual(s3.calls[1], ["CreateBucketCommand", { Bucket: "acme-pulumi-state" }]);
    });

    it("is idempotent: an existing bucket whose settings are right is only read", async () => {
        const s3 = new Recorder(rightBucket());
        const result = await bootstrap(options(), { s3, kms: new Recorder() }, log);
        assert.deepEqual(
            s3.names().filter((name) => name.startsWith("Put") || name.startsWith("Create")),
            [],
        );
        assert.deepEqual(result.actions, []);
    });

    it("merges into an existing bucket policy and lifecycle instead of replacing them", async () => {
        const other = {
            Sid: "AllowAuditRole",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::123456789012:role/audit" },
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::acme-pulumi-state/*",
        };
        const archive = {
            ID: "archive-reports",
            Status: "Enabled",
            Filter: { Prefix: "reports/" },
            Transitions: [{ Days: 30, StorageClass: "GLACIER" }],
        };
        const s3 = new Recorder(
            rightBucket({
                GetBucketPolicyCommand: () => ({
                    Policy: JSON.stringify({ Version: "2012-10-17", Statement: [other] }),
                }),
                GetBucketLifecycleConfigurationCommand: () => ({ Rules: [archive] }),
            }),
        );
        await bootstrap(options(), { s3, kms: new Recorder() }, log);
        const input = (name: string) => s3.calls.find(([call]) => call === name)![1];
        assert.deepEqual(JSON.parse(input("PutBucketPolicyCommand").Policy).Statement, [other, ...TLS_ONLY.Statement]);
        assert.deepEqual(input("PutBucketLifecycleConfigurationCommand").LifecycleConfiguration.Rules, [
            archive,
            ...LIFECYCLE_90_DAYS,
        ]);
    });

    it("keeps SSE-KMS default encryption rather than downgrading it to SSE-S3", async () => {
        const s3 = new Recorder(
            rightBucket({
                GetBucketEncryptionCommand: () => ({
                    ServerSideEncryptionConfiguration: {
                        Rules: [
                            {
                                ApplyServerSideEncryptionByDefault: {
                                    SSEAlgorithm: "aws:kms",
                                    KMSMasterKeyID: "key-1",
                                },
                            },
                        ],
                    },
                }),
            }),
        );
        await bootstrap(options(), { s3, kms: new Recorder() }, log);
        assert.ok(!s3.names().includes("PutBucketEncryptionCommand"));
        assert.ok(lines.includes("default encryption: aws:kms kept"));
    });

    it("reads an unset setting's error as unset, for each of S3's codes for one", async () => {
        const s3 = new Recorder(
            rightBucket({
                GetPublicAccessBlockCommand: s3Error("NoSuchPublicAccessBlockConfiguration"),
                GetBucketEncryptionCommand: s3Error("ServerSideEncryptionConfigurationNotFoundError"),
                GetBucketPolicyCommand: s3Error("NoSuchBucketPolicy"),
                GetBucketLifecycleConfigurationCommand: s3Error("NoSuchLifecycleConfiguration"),
            }),
        );
        await bootstrap(options(), { s3, kms: new Recorder() }, log);
        assert.deepEqual(
            s3.names().filter((name) => name.startsWith("Put")),
            [
                "PutPublicAccessBlockCommand",
                "PutBucketEncryptionCommand",
                "PutBucketPolicyCommand",
                "PutBucketLifecycleConfigurationCommand",
            ],
        );
    });

    it("stops on any other error reading a setting, before changing anything", async () => {
        const s3 = new Recorder(rightBucket({ GetBucketPolicyCommand: s3Error("AccessDenied") }));
        await assert.rejects(bootstrap(options(), { s3, kms: new Recorder() }, log), {
            message:
                "bootstrap cannot read the current settings: AccessDenied: Access Denied; check your AWS credentials and permissions",
        });
        assert.deepEqual(
            s3.names().filter((name) => name.startsWith("Put")),
            [],
        );
    });

    it("puts back a setting someone loosened by hand", async () => {
        const s3 = new Recorder(
            rightBucket({ GetPublicAccessBlockCommand: s3Error("NoSuchPublicAccessBlockConfiguration") }),
        );
        await bootstrap(options(), { s3, kms: new Recorder() }, log);
        assert.deepEqual(
            s3.names().filter((name) => name.startsWith("Put")),
            ["PutPublicAccessBlockCommand"],
        );
    });

    describe("the KMS key for awskms:// secrets", () => {
        it("creates it tagged for the bucket, names it, and turns on rotation", async () => {
            const kms = new Recorder({
                DescribeKeyCommand: kmsNotFound(),
                ListKeysCommand: () => ({ Keys: [] }),
                CreateKeyCommand: () => ({ KeyMetadata: { KeyId: "key-123" } }),
            });
            const result = await bootstrap(
                options({ kmsAlias: "pulumi-durable-code" }),
                { s3: new Recorder(rightBucket()), kms },
                log,
            );
            assert.deepEqual(kms.calls, [
                ["DescribeKeyCommand", { KeyId: "alias/pulumi-durable-code" }],
                ["ListKeysCommand", { Marker: undefined }],
                [
                    "CreateKeyCommand",
                    {
                        Description: "Pulumi secrets for the state in s3://acme-pulumi-state",
                        KeyUsage: "ENCRYPT_DECRYPT",
                        KeySpec: "SYMMETRIC_DEFAULT",
                        Tags: [{ TagKey: "PulumiStateBucket", TagValue: "acme-pulumi-state" }],
                    },
                ],
                ["CreateAliasCommand", { AliasName: "alias/pulumi-durable-code", TargetKeyId: "key-123" }],
                ["EnableKeyRotationCommand", { KeyId: "key-123" }],
            ]);
            assert.equal(result.secretsProvider, "awskms://alias/pulumi-durable-code?region=us-west-2");
        });

        it("reuses the key behind the alias", async () => {
            const kms = new Recorder({
                DescribeKeyCommand: () => ({ KeyMetadata: { KeyId: "key-9", KeyState: "Enabled" } }),
            });
            await bootstrap(
                options({ kmsAlias: "pulumi-durable-code" }),
                { s3: new Recorder(rightBucket()), kms },
                log,
            );
            assert.deepEqual(kms.names(), ["DescribeKeyCommand", "EnableKeyRotationCommand"]);
        });

        it("after a run that stopped before CreateAlias, finds the key by its tag and makes no second one", async () => {
            const kms = new Recorder({
                DescribeKeyCommand: (input) =>
                    input.KeyId === "key-orphan"
                        ? { KeyMetadata: { KeyId: "key-orphan", KeyState: "Enabled" } }
                        : kmsNotFound()(input),
                ListKeysCommand: () => ({ Keys: [{ KeyId: "key-other" }, { KeyId: "key-orphan" }] }),
                ListResourceTagsCommand: (input) => ({
                    Tags:
                        input.KeyId === "key-orphan"
                            ? [{ TagKey: "PulumiStateBucket", TagValue: "acme-pulumi-state" }]
                            : [],
                }),
            });
            await bootstrap(
                options({ kmsAlias: "pulumi-durable-code" }),
                { s3: new Recorder(rightBucket()), kms },
                log,
            );
            assert.ok(!kms.names().includes("CreateKeyCommand"));
            assert.deepEqual(kms.calls.find(([name]) => name === "CreateAliasCommand")![1], {
                AliasName: "alias/pulumi-durable-code",
                TargetKeyId: "key-orphan",
            });
        });

        it("refuses a key that is disabled or pending deletion", async () => {
            const kms = new Recorder({
                DescribeKeyCommand: () => ({ KeyMetadata: { KeyId: "key-9", KeyState: "PendingDeletion" } }),
            });
            await assert.rejects(
                bootstrap(options({ kmsAlias: "pulumi-durable-code" }), { s3: new Recorder(rightBucket()), kms }, log),
                {
                    message:
                        "KMS key key-9 (alias/pulumi-durable-code) is PendingDeletion; Pulumi cannot use it for secrets. Enable it (or cancel its deletion), or choose another --kms-alias",
                },
            );
        });
    });

    it("--dry-run reads what exists and says what it would create or change, changing nothing", async () => {
        const s3 = new Recorder(rightBucket({ GetBucketVersioningCommand: () => ({}) }));
        const kms = new Recorder({ DescribeKeyCommand: kmsNotFound(), ListKeysCommand: () => ({ Keys: [] }) });
        const result = await bootstrap(options({ dryRun: true, kmsAlias: "k" }), { s3, kms }, log);
        assert.deepEqual(
            [...s3.names(), ...kms.names()].filter((name) => /^(Put|Create|Enable)/.test(name)),
            [],
        );
        assert.deepEqual(result.actions, [
            "enable versioning",
            "create a KMS key for Pulumi secrets",
            "name it alias/k",
            "enable rotation of alias/k",
        ]);
        assert.ok(lines.includes("would enable versioning") && lines.includes("public access blocked: already right"));
    });

    it("--dry-run on a missing bucket says it would create it and its settings", async () => {
        const s3 = new Recorder({ HeadBucketCommand: s3Error("NotFound") });
        const result = await bootstrap(options({ dryRun: true }), { s3, kms: new Recorder() }, log);
        assert.deepEqual(s3.names(), ["HeadBucketCommand"]);
        assert.equal(result.actions[0], "create bucket acme-pulumi-state in us-west-2");
    });

    describe("--github-oidc: the account's one GitHub OIDC provider", () => {
        const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

        it("creates it when the account has none, for the sts.amazonaws.com audience", async () => {
            const iam = new Recorder({
                ListOpenIDConnectProvidersCommand: () => ({
                    OpenIDConnectProviderList: [{ Arn: "arn:aws:iam::123456789012:oidc-provider/accounts.google.com" }],
                }),
                CreateOpenIDConnectProviderCommand: () => ({ OpenIDConnectProviderArn: PROVIDER }),
            });
            const result = await bootstrap(
                options({ githubOidc: true }),
                { s3: new Recorder(), kms: new Recorder(), iam },
                log,
            );
            assert.deepEqual(iam.calls[1], [
                "CreateOpenIDConnectProviderCommand",
                {
                    Url: "https://token.actions.githubusercontent.com",
                    ClientIDList: ["sts.amazonaws.com"],
                    Tags: [{ Key: "ManagedBy", Value: "npm run bootstrap" }],
                },
            ]);
            assert.ok(result.actions.includes(`GitHub OIDC provider ${PROVIDER}`));
        });

        it("is idempotent: an existing provider is kept", async () => {
            const iam = new Recorder({
                ListOpenIDConnectProvidersCommand: () => ({ OpenIDConnectProviderList: [{ Arn: PROVIDER }] }),
            });
            await bootstrap(options({ githubOidc: true }), { s3: new Recorder(), kms: new Recorder(), iam }, log);
            assert.deepEqual(iam.names(), ["ListOpenIDConnectProvidersCommand"]);
            assert.ok(lines.includes(`GitHub OIDC provider exists (${PROVIDER})`));
        });

        it("--dry-run only looks", async () => {
            const iam = new Recorder({
                ListOpenIDConnectProvidersCommand: () => ({ OpenIDConnectProviderList: [] }),
            });
            await bootstrap(
                options({ githubOidc: true, dryRun: true }),
                { s3: new Recorder(), kms: new Recorder(), iam },
                log,
            );
            assert.deepEqual(iam.names(), ["ListOpenIDConnectProvidersCommand"]);
        });
    });

    it("a bucket owned by another account is a clear error", async () => {
        const s3 = new Recorder({ HeadBucketCommand: s3Error("Forbidden") });
        await assert.rejects(bootstrap(options(), { s3, kms: new Recorder() }, log), {
            message:
                "bucket acme-pulumi-state exists but this account cannot use it (403); bucket names are global, choose another --bucket",
        });
        assert.deepEqual(s3.names(), ["HeadBucketCommand"]);
    });

    it("an AWS error midway names the step and says to run again", async () => {
        const s3 = new Recorder({
            HeadBucketCommand: s3Error("NotFound"),
            PutBucketPolicyCommand: s3Error("AccessDenied"),
        });
        await assert.rejects(bootstrap(options(), { s3, kms: new Recorder() }, log), {
            message:
                'bootstrap stopped at "deny requests without TLS": AccessDenied: Access Denied. What was done before is kept; fix the cause (credentials, permissions) and run the same command again.',
        });
        assert.equal(s3.names().at(-1), "PutBucketPolicyCommand");
    });

    it("rejects a bad bucket name and region together", () => {
        assert.throws(
            () => parseOptions(["--bucket", "Bad_Name", "--region", "west"]),
            (error: Error) => {
                assert.match(
                    error.message,
                    /^--bucket "Bad_Name" is not a valid S3 bucket name .*\n--region "west" is not an AWS region such as us-west-2\nusage: /,
                );
                return true;
            },
        );
    });

    describe("its flags", () => {
        const refused = (argv: string[]) => {
            try {
                parseOptions(argv);
            } catch (error) {
                assert.equal((error as { exitCode: number }).exitCode, 2);
                return (error as Error).message.split("\nusage: ")[0];
            }
            return assert.fail(`${argv.join(" ")} was accepted`);
        };

        it("with none, says that --bucket and --region are required, not that an empty name is invalid", () => {
            assert.equal(
                refused([]),
                "--bucket is required: the state bucket to create or fix, e.g. --bucket acme-pulumi-state\n" +
                    "--region is required: the bucket's AWS region, e.g. --region us-west-2",
            );
        });

        it("--kms-alias takes the name with or without alias/, and the key is alias/<name> either way", async () => {
            for (const given of ["pulumi-durable-code", "alias/pulumi-durable-code"]) {
                const parsed = parseOptions([
                    "--bucket",
                    "acme-pulumi-state",
                    "--region",
                    "us-west-2",
                    "--kms-alias",
                    given,
                ]);
                const kms = new Recorder({
                    DescribeKeyCommand: () => ({ KeyMetadata: { KeyId: "key-1", KeyState: "Enabled" } }),
                });
                const result = await bootstrap(parsed, { s3: new Recorder(rightBucket()), kms }, log);
                assert.equal(result.secretsProvider, "awskms://alias/pulumi-durable-code?region=us-west-2", given);
                assert.deepEqual(kms.calls[0], ["DescribeKeyCommand", { KeyId: "alias/pulumi-durable-code" }]);
            }
        });

        for (const [given, message] of [
            ["alias/", '--kms-alias "alias/" names no alias; give its name, e.g. --kms-alias pulumi-durable-code'],
            ["aws/ebs", '--kms-alias "aws/ebs": alias/aws/ is reserved for AWS managed keys; choose another name'],
            ["my key", '--kms-alias "my key" may only use letters, digits, /, _ and - (at most 250 after alias/)'],
        ]) {
            it(`refuses --kms-alias ${given}`, () => {
                assert.equal(
                    refused(["--bucket", "acme-pulumi-state", "--region", "us-west-2", "--kms-alias", given]),
                    message,
                );
            });
        }
    });
});
