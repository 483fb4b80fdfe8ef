import { strict as assert } from "assert";
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { parse } from "yaml";

const ROOT = join(__dirname, "..", "..");
const STAND_IN = join(__dirname, "..", "fakes", "pulumi-cli");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The script of a workflow's step that runs commands/up.ts or commands/down.ts, as written in the YAML. */
const stepScript = (file: string): string => {
    const jobs = Object.values<any>(parse(readFileSync(join(ROOT, ".github", "workflows", file), "utf8")).jobs);
    return jobs.flatMap((job) => job.steps).find((step: any) => /commands\/(up|down)\.ts /.test(step.run ?? "")).run;
};

interface Run {
    readonly dir: string;
    readonly child: ChildProcess;
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    /** What the stand-in pulumi logged: its argv, the signals it got, its lock. */
    readonly logged: () => string[];
    /** The lock objects left in the stand-in's file:// backend. */
    readonly locks: () => string[];
}

/** Starts a process group with the stand-in `pulumi` first on the PATH and its backend in a temp dir. */
function start(command: string, args: string[], env: Record<string, string> = {}): Run {
    const dir = mkdtempSync(join(tmpdir(), "durable-code-signals-"));
    const logFile = join(dir, "pulumi.log");
    const child = spawn(command, args, {
        cwd: ROOT,
        detached: true,
        stdio: "ignore",
        env: {
            ...process.env,
            PATH: `${STAND_IN}${delimiter}${process.env.PATH}`,
            FAKE_PULUMI_LOG: logFile,
            FAKE_PULUMI_BACKEND: `file://${dir}`,
            PULUMI_SECRETS_PROVIDER: "",
            GITHUB_ACTIONS: "",
            ...env,
        },
    });
    const lockDir = join(dir, ".pulumi", "locks", "organization", "durable-code", "runtime-dev");
    return {
        dir,
        child,
        exited: new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal }))),
        logged: () => (existsSync(logFile) ? readFileSync(logFile, "utf8").trim().split("\n") : []),
        locks: () => (existsSync(lockDir) ? readdirSync(lockDir) : []),
    };
}

/**
 * Waits until the stand-in logs `line`, however long a busy machine takes to start node (mocha's
 * timeout stops a run that never gets there). `whileRunning`: the command must not exit first.
 */
async function until(run: Run, line: string, whileRunning = true): Promise<void> {
    while (!run.logged().includes(line)) {
        if (whileRunning && (run.child.exitCode !== null || run.child.signalCode !== null))
            throw new Error(`exited before logging "${line}": ${run.logged().join(" | ")}`);
        await sleep(50);
    }
}

/**
 * GitHub's cancel and `timeout-minutes`, as actions/runner does it (src/Runner.Sdk/ProcessInvoker.cs,
 * CancelAndKillProcessTree, SendSignal and NixKillProcessTree): SIGINT to the step's process id
 * (kill(pid), not its group), up to 7.5 s for it to exit, then SIGTERM, up to 2.5 s, then a kill of
 * that process alone. `scale` shortens both waits; it returns the signals it had to send.
 */
async function cancelAsTheRunnerDoes(run: Run, scale = 1): Promise<string[]> {
    const sent: string[] = [];
    const exitsWithin = async (ms: number) => {
        let timer: NodeJS.Timeout | undefined;
        const waited = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
        try {
            return await Promise.race([run.exited.then(() => true), waited]);
        } finally {
            clearTimeout(timer);
        }
    };
    for (const [signal, ms] of [
        ["SIGINT", 7500],
        ["SIGTERM", 2500],
    ] as const) {
        process.kill(run.child.pid!, signal);
        sent.push(signal);
        if (await exitsWithin(ms * scale)) return sent;
    }
    process.kill(run.child.pid!, "SIGKILL");
    sent.push("SIGKILL");
    await run.exited;
    return sent;
}

/**
 * A workflow step as the runner starts it: its `run:` script, read from the YAML, in a file run by
 * `bash -e {file}` (GitHub's default shell on Linux, docs "jobs.<job_id>.steps[*].shell"), with
 * GITHUB_ACTIONS=true, which the runner sets for every step (ProcessInvoker.cs), and the step's env.
 */
function startStep(file: string, env: Record<string, string> = {}): Run {
    const script = join(mkdtempSync(join(tmpdir(), "durable-code-step-")), "step.sh");
    writeFileSync(script, stepScript(file));
    const run = start("bash", ["-e", script], {
        GITHUB_ACTIONS: "true",
        ENVIRONMENT: "dev",
        CATCH_UP: "",
        DRY_RUN: "",
        ...env,
    });
    run.exited.then(() => rmSync(join(script, ".."), { recursive: true, force: true }));
    return run;
}

/** `npm run down -- --env dev` in a terminal: node, in a process group of its own, with pulumi as its child. */
const startTerminalTeardown = (env: Record<string, string> = {}) =>
    start(process.execPath, ["-r", "./cli/register.cjs", "commands/down.ts", "--env", "dev"], env);

