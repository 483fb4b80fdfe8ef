import { NameScope } from "../../shared/naming";
import { ENCRYPTION_CONTEXT_KEYS } from "../../shared/secrets-provider";
import { Statement } from "./document";

/**
 * Where the self-managed backend keeps one stack's objects (pulumi/pulumi pkg/backend/diy, project
 * layout: store.go, state.go, lock.go, meta.go):
 * - the stack file `.pulumi/stacks/<project>/<stack>.json` (or `.json.gz`, `.json.zst`), its
 *   `.bak` copy and retained checkpoints `<file>.<time>` beside it;
 * - history under `.pulumi/history/<project>/<stack>/` and backups under `.pulumi/backups/<project>/<stack>/`;
 * - locks under `.pulumi/locks/<org>/<project>/<stack>/`, named by the fully qualified stack name,
 *   whose organization is always "organization" on this backend;
 * - one `.pulumi/meta.yaml` for the whole bucket.
 */
export function stackObjects(project: string, stack: string): string[] {
    return [
        `.pulumi/stacks/${project}/${stack}.json*`,
        `.pulumi/history/${project}/${stack}/*`,
        `.pulumi/backups/${project}/${stack}/*`,
        `.pulumi/locks/organization/${project}/${stack}/*`,
    ];
}

export const BACKEND_META = ".pulumi/meta.yaml";

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
                ...stackObjects(project, `base-${env}`).filter((key) => !key.startsWith(".pulumi/locks/")),
                BACKEND_META,
            ]),
        },
        // Encrypt only when a stack is created (its data key); Decrypt on every run.
        ...secretsStatement(scope, [env], ["kms:Encrypt", "kms:Decrypt"]),
    ];
}

/** The pull-request preview role: reads the stack files of the environments it previews, and decrypts their secrets. */
export function previewStateStatements(scope: StateScope, envs: readonly string[]): Statement[] {
    const { project, stateBucket } = scope;
    const files = envs.flatMap((env) => [
        `.pulumi/stacks/${project}/base-${env}.json*`,
        `.pulumi/stacks/${project}/runtime-${env}.json*`,
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
