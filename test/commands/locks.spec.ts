import { strict as assert } from "assert";
import { isStale, lockStoreFor, S3LockStore } from "../../stacks/locks";

/**
 * S3's ListObjectsV2 (Contents of Key) and GetObject as AWS SDK v3 returns them: the Body is a
 * stream with transformToString (SDK v3 "Body" of GetObjectCommandOutput). Recorded.
 */
class RecordingS3 {
    readonly calls: Array<[string, any]> = [];
    constructor(private readonly objects: Record<string, string>) {}
    async send(command: { constructor: { name: string }; input: any }): Promise<any> {
        this.calls.push([command.constructor.name, command.input]);
        if (command.constructor.name === "ListObjectsV2Command") {
            return { Contents: Object.keys(this.objects).filter((key) => key.startsWith(command.input.Prefix)).map((Key) => ({ Key })) };
        }
        const text = this.objects[command.input.Key];
        return { Body: { transformToString: async () => text } };
    }
}

describe("locks of an s3:// backend", () => {
    const lock = (username: string, timestamp: string) => JSON.stringify({ pid: 99, username, hostname: "runner-1", timestamp });

    it("reads every lock object under .pulumi/locks/organization/<project>/<stack>/ of the backend's prefix", async () => {
        const s3 = new RecordingS3({
            "team/.pulumi/locks/organization/durable-code/runtime-dev/0b4e.json": lock("ci", "2026-11-27T10:00:00.123456789Z"),
            "team/.pulumi/locks/organization/durable-code/runtime-dev/9f1c.json": lock("alice", "2026-11-27T11:00:00Z"),
            "team/.pulumi/locks/organization/durable-code/runtime-devx/1111.json": lock("other", "2026-11-27T11:00:00Z"),
        });
        const locks = await new S3LockStore(s3, "acme-pulumi-state", "team/", "durable-code").locks("runtime-dev");
        assert.deepEqual(s3.calls[0], ["ListObjectsV2Command", { Bucket: "acme-pulumi-state", Prefix: "team/.pulumi/locks/organization/durable-code/runtime-dev/" }]);
        assert.deepEqual(locks.map((found) => [found.username, found.hostname, found.pid, found.timestamp.toISOString()]), [
            ["ci", "runner-1", 99, "2026-11-27T10:00:00.123Z"],
            ["alice", "runner-1", 99, "2026-11-27T11:00:00.000Z"],
        ]);
    });

    it("names the bucket, prefix and missing permission when it cannot read them", async () => {
        const denied = { send: async () => Promise.reject(Object.assign(new Error("Access Denied"), { name: "AccessDenied" })) };
        await assert.rejects(new S3LockStore(denied, "acme-pulumi-state", "", "durable-code").locks("runtime-dev"), {
            message: "cannot read the locks of runtime-dev in s3://acme-pulumi-state/.pulumi/locks/organization/durable-code/runtime-dev/: AccessDenied: Access Denied; the caller needs s3:ListBucket and s3:GetObject",
        });
    });

    it("takes the bucket and prefix from the login URL", () => {
        const store = lockStoreFor("s3://acme-pulumi-state/team?region=us-west-2&awssdk=v2", "durable-code") as unknown as { bucket: string; prefix: string };
        assert.deepEqual([store.bucket, store.prefix], ["acme-pulumi-state", "team/"]);
    });

    it("counts a lock as stale only past the maximum job duration", () => {
        const now = new Date("2026-11-27T12:00:00Z");
        const at = (minutesAgo: number) => ({ key: "k", pid: 1, username: "u", hostname: "h", timestamp: new Date(now.getTime() - minutesAgo * 60_000) });
        assert.deepEqual([isStale(at(89), 90, now), isStale(at(91), 90, now)], [false, true]);
    });
});
