import { LOCKS_ROOT } from "../shared/backend-layout";

/**
 * The state bucket's policy and lifecycle rules as bootstrap writes them: kept apart from the steps
 * that read and merge them, since a mistake here weakens every stack's state.
 */

export const TLS_SID = "DenyInsecureTransport";
const OLD_VERSIONS_RULE = "expire-old-state-versions";
const DELETE_MARKERS_RULE = "expire-lock-delete-markers";

export function tlsOnlyPolicy(bucket: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: TLS_SID,
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/**
 * The lifecycle rules bootstrap owns: replaced state versions expire, and so do the delete markers
 * every lock leaves behind (each lock is created and deleted once per update, and in a versioned
 * bucket a delete leaves a marker; S3 user guide, "Removing expired object delete markers").
 */
export function lifecycleRules(keepOldVersionsDays: number) {
    return [
        {
            ID: OLD_VERSIONS_RULE,
            Status: "Enabled",
            Filter: { Prefix: "" },
            NoncurrentVersionExpiration: { NoncurrentDays: keepOldVersionsDays, NewerNoncurrentVersions: 10 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        },
        {
            ID: DELETE_MARKERS_RULE,
            Status: "Enabled",
            Filter: { Prefix: LOCKS_ROOT },
            Expiration: { ExpiredObjectDeleteMarker: true },
        },
    ];
}
