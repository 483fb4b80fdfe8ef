import { readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { OpsError } from "../cli/errors";
import { stackFile } from "../shared/backend-layout";
import { parseStackName, REVIEW_STACK_PREFIX } from "../shared/stack-name";
import { backendLocation } from "../stacks/backend-url";

/** A review the backend holds: its pull request, its stack, and when its state was last written. */
export interface ReviewStack {
    readonly pullRequest: number;
    readonly stack: string;
    readonly updated: Date;
}

export interface ReviewStore {
    /** Every review the backend holds, by pull request number. */
    list(): Promise<ReviewStack[]>;
}

/**
 * The reviews, from the backend's stack objects, listed in one folder: `pulumi stack ls` would read
 * every stack's checkpoint (pulumi/pulumi pkg/backend/diy/backend.go ListStacks), slow on S3. A stack's
 * object is `.pulumi/stacks/<project>/<stack>.json`, or `.json.gz` or `.json.zst` when compressed;
 * anything else there (the `.bak` a `stack rm` without `--remove-backups` leaves, a retained
 * checkpoint) is not a stack, as the backend's own listing skips it (pkg/backend/diy/store.go,
 * projectReferenceStore.ListReferences). Each update writes the object, so its time is the last update's.
 */
export function reviewStoreFor(url: string, project: string): ReviewStore {
    const folder = path.posix.dirname(stackFile(project, `${REVIEW_STACK_PREFIX}1`));
    const location = backendLocation(url);
    if (location?.kind === "file") {
        return {
            async list() {
                const dir = path.join(location.dir, folder);
                let names: string[];
                try {
                    names = readdirSync(dir);
                } catch {
                    return [];
                }
                return reviewsOf(names.map((name) => ({ name, updated: statSync(path.join(dir, name)).mtime })));
            },
        };
    }
    if (location?.kind === "s3") {
        const prefix = `${location.prefix}${folder}/`;
        return {
            async list() {
                const objects: Array<{ name: string; updated: Date }> = [];
                let token: string | undefined;
                try {
                    do {
                        const page = await location.client.send(
                            new ListObjectsV2Command({
                                Bucket: location.bucket,
                                Prefix: `${prefix}${REVIEW_STACK_PREFIX}`,
                                ContinuationToken: token,
                            }),
                        );
                        for (const entry of page.Contents ?? [])
                            objects.push({
                                name: entry.Key.slice(prefix.length),
                                updated: new Date(entry.LastModified),
                            });
                        token = page.IsTruncated ? page.NextContinuationToken : undefined;
                    } while (token);
                } catch (error: any) {
                    throw new OpsError(
                        `cannot list the reviews in s3://${location.bucket}/${prefix}: ${error?.name ?? "Error"}: ${error?.message ?? error}; the caller needs s3:ListBucket on the state bucket`,
                    );
                }
                return reviewsOf(objects);
            },
        };
    }
    throw new OpsError(`reviews need a self-managed backend (s3:// or file://); the CLI is logged in to ${url}`);
}

const STACK_OBJECT = /^(.+)\.json(?:\.gz|\.zst)?$/;

function reviewsOf(objects: ReadonlyArray<{ name: string; updated: Date }>): ReviewStack[] {
    return objects
        .flatMap(({ name, updated }) => {
            const stack = STACK_OBJECT.exec(name)?.[1];
            const review = stack === undefined ? undefined : reviewOf(stack);
            return review === undefined ? [] : [{ pullRequest: review, stack: stack!, updated }];
        })
        .sort((a, b) => a.pullRequest - b.pullRequest);
}

function reviewOf(stack: string): number | undefined {
    try {
        return parseStackName(stack).review;
    } catch {
        return undefined;
    }
}
