import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { OpsError } from "../cli/errors";
import { locksFolder } from "../shared/backend-layout";
import { backendLocation } from "./backend-url";

/**
 * A lock a self-managed backend holds for a stack during an update: one object per lock in the
 * stack's locks folder (shared/backend-layout.ts), holding pid, username, hostname and
 * timestamp (pulumi/pulumi pkg/backend/diy/lock.go, lockContent). The DIY backend does not report
 * locks in `stack ls --json`, so they are read from the backend itself.
 */
export interface StackLock {
    readonly key: string;
    readonly pid: number;
    readonly username: string;
    readonly hostname: string;
    readonly timestamp: Date;
}

export interface LockStore {
    locks(stack: string): Promise<StackLock[]>;
}

function parseLock(key: string, text: string): StackLock {
    const content = JSON.parse(text) as { pid?: number; username?: string; hostname?: string; timestamp?: string };
    return {
        key,
        pid: Number(content.pid ?? 0),
        username: String(content.username ?? "?"),
        hostname: String(content.hostname ?? "?"),
        timestamp: new Date(content.timestamp ?? 0),
    };
}

/** Locks of a `file://` backend: files in its directory. */
export class FileLockStore implements LockStore {
    constructor(
        private readonly root: string,
        private readonly project: string,
    ) {}

    async locks(stack: string): Promise<StackLock[]> {
        const dir = path.join(this.root, locksFolder(this.project, stack));
        let names: string[];
        try {
            names = readdirSync(dir).filter((name) => name.endsWith(".json"));
        } catch {
            return [];
        }
        return names.map((name) => parseLock(path.join(dir, name), readFileSync(path.join(dir, name), "utf8")));
    }
}

/** Locks of an `s3://` backend, through ListObjectsV2 and GetObject. */
export class S3LockStore implements LockStore {
    constructor(
        private readonly s3: { send(command: any): Promise<any> },
        private readonly bucket: string,
        private readonly prefix: string,
        private readonly project: string,
    ) {}

    async locks(stack: string): Promise<StackLock[]> {
        const prefix = `${this.prefix}${locksFolder(this.project, stack)}`;
        try {
            const listed = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix }));
            const keys: string[] = (listed.Contents ?? [])
                .map((entry: { Key: string }) => entry.Key)
                .filter((key: string) => key.endsWith(".json"));
            return await Promise.all(
                keys.map(async (key) => {
                    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
                    return parseLock(key, await object.Body.transformToString());
                }),
            );
        } catch (error: any) {
            throw new OpsError(
                `cannot read the locks of ${stack} in s3://${this.bucket}/${prefix}: ${error?.name ?? "Error"}: ${error?.message ?? error}; the caller needs s3:ListBucket and s3:GetObject`,
            );
        }
    }
}

/** The lock store of a backend URL as `pulumi login` takes it (see stacks/backend-url.ts). */
export function lockStoreFor(url: string, project: string): LockStore | undefined {
    const location = backendLocation(url);
    if (location?.kind === "file") return new FileLockStore(location.dir, project);
    if (location?.kind === "s3") return new S3LockStore(location.client, location.bucket, location.prefix, project);
    return undefined;
}

export function describeLock(lock: StackLock, now = new Date()): string {
    const minutes = Math.round((now.getTime() - lock.timestamp.getTime()) / 60_000);
    return `${lock.username}@${lock.hostname} (pid ${lock.pid}) since ${lock.timestamp.toISOString()} (${minutes} min ago)`;
}

/** Locks older than a job can run are left by killed runs; a younger one may belong to a live run. */
export function isStale(lock: StackLock, maxJobMinutes: number, now = new Date()): boolean {
    return now.getTime() - lock.timestamp.getTime() > maxJobMinutes * 60_000;
}
