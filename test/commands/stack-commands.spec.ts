import { strict as assert } from "assert";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main as destroyBase } from "../../commands/destroy-base";
import { main as down } from "../../commands/down";
import { main as up } from "../../commands/up";
import { main as status } from "../../commands/status";
import { elasticIpDemand } from "../../status/elastic-ips";
import { PROJECT_DIR } from "../../offline/stack-files";
import { Stacks } from "../../stacks/automation";
import { ENV_VALUE } from "../../cli/args";
import { ENVIRONMENT_NAMES } from "../../shared/environments";
import { HEALTH_PATHS, SERVICE_NAMES } from "../../shared/services";
import { LAYERS, stackNameOf } from "../../shared/stack-name";
import { AppServer } from "../fakes/app-server";
import { FakeEcr } from "../fakes/ecr";
import { FakeEcs, runtimeOutputs, taskDefinitionArn } from "../fakes/ecs";
import { FakePulumi } from "../fakes/fake-pulumi";

const signal = new AbortController().signal;
/** `npm run up -- ...` or `npm run down -- ...`, by the first word. */
const runtime = (
    [command, ...argv]: string[],
    cancel: AbortSignal,
    stacks: Stacks,
    log: (line: string) => void,
    ecs?: FakeEcs,
) => (command === "up" ? up(argv, cancel, stacks, log, ecs) : down(argv, cancel, stacks, log));
const mutations = (pulumi: FakePulumi) =>
    pulumi.commandsFor().filter((command) => /^(up|destroy|preview|stack import)\b/.test(command));

