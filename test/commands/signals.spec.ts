import { strict as assert } from "assert";
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const STAND_IN = join(__dirname, "..", "fakes", "pulumi-cli");

/**
 * The ops commands as real processes, with a stand-in `pulumi` executable on the PATH, signalled the
 * way a terminal and GitHub Actions signal them:
 * - Ctrl-C in a terminal goes to the whole foreground process group, so node and its `pulumi`
 *   child both get SIGINT; the CLI cancels on the first SIGINT and terminates at once on a second.
 * - GitHub's cancel and `kill` send SIGTERM to node alone; the Automation API's abort then sends the
 *   child SIGINT (execa `proc.kill("SIGINT")`, @pulumi/pulumi automation/cmd.js).
 */
describe("cancellation, with real processes and real signals", function () {
    this.timeout(20_000);
    let dir: string;
    let child: ChildProcess;
    const logFile = () => join(dir, "pulumi.log");
    const logged = () => (existsSync(logFile()) ? readFileSync(logFile(), "utf8").trim().split("\n") : []);

    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "durable-code-signals-"));
    });
    afterEach(() => {
        if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
        rmSync(dir, { recursive: true, force: true });
    });

    /** Starts `npm run down` as its own process group, as a terminal runs a foreground job. */
    const startTeardown = () => {
        child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "commands/runtime.ts", "down", "--env", "dev"], {
            cwd: ROOT,
            detached: true,
            stdio: "ignore",
            env: { ...process.env, PATH: `${STAND_IN}${delimiter}${process.env.PATH}`, FAKE_PULUMI_LOG: logFile(), FAKE_PULUMI_BACKEND: `file://${dir}`, PULUMI_SECRETS_PROVIDER: "" },
        });
        return new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
    };
    const whenDestroyRuns = async () => {
        for (let waited = 0; waited < 15_000; waited += 50) {
            if (logged().includes("started destroy")) return;
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error(`the destroy never started: ${logged().join(" | ")}`);
    };

    it("Ctrl-C (SIGINT to the process group): pulumi gets exactly one SIGINT, nothing new starts, exit 130", async () => {
        const exited = startTeardown();
        await whenDestroyRuns();
        process.kill(-child.pid!, "SIGINT");
        assert.equal(await exited, 130);
        const lines = logged();
        assert.deepEqual(lines.filter((line) => line.startsWith("SIGINT")), ["SIGINT 1"]);
        assert.deepEqual(lines.slice(lines.indexOf("started destroy") + 1).filter((line) => line.startsWith("run ")), []);
    });

    it("SIGTERM to node alone (GitHub's cancel): it forwards exactly one SIGINT to pulumi, exit 130", async () => {
        const exited = startTeardown();
        await whenDestroyRuns();
        child.kill("SIGTERM");
        child.kill("SIGTERM");
        assert.equal(await exited, 130);
        assert.deepEqual(logged().filter((line) => line.startsWith("SIGINT")), ["SIGINT 1"]);
    });
});
