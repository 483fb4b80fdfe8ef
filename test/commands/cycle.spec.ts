import { strict as assert } from "assert";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENVIRONMENT_NAMES } from "../../shared/environments";
import { HEALTH_PATHS, SERVICE_NAMES } from "../../shared/services";
import { CycleOptions, runCycle } from "../../stacks/cycle";
import { main } from "../../commands/cycle";
import { RunReport } from "../../stacks/report";
import { Stacks } from "../../stacks/automation";
import { AppServer } from "../fakes/app-server";
import { FakeEcs, runtimeOutputs, taskDefinitionArn } from "../fakes/ecs";
import { FakePulumi } from "../fakes/fake-pulumi";

const BASE_OUTPUTS = { vpcId: "vpc-1", contractVersion: 1 };
const fastHealth = { deadlineMs: 3_000, firstDelayMs: 20, maxDelayMs: 100, requestTimeoutMs: 1_000 };
const options = (overrides: Partial<CycleOptions> = {}): CycleOptions => ({
    env: "dev",
    skipBase: false,
    dryRun: false,
    keepDown: false,
    health: fastHealth,
    ...overrides,
});

describe("npm run cycle", () => {
    let app: AppServer;
    let url: string;
    let pulumi: FakePulumi;
    let ecs: FakeEcs;
    let output: string[];
    beforeEach(async () => {
        // The first health check finds every service's path still registering.
        app = new AppServer(HEALTH_PATHS.length);
        url = await app.start();
        pulumi = new FakePulumi().addStack("base-dev").addStack("runtime-dev");
        pulumi.deployedOutputs.set("base-dev", BASE_OUTPUTS);
        pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", url));
        ecs = new FakeEcs(() => pulumi.stacks.get("runtime-dev")?.outputs);
        output = [];
    });
    afterEach(() => app.stop());

    const cycle = async (
        overrides: Partial<CycleOptions> = {},
        signal = new AbortController().signal,
    ): Promise<RunReport> =>
        runCycle(options(overrides), {
            stacks: await Stacks.open(pulumi.asCommand()),
            ecs,
            log: (line) => output.push(line),
            signal,
        });
    const results = (report: RunReport) => report.steps.map((step) => `${step.step}: ${step.result}`);
    const operations = () => pulumi.commandsFor().filter((command) => /^(up|destroy|preview|cancel)\b/.test(command));
    /** A Ctrl-C once the hung operation has started (its output is logged), however busy the machine is. */
    const abortWhenRunning = (controller: AbortController, operation: string, first?: () => void) => {
        const poll = setInterval(() => {
            if (!output.some((line) => line.includes(`${operation} running...`))) return;
            clearInterval(poll);
            first?.();
            controller.abort();
        }, 10);
    };

    it("deploys, checks, tears down, checks base, restores and checks again", async () => {
        const report = await cycle();
        assert.deepEqual(results(report), [
            "up base-dev: passed",
            "up runtime-dev: passed",
            "health check: passed",
            "destroy runtime-dev: passed",
            "base-dev intact: passed",
            "restore runtime-dev: passed",
            "health check after restore: passed",
        ]);
        assert.equal(report.passed, true);
        assert.deepEqual(operations(), [
            "up --yes --skip-preview --stack base-dev",
            "up --yes --skip-preview --stack runtime-dev",
            "destroy --yes --skip-preview --stack runtime-dev",
            "preview --expect-no-changes --stack base-dev",
            "up --yes --skip-preview --stack runtime-dev",
        ]);
    });

    it("retries the health check until every service's health path (/ and /health as committed) answers", async () => {
        const report = await cycle();
        assert.match(report.steps[2].detail!, /healthy after 2 attempt\(s\)/);
        assert.deepEqual(
            app.requests.slice(0, 2 * HEALTH_PATHS.length).sort(),
            [...HEALTH_PATHS, ...HEALTH_PATHS].sort(),
        );
    });

    it("prints a header per step, Pulumi's output, and a summary table", async () => {
        await cycle();
        const text = output.join("\n");
        assert.match(text, /=== up base-dev ===\nUpdating \(base-dev\):/);
        assert.match(text, /step +result +duration +resources changed/);
        assert.match(text, /destroy runtime-dev +passed +\d+ ms +delete 20/);
        assert.match(text, /cycle of dev passed/);
    });

    it("--skip-base requires base to exist without pending changes, and does not deploy it", async () => {
        pulumi.stacks.get("base-dev")!.resourceCount = 20;
        const report = await cycle({ skipBase: true });
        assert.equal(report.steps[0].step, "check base-dev");
        assert.equal(report.passed, true);
        assert.ok(!operations().includes("up --yes --skip-preview --stack base-dev"));
        assert.equal(operations()[0], "preview --expect-no-changes --stack base-dev");
    });

    it("--skip-base without a base stops before touching runtime", async () => {
        pulumi.stacks.delete("base-dev");
        const report = await cycle({ skipBase: true });
        assert.equal(
            report.steps[0].detail,
            'no stack base-dev in this backend; run "npm run cycle -- --env dev" without --skip-base, or "pulumi up -s base-dev"',
        );
        assert.ok(report.steps.slice(1).every((step) => step.result === "skipped"));
        assert.deepEqual(operations(), []);
    });

    it("--dry-run previews both stacks and changes nothing", async () => {
        const report = await cycle({ dryRun: true });
        assert.deepEqual(results(report), ["preview base-dev: passed", "preview runtime-dev: passed"]);
        assert.deepEqual(operations(), ["preview --stack base-dev", "preview --stack runtime-dev"]);
    });

    it("--keep-down ends with runtime destroyed and base checked", async () => {
        const report = await cycle({ keepDown: true });
        assert.equal(report.passed, true);
        assert.deepEqual(results(report).slice(-2), [
            "restore runtime-dev: skipped",
            "health check after restore: skipped",
        ]);
        assert.equal(operations().at(-1), "preview --expect-no-changes --stack base-dev");
    });

    it("a health check that never turns green fails the cycle but still tears runtime down", async () => {
        await app.stop();
        app = new AppServer(1_000_000);
        pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", await app.start()));
        const report = await cycle({ health: { ...fastHealth, deadlineMs: 300 } });
        assert.equal(report.passed, false);
        assert.deepEqual(results(report), [
            "up base-dev: passed",
            "up runtime-dev: passed",
            "health check: failed",
            "destroy runtime-dev: passed",
            "base-dev intact: passed",
            "restore runtime-dev: skipped",
            "health check after restore: skipped",
        ]);
        assert.match(report.steps[2].detail!, /did not become healthy within 0 s \(\d+ attempts; last: .*answered 503/);
        assert.match(output.join("\n"), /cycle of dev FAILED at "health check"/);
    });

    it("asks ECS before each health check whether every service runs the task definition up deployed", async () => {
        const report = await cycle();
        assert.deepEqual(
            ecs.calls.map(([command, input]) => `${command} ${input.cluster} ${input.services.join(" ")}`),
            Array(2).fill(
                `DescribeServicesCommand durable-code-dev ${SERVICE_NAMES.map((service) => `durable-code-dev-${service}`).join(" ")}`,
            ),
        );
        assert.match(
            report.steps[2].detail!,
            /^ECS runs what was deployed; http:\/\/127\.0\.0\.1:\d+ healthy after 2 attempt\(s\)$/,
        );
    });

    it("a deployment ECS rolled back fails the health check, naming the service and what runs, though the old version answers; runtime is still torn down", async () => {
        const deployed = taskDefinitionArn("durable-code-dev-backend", 7);
        const previous = taskDefinitionArn("durable-code-dev-backend", 6);
        ecs.rollBack(
            "durable-code-dev-backend",
            "backend",
            deployed,
            previous,
            "123456789012.dkr.ecr.us-west-2.amazonaws.com/durable-code-dev-backend:v0.1.0",
        );
        const report = await cycle();
        assert.equal(report.steps[2].result, "failed");
        assert.match(
            report.steps[2].detail!,
            /^runtime-dev is not running what was deployed, although Pulumi reported success:\n {2}- backend rolled back: ECS runs durable-code-dev-backend:6 \(v0\.1\.0\), not durable-code-dev-backend:7 that up deployed \(ECS deployment circuit breaker: tasks failed to start\.\)/,
        );
        assert.deepEqual(results(report).slice(3), [
            "destroy runtime-dev: passed",
            "base-dev intact: passed",
            "restore runtime-dev: skipped",
            "health check after restore: skipped",
        ]);
        assert.deepEqual(app.requests, [], "the version ECS rolled back to is never taken for the one deployed");
    });

    it("an AWS error midway is reported with Pulumi's message, and runtime is still torn down", async () => {
        pulumi.failNext(
            "up",
            "runtime-dev",
            "error: creating ECS Service (durable-code-dev-backend): AccessDeniedException: not authorized",
        );
        const report = await cycle();
        assert.equal(report.steps[1].result, "failed");
        assert.match(report.steps[1].detail!, /^up runtime-dev failed:\n[\s\S]*AccessDeniedException/);
        assert.deepEqual(results(report).slice(2), [
            "health check: skipped",
            "destroy runtime-dev: passed",
            "base-dev intact: passed",
            "restore runtime-dev: skipped",
            "health check after restore: skipped",
        ]);
    });

    it("a locked runtime stack says how to clear the lock and stops at the teardown", async () => {
        pulumi.lock("runtime-dev");
        const report = await cycle();
        assert.equal(
            report.steps[1].detail,
            'runtime-dev is locked by another update. Wait for it to finish; if no other run is active (a killed job leaves its lock), run "pulumi cancel -s runtime-dev --yes" and try again',
        );
        assert.deepEqual(results(report).slice(3), [
            "destroy runtime-dev: failed",
            "base-dev intact: skipped",
            "restore runtime-dev: skipped",
            "health check after restore: skipped",
        ]);
    });

    it("base outputs that differ after the teardown fail the base check, naming them", async () => {
        pulumi.afterCommand = (args) => {
            if (args[0] === "destroy") pulumi.stacks.get("base-dev")!.outputs = { ...BASE_OUTPUTS, vpcId: "vpc-2" };
        };
        const report = await cycle();
        assert.equal(report.steps[4].detail, "base-dev outputs changed while runtime was torn down: vpcId");
        assert.equal(report.steps[5].result, "skipped");
    });

    it("base changing while runtime was down fails the base check and skips the restore", async () => {
        pulumi.pendingChanges.set("base-dev", { update: 1 });
        const report = await cycle();
        assert.equal(report.steps[4].result, "failed");
        assert.match(report.steps[4].detail!, /no changes were expected but changes were proposed/);
        assert.deepEqual(results(report).slice(5), [
            "restore runtime-dev: skipped",
            "health check after restore: skipped",
        ]);
    });

    it("Ctrl-C interrupts the running operation (Pulumi gets SIGINT and releases its lock) and runs nothing after", async () => {
        pulumi.hangs.add("up runtime-dev");
        const controller = new AbortController();
        let locksWhileRunning: string[] = [];
        abortWhenRunning(controller, "up runtime-dev", () => (locksWhileRunning = pulumi.lockFiles("runtime-dev")));
        const report = await cycle({}, controller.signal);
        assert.equal(report.exitCode, 130);
        assert.equal(report.steps[1].result, "cancelled");
        assert.ok(pulumi.calls.some((call) => call.join(" ") === "SIGINT up runtime-dev"));
        assert.equal(locksWhileRunning.length, 1, "the up held the stack's lock");
        assert.deepEqual(pulumi.lockFiles("runtime-dev"), [], "and released it");
        assert.ok(report.steps.slice(2).every((step) => step.result === "skipped"));
        assert.deepEqual(operations(), [
            "up --yes --skip-preview --stack base-dev",
            "up --yes --skip-preview --stack runtime-dev",
        ]);
    });

    it("a cancel during the health check starts nothing after it: runtime is not destroyed", async () => {
        await app.stop();
        app = new AppServer(1_000_000);
        pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", await app.start()));
        const controller = new AbortController();
        const report = runCycle(options({ health: { ...fastHealth, deadlineMs: 60_000 } }), {
            stacks: await Stacks.open(pulumi.asCommand()),
            ecs,
            log: (line) => {
                output.push(line);
                if (line.startsWith("not healthy yet")) controller.abort();
            },
            signal: controller.signal,
        });
        const finished = await report;
        assert.deepEqual(results(finished).slice(0, 4), [
            "up base-dev: passed",
            "up runtime-dev: passed",
            "health check: cancelled",
            "destroy runtime-dev: skipped",
        ]);
        assert.ok(!operations().some((command) => command.startsWith("destroy")));
        assert.equal(finished.exitCode, 130);
    });

    describe("command line", () => {
        const run = (argv: string[]) => main(argv, new AbortController().signal, undefined);

        it("rejects an unknown environment before anything runs", async () => {
            await assert.rejects(run(["--env", "undeclared"]), {
                message: new RegExp(
                    `^--env undeclared is not an environment of this project; use one of ${ENVIRONMENT_NAMES.join(", ")}, or declare it in shared/environments\\.ts\nusage: npm run cycle`,
                ),
                exitCode: 2,
            } as object);
        });

        it("refuses to cycle prod (it destroys runtime-prod) without --confirm runtime-prod, before anything runs", async () => {
            await assert.rejects(run(["--env", "prod"]), {
                message:
                    "npm run cycle destroys runtime-prod, which serves production; confirm with --confirm runtime-prod",
                exitCode: 2,
            } as object);
        });

        it("rejects unknown flags", async () => {
            await assert.rejects(run(["--env", "dev", "--force"]), { exitCode: 2 } as object);
        });

        it("writes the report as JSON with --report and exits 0 only when every step passed", async () => {
            await app.stop();
            app = new AppServer(0);
            pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", await app.start()));
            const dir = mkdtempSync(join(tmpdir(), "cycle-"));
            try {
                const file = join(dir, "report.json");
                const code = await main(
                    ["--env", "dev", "--report", file],
                    new AbortController().signal,
                    await Stacks.open(pulumi.asCommand()),
                    (line) => output.push(line),
                    ecs,
                );
                assert.equal(code, 0);
                const report = JSON.parse(readFileSync(file, "utf8"));
                assert.equal(report.passed, true);
                assert.equal(report.steps.length, 7);
                assert.deepEqual(report.steps[3].changes, { delete: 20 });
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });

        it("checks --report before the first step: an unwritable path fails at once, with nothing run", async () => {
            await assert.rejects(
                main(
                    ["--env", "dev", "--report", "/nonexistent-dir/report.json"],
                    new AbortController().signal,
                    await Stacks.open(pulumi.asCommand()),
                ),
                {
                    message:
                        "--report /nonexistent-dir/report.json: the folder /nonexistent-dir does not exist; create it first",
                    exitCode: 2,
                } as object,
            );
            assert.deepEqual(operations(), []);
        });

        it("never replaces a file that is not a cycle report: exit 2, the file untouched, nothing run; --force replaces it", async () => {
            const dir = mkdtempSync(join(tmpdir(), "cycle-"));
            try {
                const file = join(dir, "README.md");
                writeFileSync(file, "# durable-code\n");
                const run = async (...flags: string[]) =>
                    main(
                        ["--env", "dev", "--dry-run", "--report", file, ...flags],
                        new AbortController().signal,
                        await Stacks.open(pulumi.asCommand()),
                        (line) => output.push(line),
                        ecs,
                    );
                await assert.rejects(run(), {
                    message: `--report ${file} exists and is not a report this command wrote; choose another path, or add --force to replace it`,
                    exitCode: 2,
                } as object);
                assert.equal(readFileSync(file, "utf8"), "# durable-code\n");
                assert.deepEqual(operations(), []);
                assert.equal(await run("--force"), 0);
                assert.equal(JSON.parse(readFileSync(file, "utf8")).command, "cycle");
                // Now a report of its own: the next run replaces it without --force.
                assert.equal(await run(), 0);
                assert.deepEqual(readdirSync(dir), ["README.md"]);
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });

        it("writes the report after each step, so a cancelled cycle still leaves one", async () => {
            const dir = mkdtempSync(join(tmpdir(), "cycle-"));
            try {
                const file = join(dir, "report.json");
                pulumi.hangs.add("up runtime-dev");
                const controller = new AbortController();
                abortWhenRunning(controller, "up runtime-dev");
                const code = await main(
                    ["--env", "dev", "--report", file],
                    controller.signal,
                    await Stacks.open(pulumi.asCommand()),
                    (line) => output.push(line),
                    ecs,
                );
                assert.equal(code, 130);
                const report = JSON.parse(readFileSync(file, "utf8"));
                assert.deepEqual(
                    [report.exitCode, report.steps[0].result, report.steps[1].result],
                    [130, "passed", "cancelled"],
                );
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});