/**
 * The ops commands as real processes, with a stand-in `pulumi` executable on the PATH that takes and
 * releases a real lock object, signalled the way a terminal and GitHub Actions signal them:
 * - Ctrl-C in a terminal goes to the whole foreground process group, so node and its `pulumi` child
 *   both get SIGINT; the CLI cancels on the first SIGINT and terminates at once on a second.
 * - GitHub's cancel reaches the step's process alone (see cancelAsTheRunnerDoes); node then sends
 *   pulumi one SIGINT (execa's kill("SIGINT") on the abort signal, @pulumi/pulumi automation/cmd.js).
 * Every scenario runs at once in `before`; each `it` checks one.
 */
describe("cancellation, with real processes and real signals", () => {
    const runs: Run[] = [];
    const outcomes: Record<string, { code: number | null; sent?: string[]; logged: string[]; locks: string[] }> = {};
    const scenario = async (name: string, run: Run, drive: (run: Run) => Promise<string[] | void>, settled = "") => {
        runs.push(run);
        const sent = (await drive(run)) ?? undefined;
        const { code } = await run.exited;
        if (settled) await until(run, settled, false);
        outcomes[name] = { code, sent, logged: run.logged(), locks: run.locks() };
    };

    before(async () => {
        await Promise.all([
            scenario("ctrl-c", startTerminalTeardown(), async (run) => {
                await until(run, "started destroy");
                process.kill(-run.child.pid!, "SIGINT");
            }),
            scenario("ctrl-c twice", startTerminalTeardown({ FAKE_PULUMI_CANCEL_MS: "20000" }), async (run) => {
                await until(run, "started destroy");
                process.kill(-run.child.pid!, "SIGINT");
                await until(run, "SIGINT 1");
                process.kill(-run.child.pid!, "SIGINT");
            }),
            scenario("sigterm", startTerminalTeardown(), async (run) => {
                await until(run, "started destroy");
                run.child.kill("SIGTERM");
                run.child.kill("SIGTERM");
            }),
            ...["nightly-teardown.yml", "morning-startup.yml"].map((file) =>
                scenario(file, startStep(file), async (run) => {
                    await until(run, file === "nightly-teardown.yml" ? "started destroy" : "started up");
                    return cancelAsTheRunnerDoes(run);
                }),
            ),
            // Scaled: the runner's 7.5 s and 2.5 s waits as 0.75 s and 0.25 s, and a cancel that needs 2 s.
            scenario(
                "github, slow cancel",
                startStep("nightly-teardown.yml", { FAKE_PULUMI_CANCEL_MS: "2000" }),
                async (run) => {
                    await until(run, "started destroy");
                    return cancelAsTheRunnerDoes(run, 0.1);
                },
                "released the lock",
            ),
        ]);
    });
    after(() => {
        for (const run of runs) {
            try {
                process.kill(-run.child.pid!, "SIGKILL");
            } catch {
                // the group is gone: nothing of it was left running
            }
            rmSync(run.dir, { recursive: true, force: true });
        }
    });
    const signalsTo = (name: string) => outcomes[name].logged.filter((line) => line.startsWith("SIGINT"));

    it("Ctrl-C (SIGINT to the process group): pulumi gets exactly one SIGINT, releases its lock, nothing new starts, exit 130", () => {
        const { code, logged, locks } = outcomes["ctrl-c"];
        assert.equal(code, 130);
        assert.deepEqual(signalsTo("ctrl-c"), ["SIGINT 1"]);
        assert.deepEqual(locks, []);
        assert.deepEqual(
            logged.slice(logged.indexOf("started destroy") + 1).filter((line) => line.startsWith("run ")),
            [],
        );
    });

    it("a second Ctrl-C means terminate now: pulumi gets the group's second SIGINT and nothing more, exits at once, and node exits 130", () => {
        const { code, logged, locks } = outcomes["ctrl-c twice"];
        assert.equal(code, 130);
        assert.deepEqual(signalsTo("ctrl-c twice"), ["SIGINT 1", "SIGINT 2"]);
        assert.ok(logged.includes("terminated at once"));
        assert.deepEqual(locks, []);
    });

    it("SIGTERM to node alone (kill), twice: it forwards exactly one SIGINT to pulumi, which releases its lock, exit 130", () => {
        assert.equal(outcomes.sigterm.code, 130);
        assert.deepEqual(signalsTo("sigterm"), ["SIGINT 1"]);
        assert.deepEqual(outcomes.sigterm.locks, []);
    });

    for (const file of ["nightly-teardown.yml", "morning-startup.yml"]) {
        it(`GitHub's cancel of ${file}'s step, as written: pulumi gets exactly one SIGINT and its lock is gone before the runner's SIGTERM`, () => {
            const { code, sent, locks } = outcomes[file];
            assert.deepEqual(sent, ["SIGINT"]);
            assert.equal(code, 130);
            assert.deepEqual(signalsTo(file), ["SIGINT 1"]);
            assert.deepEqual(locks, []);
        });
    }

    it("GitHub's cancel of a slow cancel: the runner's SIGTERM adds no second SIGINT, and pulumi, outliving the killed node, still releases its lock", () => {
        const { sent, locks } = outcomes["github, slow cancel"];
        assert.deepEqual(sent, ["SIGINT", "SIGTERM", "SIGKILL"]);
        assert.deepEqual(signalsTo("github, slow cancel"), ["SIGINT 1"]);
        assert.deepEqual(locks, []);
    });
});
