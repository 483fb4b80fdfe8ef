import { strict as assert } from "assert";
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Recorder } from "../fakes/recorder";
import { s3Objects } from "../fakes/s3";
import { describeLock, FileLockStore, isStale, lockStoreFor, S3LockStore } from "../../stacks/locks";

describe("locks of an s3:// backend", () => {
    const lock = (username: string, timestamp: string) =>
        JSON.stringify({ pid: 99, username, hostname: "runner-1", timestamp });

    it("reads every lock object under .pulumi/locks/organization/<project>/<stack>/ of the backend's prefix", async () => {
        const s3 = new Recorder(
            s3Objects({
                "team/.pulumi/locks/organization/durable-code/runtime-dev/0b4e.json": lock(
                    "ci",
                    "2026-11-27T10:00:00.123456789Z",
                ),
                "team/.pulumi/locks/organization/durable-code/runtime-dev/9f1c.json": lock(
                    "alice",
                    "2026-11-27T11:00:00Z",
                ),
                "team/.pulumi/locks/organization/durable-code/runtime-devx/1111.json": lock(
                    "other",
                    "2026-11-27T11:00:00Z",
                ),
            }),
        );
        const locks = await new S3LockStore(s3, "acme-pulumi-state", "team/", "durable-code").locks("runtime-dev");
        assert.deepEqual(s3.calls[0], [
            "ListObjectsV2Command",
            { Bucket: "acme-pulumi-state", Prefix: "team/.pulumi/locks/organization/durable-code/runtime-dev/" },
        ]);
        assert.deepEqual(
            locks.map((found) => [found.username, found.hostname, found.pid, found.timestamp.toISOString()]),
            [
                ["ci", "runner-1", 99, "2026-11-27T10:00:00.123Z"],
                ["alice", "runner-1", 99, "2026-11-27T11:00:00.000Z"],
            ],
        );
    });

    it("names the bucket, prefix and missing permission when it cannot read them", async () => {
        const denied = new Recorder({
            ListObjectsV2Command: () => {
                throw Object.assign(new Error("Access Denied"), { name: "AccessDenied" });
            },
        });
        await assert.rejects(new S3LockStore(denied, "acme-pulumi-state", "", "durable-code").locks("runtime-dev"), {
            message:
                "cannot read the locks of runtime-dev in s3://acme-pulumi-state/.pulumi/locks/organization/durable-code/runtime-dev/: AccessDenied: Access Denied; the caller needs s3:ListBucket and s3:GetObject",
        });
    });

    it("takes the bucket and prefix from the login URL", async () => {
        const store = lockStoreFor(
            "s3://acme-pulumi-state/team?region=us-west-2&awssdk=v2",
            "durable-code",
        ) as unknown as { bucket: string; prefix: string; s3: { config: { region: () => Promise<string> } } };
        assert.deepEqual(
            [store.bucket, store.prefix, await store.s3.config.region()],
            ["acme-pulumi-state", "team/", "us-west-2"],
        );
        const atRoot = lockStoreFor("s3://acme-pulumi-state?region=us-west-2", "durable-code") as unknown as {
            prefix: string;
        };
        assert.equal(atRoot.prefix, "");
        const slash = lockStoreFor("s3://acme-pulumi-state/team/?region=us-west-2", "durable-code") as unknown as {
            prefix: string;
        };
        assert.equal(slash.prefix, "team/");
        assert.equal(lockStoreFor("https://api.pulumi.com", "durable-code"), undefined);
    });

    it("reads the .json lock objects only, and a lock file with fields missing as unknown", async () => {
        const s3 = new Recorder(
            s3Objects({
                ".pulumi/locks/organization/durable-code/runtime-dev/0b4e.json": "{}",
                ".pulumi/locks/organization/durable-code/runtime-dev/notes.txt": "not a lock",
            }),
        );
        const [lock, ...others] = await new S3LockStore(s3, "acme-pulumi-state", "", "durable-code").locks(
            "runtime-dev",
        );
        assert.deepEqual(others, []);
        assert.deepEqual(
            [lock.key, lock.pid, lock.username, lock.hostname, lock.timestamp.getTime()],
            [".pulumi/locks/organization/durable-code/runtime-dev/0b4e.json", 0, "?", "?", 0],
        );
    });
    describe("through the login URL's endpoint= and profile=, with a real S3 client and a real HTTP server on 127.0.0.1", () => {
        let server: Server;
        let dir: string;
        const requests: IncomingMessage[] = [];
        const saved = { ...process.env };
        before(async () => {
            // A stand-in for an S3-compatible store: ListObjectsV2 answers its XML, GetObject the lock's JSON (S3 API reference).
            server = createServer((request, response) => {
                requests.push(request);
                const url = new URL(request.url!, "http://127.0.0.1");
                if (url.searchParams.get("list-type") === "2") {
                    const key = `${url.searchParams.get("prefix")}0b4e.json`;
                    response
                        .writeHead(200, { "content-type": "application/xml" })
                        .end(
                            `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>acme-pulumi-state</Name><KeyCount>1</KeyCount><IsTruncated>false</IsTruncated><Contents><Key>${key}</Key><Size>90</Size></Contents></ListBucketResult>`,
                        );
                } else {
                    response
                        .writeHead(200, { "content-type": "application/json" })
                        .end(lock("ci", "2026-11-27T10:00:00Z"));
                }
            });
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            dir = mkdtempSync(join(tmpdir(), "durable-code-aws-"));
            writeFileSync(
                join(dir, "credentials"),
                "[default]\naws_access_key_id = AKIADEFAULTPROFILE00\naws_secret_access_key = x\n[state]\naws_access_key_id = AKIASTATEPROFILE0000\naws_secret_access_key = y\n",
            );
            writeFileSync(join(dir, "config"), "");
            for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"])
                delete process.env[name];
            Object.assign(process.env, {
                AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
                AWS_CONFIG_FILE: join(dir, "config"),
            });
        });
        after(async () => {
            process.env = saved;
            rmSync(dir, { recursive: true, force: true });
            await new Promise<void>((resolve) => server.close(() => resolve()));
        });

        it("sends ListObjectsV2 and GetObject to the endpoint, path-style, signed with the profile's keys", async () => {
            const port = (server.address() as AddressInfo).port;
            const store = lockStoreFor(
                `s3://acme-pulumi-state/team?region=us-west-2&awssdk=v2&endpoint=http://127.0.0.1:${port}&s3ForcePathStyle=true&profile=state`,
                "durable-code",
            )!;
            const locks = await store.locks("runtime-dev");
            assert.deepEqual(
                locks.map((found) => [found.key, found.username]),
                [["team/.pulumi/locks/organization/durable-code/runtime-dev/0b4e.json", "ci"]],
            );
            assert.deepEqual(
                requests.map((request) => new URL(request.url!, "http://127.0.0.1").pathname),
                [
                    "/acme-pulumi-state/",
                    "/acme-pulumi-state/team/.pulumi/locks/organization/durable-code/runtime-dev/0b4e.json",
                ],
            );
            for (const request of requests)
                assert.match(
                    String(request.headers.authorization),
                    /Credential=AKIASTATEPROFILE0000\/\d{8}\/us-west-2\/s3\/aws4_request/,
                );
        });
    });

    it("counts a lock as stale only past the maximum job duration: at exactly 90 minutes a job may still hold it", () => {
        const now = new Date("2026-11-27T12:00:00Z");
        const at = (timestamp: string) => ({
            key: "k",
            pid: 1,
            username: "u",
            hostname: "h",
            timestamp: new Date(timestamp),
        });
        assert.equal(isStale(at("2026-11-27T10:31:00Z"), 90, now), false, "89 minutes");
        assert.equal(isStale(at("2026-11-27T10:30:00Z"), 90, now), false, "90 minutes exactly");
        assert.equal(isStale(at("2026-11-27T10:29:59.999Z"), 90, now), true, "90 minutes and 1 ms");
        assert.equal(isStale(at("2026-11-27T10:29:00Z"), 90, now), true, "91 minutes");
    });
});

