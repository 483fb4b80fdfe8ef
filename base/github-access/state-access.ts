import {
    backupsFolder,
    BACKEND_META,
    historyFolder,
    locksFolder,
    LOCKS_ROOT,
    stackFile,
} from "../../shared/backend-layout";
import { NameScope } from "../../shared/naming";
import { ENCRYPTION_CONTEXT_KEYS } from "../../shared/secrets-provider";
import { Statement } from "./document";

/** Every object of one stack (shared/backend-layout.ts), as S3 resource patterns. */
export function stackObjects(project: string, stack: string): string[] {
    return [
        `${stackFile(project, stack)}*`,
        `${historyFolder(project, stack)}*`,
        `${backupsFolder(project, stack)}*`,
        `${locksFolder(project, stack)}*`,
    ];
}

export interface StateScope extends NameScope {
    readonly stateBucket: string;
    /** The KMS key of the awskms:// secrets provider, when the stacks use one. */
    readonly secretsKeyArn?: string;
}

const objectArns = (bucket: string, keys: readonly string[]) => keys.map((key) => `arn:aws:s3:::${bucket}/${key}`);

/**
 * Listing the bucket shows object names only, never their content; without it S3 answers a read of
 * a missing object (the backend probes `.json`, `.json.gz`, `.json.zst`) with 403 instead of 404.
 */
const bucketStatement = (bucket: string): Statement => ({
    Sid: "StateBucket",
    Effect: "Allow",
    Action: ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketVersioning"],
    Resource: `arn:aws:s3:::${bucket}`,
});

/** Decrypting (and, for a deploy, encrypting) only under these environments' encryption context. */
function secretsStatement(scope: StateScope, envs: readonly string[], actions: string[]): Statement[] {
    if (!scope.secretsKeyArn) return [];
    return [
        {
            Sid: "Secrets",
            Effect: "Allow",
            Action: actions,
            Resource: scope.secretsKeyArn,
            Condition: {
                StringEquals: {
                    [`kms:EncryptionContext:${ENCRYPTION_CONTEXT_KEYS.project}`]: scope.project,
                    [`kms:EncryptionContext:${ENCRYPTION_CONTEXT_KEYS.environment}`]: [...envs],
                },
            },
        },
    ];
}

/** The deploy role: writes runtime-<env>'s objects, reads base-<env>'s (the StackReference, `npm run status`) and meta.yaml. */
export function deployStateStatements(scope: StateScope): Statement[] {
    const { project, env, stateBucket } = scope;
    return [
        bucketStatement(stateBucket),
        {
            Sid: "RuntimeState",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            Resource: objectArns(stateBucket, stackObjects(project, `runtime-${env}`)),
        },
        {
            Sid: "ReadBaseState",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: objectArns(stateBucket, [
                ...stackObjects(project, `base-${env}`).filter((key) => !key.startsWith(LOCKS_ROOT)),
                BACKEND_META,
            ]),
        },
        // Encrypt only when a stack is created (its data key); Decrypt on every run.
        ...secretsStatement(scope, [env], ["kms:Encrypt", "kms:Decrypt"]),
    ];
}

/**
 * The review role: writes the reviews' objects (`runtime-<env>-pr-*`: stack files, history, backups,
 * locks) and nothing of dev's runtime or base (whose `runtime-<env>` patterns never match a review's
 * name, nor the reverse); reads base's stack file (the StackReference) and meta.yaml; decrypts and
 * encrypts under the environment's context, which reviews share with it.
 */
export function reviewStateStatements(scope: StateScope, reviewStackPrefix: string): Statement[] {
    const { project, env, stateBucket } = scope;
    return [
        bucketStatement(stateBucket),
        {
            Sid: "ReviewState",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            Resource: objectArns(stateBucket, stackObjects(project, `${reviewStackPrefix}*`)),
        },
        {
            Sid: "ReadBaseState",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: objectArns(stateBucket, [
                ...stackObjects(project, `base-${env}`).filter((key) => !key.startsWith(LOCKS_ROOT)),
                BACKEND_META,
            ]),
        },
        ...secretsStatement(scope, [env], ["kms:Encrypt", "kms:Decrypt"]),
    ];
}

/** The pull-request preview role: reads the stack files of the environments it previews, and decrypts their secrets. */
export function previewStateStatements(scope: StateScope, envs: readonly string[]): Statement[] {
    const { project, stateBucket } = scope;
    const files = envs.flatMap((env) => [
        `${stackFile(project, `base-${env}`)}*`,
        `${stackFile(project, `runtime-${env}`)}*`,
    ]);
    return [
        bucketStatement(stateBucket),
        {
            Sid: "ReadState",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: objectArns(stateBucket, [...files, BACKEND_META]),
        },
        ...secretsStatement(scope, envs, ["kms:Decrypt"]),
    ];
}
