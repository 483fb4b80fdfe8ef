import { strict as assert } from "assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { Stacks } from "../../stacks/automation";
import { deployJobTimeouts, staleLockMinutes, WORKFLOW_DIR } from "../../stacks/job-timeout";
import { FileLockStore } from "../../stacks/locks";
import { RuntimeCommandOptions, runtimeDown, runtimeUp } from "../../stacks/runtime";
import { Clock } from "../../stacks/stale-lock";
import { AppServer } from "../fakes/app-server";
import { FakeEcs, runtimeOutputs } from "../fakes/ecs";
import { FakePulumi } from "../fakes/fake-pulumi";

const context = { onOutput: () => undefined, signal: new AbortController().signal };
const unattended: RuntimeCommandOptions = { dryRun: false, healthDeadlineMs: 2_000, retryAfterCancel: true };
const NAT =
    "urn:pulumi:runtime-dev::durable-code::durable-code:runtime:Egress$aws:ec2/natGateway:NatGateway::runtime-dev-nat-0";
const ALB =
    "urn:pulumi:runtime-dev::durable-code::durable-code:runtime:Ingress$aws:lb/loadBalancer:LoadBalancer::runtime-dev-alb";

describe("runs that were killed, queued or caught up", () => {
    let pulumi: FakePulumi;
    let lines: string[];
    const log = (line: string) => lines.push(line);
    const operations = () =>
        pulumi
            .commandsFor("runtime-dev")
            .filter((command) => /^(up|destroy|cancel|refresh|stack export)\b/.test(command));
    beforeEach(() => {
        pulumi = new FakePulumi().addStack("base-dev", { vpcId: "vpc-1" });
        lines = [];
    });

    it("the stale-lock threshold is the deploy jobs' timeout-minutes, read from the workflows: 60", () => {
        const yaml = (file: string) => parse(readFileSync(join(WORKFLOW_DIR, file), "utf8")).jobs;
        assert.deepEqual(
            [
                yaml("nightly-teardown.yml").teardown["timeout-minutes"],
                yaml("morning-startup.yml").startup["timeout-minutes"],
                yaml("release.yml").release["timeout-minutes"],
            ],
            [60, 60, 60],
        );
        assert.deepEqual(deployJobTimeouts(), {
            "morning-startup.yml startup": 60,
            "nightly-teardown.yml teardown": 60,
            "release.yml release": 60,
            "review.yml review": 60,
            "review.yml sweep": 60,
        });
        assert.equal(staleLockMinutes(), 60);
    });

    it("a deploy job without timeout-minutes counts as GitHub's default, 360", () => {
        const dir = mkdtempSync(join(tmpdir(), "durable-code-workflows-"));
        try {
            writeFileSync(
                join(dir, "x.yml"),
                "on: push\njobs:\n  a:\n    environment: dev\n    timeout-minutes: 30\n  b:\n    environment: dev\n  gate:\n    timeout-minutes: 999\n",
            );
            assert.equal(staleLockMinutes(dir), 360);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("after a killed run: lists its pending operations (stack export), drops its pending creates with refresh --clear-pending-creates, and names what to check in AWS by hand", async () => {
        pulumi.addStack("runtime-dev", { url: "http://x" }).lock("runtime-dev", { minutesAgo: 75 });
        pulumi.pendingOperations.set("runtime-dev", [
            {
                type: "creating",
                resource: {
                    urn: NAT,
                    custom: true,
                    type: "aws:ec2/natGateway:NatGateway",
                    inputs: { tags: { Name: "durable-code-dev-nat-0" } },
                },
            },
            {
                type: "deleting",
                resource: {
                    urn: ALB,
                    custom: true,
                    type: "aws:lb/loadBalancer:LoadBalancer",
                    id: "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/durable-code-dev/50dc6c495c0c9188",
                },
            },
        ]);
        await runtimeDown(await Stacks.open(pulumi.asCommand()), "dev", context, unattended, log);
        assert.deepEqual(operations(), [
            "destroy --yes --skip-preview --stack runtime-dev",
            "cancel --yes --stack runtime-dev",
            "stack export --stack runtime-dev",
            "refresh --skip-preview --yes --clear-pending-creates --stack runtime-dev",
            "destroy --yes --skip-preview --stack runtime-dev",
        ]);
        assert.ok(
            lines.includes(
                "runtime-dev: the killed run left 2 pending operations:\n" +
                    "  creating aws:ec2/natGateway:NatGateway runtime-dev-nat-0 (Name=durable-code-dev-nat-0)\n" +
                    "  deleting aws:lb/loadBalancer:LoadBalancer runtime-dev-alb (id arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/durable-code-dev/50dc6c495c0c9188)",
            ),
            lines.join("\n"),
        );
        assert.ok(
            lines.includes(
                "runtime-dev: the refresh dropped 1 pending creates from the state; AWS may hold them half created, untracked (no destroy deletes them, and they cost until deleted). " +
                    "Check by hand and delete what exists:\n  aws:ec2/natGateway:NatGateway tagged Name=durable-code-dev-nat-0",
            ),
            lines.join("\n"),
        );
        assert.deepEqual(
            pulumi.pendingOperations.get("runtime-dev")?.map((op) => op.type),
            ["deleting"],
        );
    });

    it("reads the locks again just before pulumi cancel (which deletes every lock object), and clears nothing when a run took the lock in between", async () => {
        pulumi.addStack("runtime-dev", { url: "http://x" }).lock("runtime-dev", { minutesAgo: 300 });
        const files = new FileLockStore(pulumi.backendDir, "durable-code");
        let reads = 0;
        // Reads: the wait before the destroy, the retry's look at the holders, then the one just before the cancel.
        const store = {
            locks: async (stack: string) => (
                (reads += 1) === 3 && pulumi.lock(stack, { minutesAgo: 0, username: "dave", hostname: "daves-laptop" }),
                files.locks(stack)
            ),
        };
        await assert.rejects(
            runtimeDown(await Stacks.open(pulumi.asCommand(), {}, undefined, store), "dev", context, unattended, log),
            {
                message:
                    /^destroy runtime-dev failed, runtime may still be running and costing money:\nruntime-dev was locked again since its stale lock was read \(now: .*dave@daves-laptop.*\); nothing was cleared\. Wait for that run to end, then try again$/,
            },
        );
        assert.deepEqual(operations(), ["destroy --yes --skip-preview --stack runtime-dev"]);
        assert.equal(pulumi.lockFiles("runtime-dev").length, 2);
    });

    describe("queued runs wait on the backend's lock (GitHub's concurrency queue keeps one pending run and cancels it for a newer one)", () => {
        it("a run waits while another holds the lock, and goes on once it is released", async () => {
            pulumi
                .addStack("runtime-dev", { url: "http://x" })
                .lock("runtime-dev", { minutesAgo: 5, username: "runner", hostname: "fv-az7" });
            setTimeout(
                () => rmSync(join(pulumi.backendDir, ".pulumi", "locks"), { recursive: true, force: true }),
                300,
            );
            await runtimeDown(
                await Stacks.open(pulumi.asCommand()),
                "dev",
                context,
                { ...unattended, waitForLockMinutes: 0.5, lockPollMs: 50 },
                log,
            );
            assert.deepEqual(operations(), ["destroy --yes --skip-preview --stack runtime-dev"]);
            assert.match(
                lines[0],
                /^runtime-dev is locked by runner@fv-az7 \(pid 4242\) since .* \(5 min ago\); waiting until it is released \(or older than 60 min\), up to /,
            );
        });

        it("the catch-up after a teardown killed at its 60-minute timeout waits until that lock is older than 60 minutes, then clears it and tears down", async () => {
            pulumi.addStack("runtime-dev", { url: "http://x" }).lock("runtime-dev", { minutesAgo: 59.99 });
            await runtimeDown(
                await Stacks.open(pulumi.asCommand()),
                "dev",
                context,
                { ...unattended, onlyIfNeeded: true, waitForLockMinutes: 0.1, lockPollMs: 50 },
                log,
            );
            assert.deepEqual(operations(), [
                "destroy --yes --skip-preview --stack runtime-dev",
                "cancel --yes --stack runtime-dev",
                "stack export --stack runtime-dev",
                "refresh --skip-preview --yes --clear-pending-creates --stack runtime-dev",
                "destroy --yes --skip-preview --stack runtime-dev",
            ]);
        });

        it("a cancel while waiting stops the wait at once, with nothing changed", async () => {
            pulumi.addStack("runtime-dev", { url: "http://x" }).lock("runtime-dev", { minutesAgo: 5 });
            const cancel = new AbortController();
            // A clock that stands still: its timers never fire, so only the cancel can end the wait.
            const timers: { ms: number; stopped: boolean }[] = [];
            const clock: Clock = {
                now: () => Date.parse("2026-11-27T10:00:00Z"),
                setTimer: (ms) => {
                    const timer = { ms, stopped: false };
                    timers.push(timer);
                    queueMicrotask(() => cancel.abort());
                    return () => (timer.stopped = true);
                },
            };
            await assert.rejects(
                runtimeDown(
                    await Stacks.open(pulumi.asCommand()),
                    "dev",
                    { onOutput: () => undefined, signal: cancel.signal },
                    { ...unattended, waitForLockMinutes: 5, lockPollMs: 60_000, clock },
                    log,
                ),
                {
                    message: "waiting for the lock of runtime-dev was cancelled; nothing was changed",
                },
            );
            assert.deepEqual(timers, [{ ms: 60_000, stopped: true }]);
            assert.deepEqual(operations(), []);
        });

        it("gives up after --wait-for-lock, naming the holder, with nothing changed", async () => {
            pulumi
                .addStack("runtime-dev", { url: "http://x" })
                .lock("runtime-dev", { minutesAgo: 5, username: "alice", hostname: "alices-laptop", pid: 777 });
            await assert.rejects(
                runtimeDown(
                    await Stacks.open(pulumi.asCommand()),
                    "dev",
                    context,
                    { ...unattended, waitForLockMinutes: 0.005, lockPollMs: 50 },
                    log,
                ),
                {
                    message:
                        /runtime-dev is locked by alice@alices-laptop \(pid 777\) since .* \(5 min ago\); a lock younger than 60 min may belong to a live run, so it is not cleared/,
                },
            );
            assert.deepEqual(operations(), ["destroy --yes --skip-preview --stack runtime-dev"]);
        });
    });

    it("the catch-up startup does not skip a runtime that a failed startup left half up: it brings it up", async () => {
        const app = new AppServer(0);
        try {
            pulumi.addStack("runtime-dev", { url: "http://x" });
            pulumi.stacks.get("runtime-dev")!.history.unshift({
                kind: "update",
                result: "failed",
                startTime: "2026-11-26T16:05:00Z",
                endTime: "2026-11-26T16:20:00Z",
                resourceChanges: { create: 9 },
                version: 1,
            });
            pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", await app.start()));
            const ecs = new FakeEcs(() => pulumi.stacks.get("runtime-dev")?.outputs);
            await runtimeUp(
                await Stacks.open(pulumi.asCommand()),
                "dev",
                context,
                { ...unattended, onlyIfNeeded: true },
                log,
                ecs,
            );
            assert.deepEqual(operations(), ["up --yes --skip-preview --stack runtime-dev"]);
            assert.ok(
                lines.includes("runtime-dev has resources, but its last operation (update) failed: bringing it up"),
                lines.join("\n"),
            );
        } finally {
            await app.stop();
        }
    });
});