describe("stack commands", () => {
    let pulumi: FakePulumi;
    let lines: string[];
    let ecs: FakeEcs;
    const log = (line: string) => lines.push(line);
    beforeEach(() => {
        pulumi = new FakePulumi();
        ecs = new FakeEcs(() => pulumi.stacks.get("runtime-dev")?.outputs);
        lines = [];
    });

    describe("npm run status", () => {
        it("shows each stack: existence, resources, lock, last update and the URL of a running runtime", async () => {
            pulumi
                .addStack("base-dev", { vpcId: "vpc-1" })
                .addStack("runtime-dev", { url: "http://dev.example.com" })
                .addStack("base-staging", { vpcId: "vpc-2" })
                .lock("base-staging");
            const stacks = await Stacks.open(pulumi.asCommand());
            await stacks.up("runtime-dev", { onOutput: () => undefined, signal });
            pulumi.calls.length = 0;
            assert.equal(await status(["--json"], signal, stacks, log), 0);
            const statuses = JSON.parse(lines[0]);
            assert.deepEqual(
                statuses.map((s: any) => [s.stack, s.exists, s.resourceCount, s.locked, s.url]),
                ENVIRONMENT_NAMES.flatMap((env) =>
                    LAYERS.map((layer) => {
                        const stack = stackNameOf(layer, env);
                        return (
                            {
                                "base-dev": [stack, true, 20, false, undefined],
                                "runtime-dev": [stack, true, 20, false, "http://dev.example.com"],
                                "base-staging": [stack, true, 20, true, undefined],
                            }[stack] ?? [stack, false, undefined, undefined, undefined]
                        );
                    }),
                ),
            );
            assert.deepEqual(statuses[1].lastUpdate, {
                kind: "update",
                result: "succeeded",
                time: "2026-11-26T08:03:00.000Z",
            });
            assert.deepEqual(mutations(pulumi), []);
        });

        it("prints a table and how to clear a lock", async () => {
            pulumi.addStack("base-dev", { vpcId: "vpc-1" }).lock("base-dev");
            await status(["--env", "dev"], signal, await Stacks.open(pulumi.asCommand()), log);
            assert.match(
                lines[0],
                /^stack +exists +resources +locked +last update +images +sleep +url\nbase-dev +yes +20 +LOCKED/,
            );
            assert.match(lines[0], /runtime-dev +no +- +- +- +- +-/);
            assert.match(
                lines[1],
                /^\nbase-dev is locked by runner@fv-az123 \(pid 4242\) since .* \(5 min ago\); if that run is no longer active, clear it with "pulumi cancel -s base-dev --yes"$/,
            );
        });
    });

    describe("the backend and secrets the commands use", () => {
        it("refuse a CLI logged in to Pulumi Cloud instead of the self-managed backend, saying how to log in", async () => {
            pulumi.backendUrl = "https://api.pulumi.com";
            await assert.rejects(Stacks.open(pulumi.asCommand()), {
                message:
                    "the pulumi CLI is logged in to https://api.pulumi.com, not this project's self-managed state backend; log in to it first: pulumi login 's3://<state bucket>?region=<region>&awssdk=v2' (the line \"npm run bootstrap\" prints), or set PULUMI_BACKEND_URL",
            });
        });

        it("accept s3:// and file:// backends, and read locks from the one they are logged in to", async () => {
            pulumi.backendUrl = "s3://acme-pulumi-state?region=us-west-2&awssdk=v2";
            const s3 = await Stacks.open(pulumi.asCommand());
            assert.equal(s3.backendUrl, "s3://acme-pulumi-state?region=us-west-2&awssdk=v2");
            assert.equal((s3 as unknown as { lockStore: { bucket: string } }).lockStore.bucket, "acme-pulumi-state");
            const dir = mkdtempSync(join(tmpdir(), "durable-code-backend-"));
            try {
                const lockDir = join(dir, ".pulumi/locks/organization/durable-code/runtime-dev");
                mkdirSync(lockDir, { recursive: true });
                writeFileSync(
                    join(lockDir, "0b4e.json"),
                    JSON.stringify({ pid: 7, username: "ci", hostname: "runner-1", timestamp: "2026-11-27T10:00:00Z" }),
                );
                pulumi.backendUrl = `file://${dir}`;
                const file = await Stacks.open(pulumi.asCommand());
                assert.equal(file.backendUrl, `file://${dir}`);
                assert.deepEqual(
                    (await file.locks("runtime-dev")).map((lock) => `${lock.username}@${lock.hostname} ${lock.pid}`),
                    ["ci@runner-1 7"],
                );
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });

        it("create a new stack with the configured secrets provider, not the passphrase default, under its environment's encryption context", async () => {
            pulumi.addStack("base-dev", { vpcId: "vpc-1" });
            const stacks = await Stacks.open(
                pulumi.asCommand(),
                {},
                "awskms://alias/pulumi-durable-code?region=us-west-2",
            );
            await stacks.up("runtime-dev", { onOutput: () => undefined, signal });
            // go-cloud's awskms turns each context_<k>=<v> parameter into the KMS encryption context.
            const expected =
                "stack init runtime-dev --secrets-provider awskms://alias/pulumi-durable-code?region=us-west-2&context_project=durable-code&context_environment=dev";
            assert.ok(pulumi.commandsFor().includes(expected), pulumi.commandsFor().join("\n"));
        });
    });

    describe("npm run status: Elastic IPs", () => {
        let dir: string;
        beforeEach(() => {
            // dev, staging and prod as committed: an environment added later takes addresses of its own.
            dir = mkdtempSync(join(tmpdir(), "durable-code-eips-"));
            for (const name of readdirSync(PROJECT_DIR).filter((file) =>
                /^Pulumi(\.(base|runtime)-(dev|staging|prod))?\.yaml$/.test(file),
            ))
                copyFileSync(join(PROJECT_DIR, name), join(dir, name));
        });
        afterEach(() => rmSync(dir, { recursive: true, force: true }));

        it("dev, staging and prod as committed take 4 of the default 5 per region: dev none (public task addresses), staging 1, prod 3, no warning", async () => {
            assert.deepEqual(
                elasticIpDemand({ dir }).map((region) => [region.region, region.needed]),
                [["us-west-2", 4]],
            );
            await status([], signal, await Stacks.open(pulumi.asCommand()), log, { dir });
            assert.ok(!lines.some((line) => line.includes("Elastic IPs")));
        });

        it("warns when the environments configured in one region need more than the default quota", async () => {
            const add = (stack: string, line: string) =>
                writeFileSync(
                    join(dir, `Pulumi.${stack}.yaml`),
                    readFileSync(join(dir, `Pulumi.${stack}.yaml`), "utf8") + line,
                );
            add("base-staging", "  durable-code:azCount: 3\n");
            add("runtime-staging", "  durable-code:egress: nat-per-az\n");
            await status([], signal, await Stacks.open(pulumi.asCommand()), log, { dir });
            assert.equal(
                lines.at(-1),
                '\nwarning: the runtime stacks in us-west-2 need 6 Elastic IPs at once (runtime-dev 0, runtime-staging 3, runtime-prod 3), more than the default quota of 5; request an increase (Service Quotas, "EC2-VPC Elastic IPs") before they are all up, or use egress nat-single',
            );
        });
    });

    describe("npm run up / down", () => {
        it("down of prod needs --confirm runtime-prod, and runs nothing without it", async () => {
            pulumi.addStack("base-prod", { vpcId: "vpc-1" }).addStack("runtime-prod", { url: "http://x" });
            const stacks = await Stacks.open(pulumi.asCommand());
            await assert.rejects(runtime(["down", "--env", "prod"], signal, stacks, log), {
                message:
                    "npm run down destroys runtime-prod, which serves production; confirm with --confirm runtime-prod",
            });
            assert.deepEqual(mutations(pulumi), []);
            assert.equal(await runtime(["down", "--env", "prod", "--confirm", "runtime-prod"], signal, stacks, log), 0);
            assert.deepEqual(mutations(pulumi), ["destroy --yes --skip-preview --stack runtime-prod"]);
        });

        it("down destroys runtime and nothing else", async () => {
            pulumi.addStack("base-dev", { vpcId: "vpc-1" }).addStack("runtime-dev", { url: "http://x" });
            assert.equal(
                await runtime(["down", "--env", "dev"], signal, await Stacks.open(pulumi.asCommand()), log),
                0,
            );
            assert.deepEqual(mutations(pulumi), ["destroy --yes --skip-preview --stack runtime-dev"]);
        });

        it("up deploys runtime and waits until the application answers", async () => {
            const app = new AppServer(0);
            const url = await app.start();
            try {
                pulumi.addStack("base-dev", { vpcId: "vpc-1" }).addStack("runtime-dev");
                pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", url));
                assert.equal(
                    await runtime(["up", "--env", "dev"], signal, await Stacks.open(pulumi.asCommand()), log, ecs),
                    0,
                );
                assert.deepEqual(mutations(pulumi), ["up --yes --skip-preview --stack runtime-dev"]);
                assert.deepEqual(app.requests.sort(), [...HEALTH_PATHS].sort());
                assert.equal(lines.at(-1), `runtime-dev is up: ${url}`);
            } finally {
                await app.stop();
            }
        });

        describe("wakeOnRequest: deployed asleep, woken by the health check's request", () => {
            const asleepOutputs = (url: string) => ({
                ...runtimeOutputs("dev", url),
                wakeOnRequest: {
                    idleMinutes: 30,
                    wakeAlarm: "durable-code-dev-wake",
                    sleepAlarm: "durable-code-dev-sleep",
                },
            });

            it("up says it is asleep, wakes it with the health check's request, and checks with ECS that the request woke it", async () => {
                const app = new AppServer(0);
                try {
                    pulumi.addStack("base-dev", { vpcId: "vpc-1" }).addStack("runtime-dev");
                    pulumi.deployedOutputs.set("runtime-dev", asleepOutputs(await app.start()));
                    // The wake alarm sets every service to desiredCount once a request has come (runtime/wake.ts).
                    ecs.desiredCount = () => (app.requests.length > 0 ? 1 : 0);
                    assert.equal(
                        await runtime(["up", "--env", "dev"], signal, await Stacks.open(pulumi.asCommand()), log, ecs),
                        0,
                    );
                    assert.ok(
                        lines.includes(
                            'runtime-dev is asleep (wakeOnRequest: every service at 0 tasks); the health check\'s first request wakes it, about three to four minutes (docs/front-doors.md, "Asleep until opened")',
                        ),
                        lines.join("\n"),
                    );
                    assert.ok(
                        lines.some((line) => /^runtime-dev woke on request and answered after \d+ s$/.test(line)),
                        lines.join("\n"),
                    );
                    assert.equal(ecs.calls.filter(([name]) => name === "DescribeServicesCommand").length, 3);
                } finally {
                    await app.stop();
                }
            });

            it("up fails when the application answers while ECS still shows every service asleep: the wake path was not what answered", async () => {
                const app = new AppServer(0);
                try {
                    pulumi.addStack("base-dev", { vpcId: "vpc-1" }).addStack("runtime-dev");
                    const url = await app.start();
                    pulumi.deployedOutputs.set("runtime-dev", asleepOutputs(url));
                    ecs.desiredCount = () => 0;
                    await assert.rejects(
                        runtime(["up", "--env", "dev"], signal, await Stacks.open(pulumi.asCommand()), log, ecs),
                        {
                            message: `runtime-dev answered while ECS shows every service at 0 tasks: something other than its tasks answers ${url}; check the HTTP API's integrations and "npm run status -- --env dev"`,
                        },
                    );
                } finally {
                    await app.stop();
                }
            });

            it("status says asleep or awake, and when it last woke (the newest event in which a service started tasks)", async () => {
                pulumi
                    .addStack("base-dev", { vpcId: "vpc-1" })
                    .addStack("runtime-dev", asleepOutputs("https://dev.example.com"));
                const stacks = await Stacks.open(pulumi.asCommand());
                await stacks.up("runtime-dev", { onOutput: () => undefined, signal });
                ecs.events = (service) => [
                    {
                        id: "3",
                        createdAt: new Date("2026-12-04T09:41:00Z"),
                        message: `(service ${service}) has reached a steady state.`,
                    },
                    {
                        id: "2",
                        createdAt: new Date(
                            service.endsWith("backend") ? "2026-12-04T09:38:12Z" : "2026-12-04T09:38:05Z",
                        ),
                        message: `(service ${service}) has started 1 tasks: (task 0f3c).`,
                    },
                    {
                        id: "1",
                        createdAt: new Date("2026-12-03T16:02:00Z"),
                        message: `(service ${service}) has stopped 1 running tasks: (task 9a1b).`,
                    },
                ];
                ecs.desiredCount = () => 0;
                await status(["--env", "dev", "--json"], signal, stacks, log, {}, () => ecs);
                assert.equal(JSON.parse(lines[0])[1].sleep, "asleep, last woke 2026-12-04T09:38:12.000Z");
                ecs.desiredCount = (service) => (service.endsWith("backend") ? 2 : 1);
                await status(["--env", "dev"], signal, stacks, log, {}, () => ecs);
                const awake = SERVICE_NAMES.map((service) => `${service} ${service === "backend" ? 2 : 1}`).join(", ");
                assert.match(
                    lines[1],
                    new RegExp(`runtime-dev .* awake \\(${awake}\\), last woke 2026-12-04T09:38:12\\.000Z`),
                );
            });
        });

        describe("a deployment ECS rolled back is not healthy (the provider's steady-state wait succeeds on the old version: terraform-provider-aws #19519, #20858)", () => {
            it("up asks ECS for each service's deployments once Pulumi is done, and passes when the primary one runs what was deployed, rollout COMPLETED", async () => {
                const app = new AppServer(0);
                try {
                    pulumi.addStack("base-dev", { vpcId: "vpc-1" }).addStack("runtime-dev");
                    pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", await app.start()));
                    assert.equal(
                        await runtime(["up", "--env", "dev"], signal, await Stacks.open(pulumi.asCommand()), log, ecs),
                        0,
                    );
                    assert.deepEqual(ecs.calls, [
                        [
                            "DescribeServicesCommand",
                            {
                                cluster: "durable-code-dev",
                                services: SERVICE_NAMES.map((service) => `durable-code-dev-${service}`),
                            },
                        ],
                    ]);
                } finally {
                    await app.stop();
                }
            });

            it("up fails when a service was rolled back, naming it and what it runs instead, before any health check", async () => {
                const app = new AppServer(0);
                try {
                    pulumi.addStack("base-dev", { vpcId: "vpc-1" }).addStack("runtime-dev");
                    pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", await app.start(), 8));
                    ecs.rollBack(
                        "durable-code-dev-backend",
                        "backend",
                        taskDefinitionArn("durable-code-dev-backend", 8),
                        taskDefinitionArn("durable-code-dev-backend", 7),
                        "123456789012.dkr.ecr.us-west-2.amazonaws.com/durable-code-dev-backend:v0.2.0",
                    );
                    await assert.rejects(
                        runtime(["up", "--env", "dev"], signal, await Stacks.open(pulumi.asCommand()), log, ecs),
                        {
                            message:
                                "runtime-dev is not running what was deployed, although Pulumi reported success:\n" +
                                "  - backend rolled back: ECS runs durable-code-dev-backend:7 (v0.2.0), not durable-code-dev-backend:8 that up deployed (ECS deployment circuit breaker: tasks failed to start.)\n" +
                                `Read the service's events (aws ecs describe-services --cluster durable-code-dev --services ${SERVICE_NAMES.map((service) => `durable-code-dev-${service}`).join(" ")}) and the log groups in the stack's outputs`,
                        },
                    );
                    assert.deepEqual(app.requests, []);
                    assert.deepEqual(
                        ecs.calls.map(([name]) => name),
                        ["DescribeServicesCommand", "DescribeTaskDefinitionCommand"],
                    );
                } finally {
                    await app.stop();
                }
            });

            it("up fails while the primary deployment of what was deployed has not COMPLETED", async () => {
                pulumi.addStack("base-dev", { vpcId: "vpc-1" }).addStack("runtime-dev");
                pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", "http://127.0.0.1:9"));
                ecs.deployments.set("durable-code-dev-frontend", [
                    {
                        id: "ecs-svc/3",
                        status: "PRIMARY",
                        taskDefinition: taskDefinitionArn("durable-code-dev-frontend", 7),
                        rolloutState: "IN_PROGRESS",
                        rolloutStateReason: "ECS deployment ecs-svc/3 in progress.",
                    },
                ]);
                await assert.rejects(
                    runtime(["up", "--env", "dev"], signal, await Stacks.open(pulumi.asCommand()), log, ecs),
                    {
                        message:
                            /^runtime-dev is not running what was deployed, although Pulumi reported success:\n {2}- frontend: the deployment of durable-code-dev-frontend:7 is IN_PROGRESS, not COMPLETED \(ECS deployment ecs-svc\/3 in progress\.\)\n/,
                    },
                );
            });
        });

        it("down --dry-run previews the destroy and deletes nothing", async () => {
            pulumi.addStack("runtime-dev", { url: "http://x" });
            await runtime(["down", "--env", "dev", "--dry-run"], signal, await Stacks.open(pulumi.asCommand()), log);
            assert.deepEqual(mutations(pulumi), ["destroy --preview-only --stack runtime-dev"]);
            assert.equal(pulumi.stacks.get("runtime-dev")!.resourceCount, 20);
            assert.ok(lines.includes("preview destroy runtime-dev: delete 20"));
        });

        it("up --dry-run previews runtime and deploys nothing", async () => {
            pulumi.addStack("base-dev", { vpcId: "vpc-1" }).addStack("runtime-dev");
            await runtime(["up", "--env", "dev", "--dry-run"], signal, await Stacks.open(pulumi.asCommand()), log, ecs);
            assert.deepEqual(mutations(pulumi), ["preview --stack runtime-dev"]);
        });

        describe("locks, as real lock files in a file:// backend", () => {
            const operationsOn = (stack: string) =>
                pulumi.commandsFor(stack).filter((command) => /^(destroy|cancel|refresh|up)/.test(command));

            it("down --retry-after-cancel clears a lock older than a job can run, naming its holder, refreshes, and destroys", async () => {
                pulumi
                    .addStack("runtime-dev", { url: "http://x" })
                    .lock("runtime-dev", { minutesAgo: 240, username: "runner", hostname: "fv-az1" });
                assert.equal(
                    await runtime(
                        ["down", "--env", "dev", "--retry-after-cancel"],
                        signal,
                        await Stacks.open(pulumi.asCommand()),
                        log,
                    ),
                    0,
                );
                assert.deepEqual(operationsOn("runtime-dev"), [
                    "destroy --yes --skip-preview --stack runtime-dev",
                    "cancel --yes --stack runtime-dev",
                    "refresh --skip-preview --yes --clear-pending-creates --stack runtime-dev",
                    "destroy --yes --skip-preview --stack runtime-dev",
                ]);
                assert.ok(
                    lines.some((line) =>
                        /^runtime-dev is locked by runner@fv-az1 \(pid 4242\) since .* \(240 min ago\), older than 60 min: a killed run left it\./.test(
                            line,
                        ),
                    ),
                );
                assert.deepEqual(pulumi.lockFiles("runtime-dev"), []);
            });

            it("never clears a fresh lock (a laptop's live pulumi up): it says who holds it and stops", async () => {
                pulumi
                    .addStack("runtime-dev", { url: "http://x" })
                    .lock("runtime-dev", { minutesAgo: 12, username: "alice", hostname: "alices-laptop", pid: 777 });
                await assert.rejects(
                    runtime(
                        ["down", "--env", "dev", "--retry-after-cancel"],
                        signal,
                        await Stacks.open(pulumi.asCommand()),
                        log,
                    ),
                    {
                        message:
                            /runtime-dev is locked by alice@alices-laptop \(pid 777\) since .* \(12 min ago\); a lock younger than 60 min may belong to a live run, so it is not cleared/,
                    },
                );
                assert.deepEqual(operationsOn("runtime-dev"), ["destroy --yes --skip-preview --stack runtime-dev"]);
                assert.equal(pulumi.lockFiles("runtime-dev").length, 1);
            });

            it("with several locks, clears only when every one is stale", async () => {
                pulumi
                    .addStack("runtime-dev", { url: "http://x" })
                    .lock("runtime-dev", { minutesAgo: 300 })
                    .lock("runtime-dev", { minutesAgo: 30, username: "bob" });
                await assert.rejects(
                    runtime(
                        ["down", "--env", "dev", "--retry-after-cancel"],
                        signal,
                        await Stacks.open(pulumi.asCommand()),
                        log,
                    ),
                    { message: /bob@/ },
                );
                assert.equal(pulumi.lockFiles("runtime-dev").length, 2);
                assert.equal(
                    await runtime(
                        ["down", "--env", "dev", "--retry-after-cancel", "--stale-lock-minutes", "20"],
                        signal,
                        await Stacks.open(pulumi.asCommand()),
                        log,
                    ),
                    0,
                );
                assert.deepEqual(pulumi.lockFiles("runtime-dev"), []);
            });

            it("the morning startup gets the same handling", async () => {
                const app = new AppServer(0);
                try {
                    pulumi
                        .addStack("base-dev", { vpcId: "vpc-1" })
                        .addStack("runtime-dev")
                        .lock("runtime-dev", { minutesAgo: 600 });
                    pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", await app.start()));
                    assert.equal(
                        await runtime(
                            ["up", "--env", "dev", "--retry-after-cancel"],
                            signal,
                            await Stacks.open(pulumi.asCommand()),
                            log,
                            ecs,
                        ),
                        0,
                    );
                    assert.deepEqual(operationsOn("runtime-dev"), [
                        "up --yes --skip-preview --stack runtime-dev",
                        "cancel --yes --stack runtime-dev",
                        "refresh --skip-preview --yes --clear-pending-creates --stack runtime-dev",
                        "up --yes --skip-preview --stack runtime-dev",
                    ]);
                } finally {
                    await app.stop();
                }
            });

            it("retries only a lock: any other failure is reported at once, with no cancel", async () => {
                pulumi
                    .addStack("runtime-dev", { url: "http://x" })
                    .failNext("destroy", "runtime-dev", "error: deleting NAT Gateway: DependencyViolation");
                await assert.rejects(
                    runtime(
                        ["down", "--env", "dev", "--retry-after-cancel"],
                        signal,
                        await Stacks.open(pulumi.asCommand()),
                        log,
                    ),
                    {
                        message:
                            /^destroy runtime-dev failed, runtime may still be running and costing money:\ndestroy runtime-dev failed:\n[\s\S]*DependencyViolation/,
                    },
                );
                assert.deepEqual(operationsOn("runtime-dev"), ["destroy --yes --skip-preview --stack runtime-dev"]);
            });

            it("npm run status shows who holds a lock and since when", async () => {
                pulumi
                    .addStack("runtime-staging", { url: "http://x" })
                    .lock("runtime-staging", { minutesAgo: 3, username: "carol", hostname: "ci-7" });
                await status(["--env", "staging", "--json"], signal, await Stacks.open(pulumi.asCommand()), log);
                const [, runtimeStatus] = JSON.parse(lines[0]);
                assert.equal(runtimeStatus.locked, true);
                assert.match(
                    runtimeStatus.lockedBy[0],
                    /^carol@ci-7 \(pid 4242\) since \d{4}-\d\d-\d\dT.* \(3 min ago\)$/,
                );
            });
        });

        it("--on-demand deploys with a copy of the stack file that says spot: false, leaving the committed file alone", async () => {
            const app = new AppServer(0);
            try {
                pulumi.addStack("base-dev", { vpcId: "vpc-1" }).addStack("runtime-dev");
                pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", await app.start()));
                let copy = "";
                pulumi.afterCommand = (args) => {
                    const index = args.indexOf("--config-file");
                    if (args[0] === "up" && index >= 0) copy = readFileSync(args[index + 1], "utf8");
                };
                const committed = readFileSync(join(PROJECT_DIR, "Pulumi.runtime-dev.yaml"), "utf8");
                assert.equal(
                    await runtime(
                        ["up", "--env", "dev", "--on-demand"],
                        signal,
                        await Stacks.open(pulumi.asCommand()),
                        log,
                        ecs,
                    ),
                    0,
                );
                assert.match(copy, /durable-code:spot: false/);
                assert.equal(readFileSync(join(PROJECT_DIR, "Pulumi.runtime-dev.yaml"), "utf8"), committed);
            } finally {
                await app.stop();
            }
        });

        it("--on-demand-fallback deploys again on demand when the services do not become healthy on Spot in time", async () => {
            const app = new AppServer(0);
            try {
                pulumi.addStack("base-dev", { vpcId: "vpc-1" }).addStack("runtime-dev");
                const healthyUrl = await app.start();
                pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", "http://127.0.0.1:9"));
                pulumi.afterCommand = (args) => {
                    if (args[0] === "up") pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", healthyUrl));
                };
                const dir = mkdtempSync(join(tmpdir(), "summary-"));
                process.env.GITHUB_STEP_SUMMARY = join(dir, "summary.md");
                try {
                    assert.equal(
                        await runtime(
                            ["up", "--env", "dev", "--on-demand-fallback", "--health-timeout", "0.5"],
                            signal,
                            await Stacks.open(pulumi.asCommand()),
                            log,
                            ecs,
                        ),
                        0,
                    );
                    assert.match(readFileSync(join(dir, "summary.md"), "utf8"), /deploying again on demand for today/);
                } finally {
                    delete process.env.GITHUB_STEP_SUMMARY;
                    rmSync(dir, { recursive: true, force: true });
                }
                const ups = pulumi.commandsFor("runtime-dev").filter((command) => command.startsWith("up "));
                assert.equal(ups.length, 2);
                assert.match(ups[1], /--config-file \S+Pulumi\.runtime-dev\.yaml/);
                assert.ok(
                    lines.some((line) =>
                        /did not become healthy on Fargate Spot within 1 s .*deploying again on demand/.test(line),
                    ),
                );
            } finally {
                await app.stop();
            }
        });

        it("--timeout beyond what a Node timer holds is refused, not turned into an instant cancel", async () => {
            await assert.rejects(
                runtime(
                    ["down", "--env", "dev", "--timeout", "35792"],
                    signal,
                    await Stacks.open(pulumi.asCommand()),
                    log,
                ),
                {
                    message: /^--timeout must be at most 35791 minutes \(got 35792\)/,
                    exitCode: 2,
                } as object,
            );
        });

        it("writes a job summary in GitHub Actions: what ran, how long, the URL, the result", async () => {
            const dir = mkdtempSync(join(tmpdir(), "summary-"));
            const file = join(dir, "summary.md");
            process.env.GITHUB_STEP_SUMMARY = file;
            let markdown: string;
            try {
                pulumi
                    .addStack("runtime-dev", { url: "http://x" })
                    .failNext("destroy", "runtime-dev", "error: AccessDenied");
                await assert.rejects(
                    runtime(["down", "--env", "dev"], signal, await Stacks.open(pulumi.asCommand()), log),
                );
                markdown = readFileSync(file, "utf8");
            } finally {
                delete process.env.GITHUB_STEP_SUMMARY;
                rmSync(dir, { recursive: true, force: true });
            }
            assert.match(markdown, /^### teardown of runtime-dev\n/);
            assert.match(markdown, /\| result \| ❌ failed \|/);
            assert.match(markdown, /\| duration \| \d+ ms \|/);
            assert.match(markdown, /AccessDenied/);
        });

        describe("each command takes its own flags only, and refuses one that cannot apply before anything runs", () => {
            const refusals: ReadonlyArray<readonly [string, string]> = [
                [
                    "down --env dev --on-demand",
                    `--on-demand is not a flag of this command (--help lists its flags)\nusage: npm run down -- --env <${ENV_VALUE}> [flags]`,
                ],
                [
                    "down --env dev --health-timeout 30",
                    `--health-timeout is not a flag of this command (--help lists its flags)\nusage: npm run down -- --env <${ENV_VALUE}> [flags]`,
                ],
                [
                    "up --env prod --confirm runtime-prod",
                    `--confirm is not a flag of this command (--help lists its flags)\nusage: npm run up -- --env <${ENV_VALUE}> [flags]`,
                ],
                [
                    "up --env dev --on-demand --on-demand-fallback",
                    `--on-demand and --on-demand-fallback cannot be used together: --on-demand runs on demand from the start, so there is no Spot run to fall back from\nusage: npm run up -- --env <${ENV_VALUE}> [flags]`,
                ],
                [
                    "down --env dev --confirm runtime-prod",
                    "--confirm runtime-prod is for production-like environments (prod), and this run is for runtime-dev, which needs no confirmation; leave --confirm out",
                ],
                [
                    "down --env dev --dry-run --confirm runtime-prod",
                    "--confirm runtime-prod is for production-like environments (prod), and this run is for runtime-dev, which needs no confirmation; leave --confirm out",
                ],
                [
                    "down --env dev --retry-after-cancel --stale-lock-minutes -5",
                    '--stale-lock-minutes must be a positive number (got "-5")',
                ],
                ["up --env dev --health-timeout -30", '--health-timeout must be a positive number (got "-30")'],
                ["down --env dev --timeout -1", '--timeout must be a positive number of minutes (got "-1")'],
            ];
            for (const [line, message] of refusals) {
                it(`npm run ${line.replace(" ", " -- ")}`, async () => {
                    pulumi
                        .addStack("base-dev", { vpcId: "vpc-1" })
                        .addStack("runtime-dev")
                        .addStack("base-prod", { vpcId: "vpc-2" })
                        .addStack("runtime-prod");
                    await assert.rejects(runtime(line.split(" "), signal, await Stacks.open(pulumi.asCommand()), log), {
                        message,
                        exitCode: 2,
                    } as object);
                    // Only the test's own Stacks.open asked the CLI anything.
                    assert.deepEqual(pulumi.commandsFor(), ["whoami --json"]);
                });
            }
        });

        it("up refuses when the environment has no base", async () => {
            await assert.rejects(
                runtime(["up", "--env", "undeclared"], signal, await Stacks.open(pulumi.asCommand()), log, ecs),
                { exitCode: 2 } as object,
            );
            await assert.rejects(
                runtime(["up", "--env", "staging"], signal, await Stacks.open(pulumi.asCommand()), log, ecs),
                {
                    message:
                        'runtime-staging: no base stack "base-staging" with resources in this backend; run "pulumi up -s base-staging" first (or set discovery: tags in Pulumi.runtime-staging.yaml)',
                },
            );
            assert.deepEqual(mutations(pulumi), []);
        });
    });

    describe("npm run destroy-base", () => {
        let ecr: FakeEcr;
        beforeEach(() => (ecr = new FakeEcr()));
        const destroy = async (argv: string[]) =>
            destroyBase(argv, signal, await Stacks.open(pulumi.asCommand()), log, ecr);

        it("requires the stack name typed back", async () => {
            pulumi.addStack("base-dev", { vpcId: "vpc-1" });
            await assert.rejects(destroy(["--env", "dev", "--confirm", "yes"]), {
                message:
                    "destroying base-dev deletes the network, repositories, log groups and DNS of dev; confirm with --confirm base-dev",
            });
            assert.deepEqual(mutations(pulumi), []);
        });

        it("refuses --unprotect outside prod, where nothing is protected", async () => {
            pulumi.addStack("base-dev", { vpcId: "vpc-1" });
            await assert.rejects(destroy(["--env", "dev", "--confirm", "base-dev", "--unprotect"]), {
                message:
                    "--unprotect removes the protection of a production-like environment; base-dev protects nothing, so leave --unprotect out",
                exitCode: 2,
            } as object);
            assert.deepEqual(pulumi.commandsFor(), ["whoami --json"]);
        });

        it("refuses while runtime still has resources", async () => {
            pulumi.addStack("base-dev", { vpcId: "vpc-1" }).addStack("runtime-dev", { url: "http://x" });
            await assert.rejects(destroy(["--env", "dev", "--confirm", "base-dev"]), {
                message: 'runtime-dev still has 20 resources that use base-dev; run "npm run down -- --env dev" first',
            });
            assert.deepEqual(mutations(pulumi), []);
        });

        it("previews, then destroys base once runtime is down", async () => {
            pulumi.addStack("base-dev", { vpcId: "vpc-1" }).addStack("runtime-dev");
            assert.equal(await destroy(["--env", "dev", "--confirm", "base-dev"]), 0);
            assert.deepEqual(mutations(pulumi), [
                "destroy --preview-only --exclude-protected --stack base-dev",
                "destroy --yes --skip-preview --stack base-dev",
            ]);
        });

        it("stops with a clear message when a repository still holds images, and changes nothing", async () => {
            pulumi.addStack("base-dev", { vpcId: "vpc-1" });
            ecr.holds("durable-code-dev-backend", 3);
            await assert.rejects(destroy(["--env", "dev", "--confirm", "base-dev"]), {
                message:
                    "durable-code-dev-backend holds 3 images; a destroy never deletes images. Delete those you no longer need, or add --force-delete-images to delete them all. Nothing was changed",
            });
            assert.deepEqual(mutations(pulumi), ["destroy --preview-only --exclude-protected --stack base-dev"]);
        });

        it("--force-delete-images deletes them first", async () => {
            pulumi.addStack("base-dev", { vpcId: "vpc-1" });
            ecr.holds("durable-code-dev-backend", 3);
            assert.equal(await destroy(["--env", "dev", "--confirm", "base-dev", "--force-delete-images"]), 0);
            assert.deepEqual(
                ecr.calls
                    .filter(([name]) => name === "BatchDeleteImageCommand")
                    .map(([, input]) => [input.repositoryName, input.imageIds.length]),
                [["durable-code-dev-backend", 3]],
            );
            assert.equal(ecr.left("durable-code-dev-backend"), 0);
        });

        it("counts and deletes every page of images, 100 at a time", async () => {
            pulumi.addStack("base-dev", { vpcId: "vpc-1" });
            ecr.holds("durable-code-dev-frontend", 250);
            await assert.rejects(destroy(["--env", "dev", "--confirm", "base-dev"]), {
                message: /^durable-code-dev-frontend holds 250 images;/,
            });
            assert.equal(await destroy(["--env", "dev", "--confirm", "base-dev", "--force-delete-images"]), 0);
            assert.deepEqual(
                ecr.calls
                    .filter(([name]) => name === "BatchDeleteImageCommand")
                    .map(([, input]) => input.imageIds.length),
                [100, 100, 50],
            );
            assert.equal(ecr.left("durable-code-dev-frontend"), 0);
            assert.ok(lines.includes("deleted 250 images of durable-code-dev-frontend"));
        });

        it("--force-delete-images stops, destroying nothing, when ECR reports images it did not delete (BatchDeleteImage's failures); one already gone is fine", async () => {
            pulumi.addStack("base-dev", { vpcId: "vpc-1" });
            ecr.holds("durable-code-dev-backend", 3);
            ecr.failures["durable-code-dev-backend"] = [
                {
                    imageId: { imageDigest: "sha256:1", imageTag: "v1" },
                    failureCode: "ImageReferencedByManifestList",
                    failureReason: "Requested image referenced by manifest list: [sha256:9f2e]",
                },
                {
                    imageId: { imageDigest: "sha256:2", imageTag: "v2" },
                    failureCode: "ImageNotFound",
                    failureReason: "Requested image not found",
                },
            ];
            await assert.rejects(destroy(["--env", "dev", "--confirm", "base-dev", "--force-delete-images"]), {
                message:
                    "ECR did not delete 1 of the 3 images of durable-code-dev-backend: v1 ImageReferencedByManifestList (Requested image referenced by manifest list: [sha256:9f2e]). " +
                    "Nothing was destroyed; delete them by hand (aws ecr batch-delete-image), or fix the cause, and run again",
            });
            assert.deepEqual(mutations(pulumi), ["destroy --preview-only --exclude-protected --stack base-dev"]);
        });

        it("in prod demands --unprotect, then checks everything before unprotecting all in one state write, then destroys", async () => {
            pulumi.addStack("base-prod", { vpcId: "vpc-1" });
            await assert.rejects(destroy(["--env", "prod", "--confirm", "base-prod"]), {
                message:
                    "base-prod protects its repositories, zone and log bucket; add --unprotect to remove the protection and destroy them",
            });
            assert.deepEqual(mutations(pulumi), []);
            assert.equal(await destroy(["--env", "prod", "--confirm", "base-prod", "--unprotect"]), 0);
            assert.deepEqual(
                pulumi
                    .commandsFor("base-prod")
                    .filter((command) => /^(destroy|state|stack export|stack import)/.test(command)),
                [
                    "destroy --preview-only --exclude-protected --stack base-prod",
                    "state unprotect --all --yes --stack base-prod",
                    "destroy --yes --skip-preview --stack base-prod",
                ],
            );
        });

        it("in prod, a repository with images stops it before anything is unprotected", async () => {
            pulumi.addStack("base-prod", { vpcId: "vpc-1" });
            ecr.holds("durable-code-prod-frontend", 1);
            await assert.rejects(destroy(["--env", "prod", "--confirm", "base-prod", "--unprotect"]), {
                message: /holds 1 images/,
            });
            assert.ok(!pulumi.commandsFor("base-prod").some((command) => command.startsWith("state unprotect")));
        });
    });
});