describe("locks of a file:// backend", () => {
    let dir: string;
    before(() => {
        dir = mkdtempSync(join(tmpdir(), "durable-code-locks-"));
        const stackDir = join(dir, ".pulumi/locks/organization/durable-code/runtime-dev");
        mkdirSync(stackDir, { recursive: true });
        writeFileSync(
            join(stackDir, "0b4e.json"),
            JSON.stringify({ pid: 4242, username: "ci", hostname: "runner-1", timestamp: "2026-11-27T10:00:00Z" }),
        );
        writeFileSync(join(stackDir, "0b4e.json.attrs"), "{}");
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("reads the lock files under .pulumi/locks/organization/<project>/<stack>/, and none for a stack without the folder", async () => {
        const store = lockStoreFor(`file://${dir}?no_tmp_dir=true`, "durable-code");
        assert.ok(store instanceof FileLockStore);
        const locks = await store.locks("runtime-dev");
        assert.deepEqual(
            locks.map((lock) => [lock.key, lock.username, lock.hostname, lock.pid, lock.timestamp.toISOString()]),
            [
                [
                    join(dir, ".pulumi/locks/organization/durable-code/runtime-dev/0b4e.json"),
                    "ci",
                    "runner-1",
                    4242,
                    "2026-11-27T10:00:00.000Z",
                ],
            ],
        );
        assert.deepEqual(await store.locks("runtime-staging"), []);
    });

    it("describes a lock by holder, process, start and age", () => {
        const lock = {
            key: "k",
            pid: 4242,
            username: "ci",
            hostname: "runner-1",
            timestamp: new Date("2026-11-27T10:00:00Z"),
        };
        assert.equal(
            describeLock(lock, new Date("2026-11-27T11:29:40Z")),
            "ci@runner-1 (pid 4242) since 2026-11-27T10:00:00.000Z (90 min ago)",
        );
    });
});
