import { strict as assert } from "assert";
import { utimesSync } from "node:fs";
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import { join } from "node:path";
import { main as review } from "../../commands/review";
import { Stacks } from "../../stacks/automation";
import { SERVICE_NAMES } from "../../shared/services";
import { FakeEcr } from "../fakes/ecr";
import { FakePulumi } from "../fakes/fake-pulumi";

/** Every command the stand-in CLI ran that changes a stack or the backend. */
const MUTATING = /^(up|destroy|refresh|stack rm|stack init|cancel|state)\b/;

describe("npm run review", () => {
    let pulumi: FakePulumi;
    let ecr: FakeEcr;
    let lines: string[];
    const run = async (...argv: string[]) =>
        review(argv, new AbortController().signal, {
            stacks: await Stacks.open(pulumi.asCommand()),
            ecr,
            log: (line) => lines.push(line),
        });
    const devRuntimeCommands = () => pulumi.commandsFor("runtime-dev").filter((command) => MUTATING.test(command));
    const stacksInBackend = () => [...pulumi.stacks.keys()].sort();

    beforeEach(() => {
        pulumi = new FakePulumi()
            .addStack("base-dev", {
                repositories: Object.fromEntries(
                    SERVICE_NAMES.map((service) => [service, { name: `durable-code-dev-${service}` }]),
                ),
            })
            .addStack("runtime-dev", { url: "https://dev.example.com" });
        for (const pr of [12, 13, 14, 15, 16, 17])
            pulumi.deployedOutputs.set(`runtime-dev-pr-${pr}`, { url: `https://pr-${pr}.dev.example.com` });
        const tags = ["v0.1.0", "pr-13-abc"];
        ecr = new FakeEcr();
        for (const service of SERVICE_NAMES) ecr.holds(`durable-code-dev-${service}`, tags);
        lines = [];
    });

    /** Every declared service at one tag, as the command lists them: "frontend v1, backend v1". */
    const running = (tag: string) => SERVICE_NAMES.map((service) => `${service} ${tag}`).join(", ");

    it("brings two reviews up beside dev's runtime, each its own stack with its own config file, and prints each URL", async () => {
        assert.equal(await run("--pr", "12"), 0);
        assert.equal(await run("--pr", "13", "--tag", "pr-13-abc"), 0);
        assert.deepEqual(stacksInBackend(), ["base-dev", "runtime-dev", "runtime-dev-pr-12", "runtime-dev-pr-13"]);
        for (const pr of [12, 13]) {
            const up = pulumi.commandsFor(`runtime-dev-pr-${pr}`).find((command) => command.startsWith("up"));
            assert.match(up!, new RegExp(`--config-file \\S+/Pulumi\\.runtime-dev-pr-${pr}\\.yaml`));
        }
        assert.deepEqual(devRuntimeCommands(), []);
        assert.match(lines.at(-1)!, /^a review costs \$\d+\.\d{4} an hour while awake and about \$\d+\.\d\d a day/);
        assert.deepEqual(
            lines.filter((line) => line.startsWith("runtime-dev-pr-")),
            [
                `runtime-dev-pr-12 is up, running ${running("v0.1.0")}: https://pr-12.dev.example.com`,
                `runtime-dev-pr-13 is up, running ${running("pr-13-abc")}: https://pr-13.dev.example.com`,
            ],
        );
    });

    it("checks the images in base-dev's repositories first, as a release does: a missing tag deploys nothing", async () => {
        await assert.rejects(run("--pr", "12", "--tag", "v9.9.9"), {
            message:
                "image durable-code-dev-frontend:v9.9.9 is not in ECR; push it first (the application's build, with base's imagePublisherRoleArn), then release again. Nothing was changed",
        });
        assert.deepEqual(ecr.described(), [{ repositoryName: "durable-code-dev-frontend", imageTag: "v9.9.9" }]);
        assert.deepEqual(pulumi.commandsFor("runtime-dev-pr-12"), []);
    });

    it("runs dev's recorded release without --tag, and checks it too", async () => {
        await run("--pr", "12");
        assert.deepEqual(
            ecr.described(),
            SERVICE_NAMES.map((service) => ({ repositoryName: `durable-code-dev-${service}`, imageTag: "v0.1.0" })),
        );
    });

    it("--down destroys the review and removes its stack with its backups and history, leaving dev's runtime alone", async () => {
        await run("--pr", "12");
        await run("--pr", "13");
        await run("--pr", "12");
        assert.notDeepEqual(pulumi.objectsOf("runtime-dev-pr-12"), []);
        assert.equal(await run("--pr", "12", "--down"), 0);
        assert.deepEqual(
            pulumi.commandsFor("runtime-dev-pr-12").filter((command) => /^(destroy|stack rm)/.test(command)),
            [
                pulumi.commandsFor("runtime-dev-pr-12").find((command) => command.startsWith("destroy"))!,
                "stack rm --yes --remove-backups --stack runtime-dev-pr-12",
            ],
        );
        assert.match(
            pulumi.commandsFor("runtime-dev-pr-12").find((command) => command.startsWith("destroy"))!,
            /--config-file \S+\/Pulumi\.runtime-dev-pr-12\.yaml/,
        );
        assert.deepEqual(pulumi.objectsOf("runtime-dev-pr-12"), []);
        assert.deepEqual(stacksInBackend(), ["base-dev", "runtime-dev", "runtime-dev-pr-13"]);
        assert.deepEqual(devRuntimeCommands(), []);
        assert.equal(lines.at(-1), "runtime-dev-pr-12 destroyed and removed, with its backups");
    });

    it("--down of a pull request without a review runs nothing", async () => {
        assert.equal(await run("--pr", "12", "--down"), 0);
        assert.deepEqual(pulumi.commandsFor("runtime-dev-pr-12"), []);
        assert.equal(lines.at(-1), "no review of pull request 12: nothing to remove");
    });

    it("refuses one review more than the limit, naming those that run; updating a running one is no more", async () => {
        for (const pr of [12, 13, 14, 15, 16]) await run("--pr", String(pr));
        await assert.rejects(run("--pr", "17"), {
            message:
                '5 reviews are running (pr-12, pr-13, pr-14, pr-15, pr-16), at most 5 at once; pr-17 was not started. Close one ("npm run review -- --pr <N> --down"), or raise the limit with --max-reviews',
        });
        assert.deepEqual(pulumi.commandsFor("runtime-dev-pr-17"), []);
        assert.equal(await run("--pr", "14"), 0);
        assert.equal(await run("--pr", "17", "--max-reviews", "6"), 0);
    });

    const malformed: Array<[string[], string]> = [
        [["--pr", "0"], '--pr "0" is not a pull request number (1 to 9999999, digits only)'],
        [["--pr", "12abc"], '--pr "12abc" is not a pull request number (1 to 9999999, digits only)'],
        [["--pr", "-3"], '--pr "-3" is not a pull request number (1 to 9999999, digits only)'],
        [["--pr", "1e3"], '--pr "1e3" is not a pull request number (1 to 9999999, digits only)'],
        [["--pr", "12;rm"], '--pr "12;rm" is not a pull request number (1 to 9999999, digits only)'],
        [[], "--pr is required: the pull request's number (or --sweep)"],
        [
            ["--sweep", "--pr", "12"],
            "--pr and --sweep cannot be used together: the sweep finds the reviews in the backend",
        ],
        [["--pr", "12", "--ttl-days", "2"], "--ttl-days is read only with --sweep; leave it out"],
        [
            ["--pr", "12", "--tag", ".bad"],
            '--tag ".bad" is not a Docker image tag (up to 128 letters, digits, _ . -, not starting with . or -)',
        ],
    ];
    for (const [argv, message] of malformed) {
        it(`refuses ${argv.join(" ") || "no --pr"} with exit 2 before any Pulumi call`, async () => {
            await assert.rejects(
                review(argv, new AbortController().signal, {
                    stacks: await Stacks.open(pulumi.asCommand()),
                    ecr,
                    log: (line) => lines.push(line),
                }),
                (error: Error & { exitCode?: number }) => {
                    assert.equal(error.exitCode, 2);
                    assert.equal(error.message.split("\nusage:")[0], message);
                    return true;
                },
            );
            assert.deepEqual(
                pulumi.commandsFor().filter((command) => command !== "whoami --json"),
                [],
            );
            assert.deepEqual(ecr.calls, []);
        });
    }

    describe("--sweep", () => {
        /**
         * GitHub's REST API as "Get a repository" and "Get a pull request" answer them: the repository
         * acme/infra, a pull request's state, or 404 for a repository or pull request it does not know.
         */
        let github: Server;
        let requests: IncomingMessage[];
        const states: Record<string, string> = { "12": "closed", "13": "open", "14": "open" };
        let env: NodeJS.ProcessEnv;
        const now = new Date();
        before(async () => {
            github = createServer((request, response) => {
                requests.push(request);
                if (request.url === "/repos/acme/infra") {
                    response.writeHead(200, { "content-type": "application/json" });
                    response.end(JSON.stringify({ full_name: "acme/infra" }));
                    return;
                }
                const match = /^\/repos\/acme\/infra\/pulls\/(\d+)$/.exec(request.url ?? "");
                const state = match ? states[match[1]] : undefined;
                response.writeHead(state ? 200 : 404, { "content-type": "application/json" });
                response.end(JSON.stringify(state ? { number: Number(match![1]), state } : { message: "Not Found" }));
            });
            await new Promise<void>((resolve) => github.listen(0, "127.0.0.1", resolve));
        });
        after(() => new Promise<void>((resolve) => github.close(() => resolve())));
        beforeEach(() => {
            requests = [];
            env = {
                GITHUB_API_URL: `http://127.0.0.1:${(github.address() as AddressInfo).port}`,
                GITHUB_REPOSITORY: "acme/infra",
                GITHUB_TOKEN: "ghs_test",
            };
        });
        const sweep = async (...argv: string[]) =>
            review(["--sweep", ...argv], new AbortController().signal, {
                stacks: await Stacks.open(pulumi.asCommand()),
                ecr,
                log: (line) => lines.push(line),
                env,
                now,
            });
        /** The review's stack object was last written `days` ago. */
        const lastUpdated = (pr: number, days: number) => {
            const when = new Date(now.getTime() - days * 86_400_000);
            utimesSync(join(pulumi.backendDir, pulumi.objectsOf(`runtime-dev-pr-${pr}`)[0]), when, when);
        };

        it("removes the reviews of closed and unknown pull requests and those past the TTL, and leaves the rest and dev's runtime", async () => {
            for (const pr of [12, 13, 14, 15]) await run("--pr", String(pr));
            lastUpdated(13, 2.9);
            lastUpdated(14, 3.1);
            assert.equal(await sweep(), 0);
            assert.deepEqual(stacksInBackend(), ["base-dev", "runtime-dev", "runtime-dev-pr-13"]);
            for (const pr of [12, 14, 15]) assert.deepEqual(pulumi.objectsOf(`runtime-dev-pr-${pr}`), []);
            assert.deepEqual(devRuntimeCommands(), []);
            assert.deepEqual(
                requests.map((request) => [request.method, request.url, request.headers.authorization]),
                [
                    ["GET", "/repos/acme/infra", "Bearer ghs_test"],
                    ...[12, 13, 14, 15].map((pr) => ["GET", `/repos/acme/infra/pulls/${pr}`, "Bearer ghs_test"]),
                ],
            );
            assert.deepEqual(
                lines.filter((line) => /^(pr-|sweep)/.test(line)),
                [
                    "pr-12: pull request closed; removing runtime-dev-pr-12",
                    "pr-14: not updated for 3 days (TTL 3); removing runtime-dev-pr-14",
                    "pr-15: no such pull request; removing runtime-dev-pr-15",
                    "sweep: removed runtime-dev-pr-12, runtime-dev-pr-14, runtime-dev-pr-15",
                ],
            );
        });

        it("leaves a review whose lock a live run holds to the next sweep, and still tries one a killed run's stale lock blocks, naming it", async () => {
            // The sweep shares no concurrency group with a pull request's runs: a push's up or a close's
            // --down may hold the review's lock (pulumi/pulumi pkg/backend/diy/backend.go: update, destroy
            // and RemoveStack each take the stack's lock and fail while another is held).
            for (const pr of [12, 15]) await run("--pr", String(pr));
            pulumi.lock("runtime-dev-pr-12", { minutesAgo: 5, username: "runner", hostname: "fv-az1", pid: 7 });
            pulumi.lock("runtime-dev-pr-15", { minutesAgo: 24 * 60 });
            await assert.rejects(sweep(), (error: Error) => {
                assert.match(
                    error.message,
                    /^the sweep removed 0 review\(s\) but could not remove 1:\nruntime-dev-pr-15: runtime-dev-pr-15 is locked by another update\. /,
                );
                return true;
            });
            assert.deepEqual(stacksInBackend(), ["base-dev", "runtime-dev", "runtime-dev-pr-12", "runtime-dev-pr-15"]);
            assert.deepEqual(
                pulumi.commandsFor("runtime-dev-pr-12").filter((command) => /^(destroy|stack rm)/.test(command)),
                [],
            );
            assert.match(
                lines.find((line) => line.startsWith("pr-12:"))!,
                /^pr-12: pull request closed, but runtime-dev-pr-12 is locked by runner@fv-az1 \(pid 7\) since \S+ \(5 min ago\), a run under way; left for the next sweep$/,
            );
            assert.ok(lines.includes("pr-15: no such pull request; removing runtime-dev-pr-15"));
        });

        it("removes nothing when GitHub does not know the repository, where every pull request would answer 404", async () => {
            for (const pr of [12, 13]) await run("--pr", String(pr));
            env.GITHUB_REPOSITORY = "acme/infrs";
            await assert.rejects(sweep(), (error: Error) => {
                assert.match(
                    error.message,
                    /^GitHub knows no repository acme\/infrs at http:\/\/127\.0\.0\.1:\d+ \(404 to GET .*\/repos\/acme\/infrs\), or the token cannot see it; nothing was removed: set GITHUB_REPOSITORY/,
                );
                return true;
            });
            assert.deepEqual(stacksInBackend(), ["base-dev", "runtime-dev", "runtime-dev-pr-12", "runtime-dev-pr-13"]);
            assert.deepEqual(
                requests.map((request) => request.url),
                ["/repos/acme/infrs"],
            );
        });

        it("--ttl-days shortens the TTL", async () => {
            await run("--pr", "13");
            lastUpdated(13, 1.5);
            await sweep("--ttl-days", "1");
            assert.deepEqual(stacksInBackend(), ["base-dev", "runtime-dev"]);
        });

        it("finds the reviews in the backend's stack objects, never with pulumi stack ls", async () => {
            await run("--pr", "13");
            const before = pulumi.commandsFor().length;
            await sweep();
            assert.deepEqual(
                pulumi
                    .commandsFor()
                    .slice(before)
                    .filter((command) => command.startsWith("stack ls")),
                [],
            );
            assert.equal(lines.at(-1), "sweep: no review to remove");
        });

        it("without GITHUB_TOKEN stops with exit 2, naming how a workflow passes it, before any Pulumi call", async () => {
            delete env.GITHUB_TOKEN;
            await assert.rejects(sweep(), (error: Error & { exitCode?: number }) => {
                assert.equal(error.exitCode, 2);
                assert.match(
                    error.message,
                    /needs GITHUB_TOKEN: a workflow passes them as env: \{ GITHUB_TOKEN: "\$\{\{ github.token \}\}" \}/,
                );
                return true;
            });
            assert.deepEqual(
                pulumi.commandsFor().filter((command) => command !== "whoami --json"),
                [],
            );
        });
    });
});
