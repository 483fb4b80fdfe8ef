import { strict as assert } from "assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { runMain } from "../../cli/run-main";
import { OpsError } from "../../cli/errors";
import { ConfigError } from "../../shared/errors";
import { EvaluationError } from "../../offline/engine";
import { StackFileError } from "../../offline/stack-files";
import { explain, Stacks } from "../../stacks/automation";
import { FakePulumi } from "../fakes/fake-pulumi";

const ROOT = join(__dirname, "..", "..");

/** What runMain prints on stderr and the exit code it sets, for a main that throws `error`. */
async function failureOf(error: unknown, argv: string[] = [], env: Record<string, string> = {}) {
    const printed: string[] = [];
    const [consoleError, exitCode, saved] = [console.error, process.exitCode, { ...process.env }];
    console.error = (text: string) => printed.push(String(text));
    Object.assign(process.env, env);
    let seen: string[] = [];
    try {
        await runMain(
            async (args) => {
                seen = args;
                throw error;
            },
            {},
            argv,
        );
        return { printed, exitCode: process.exitCode, argv: seen };
    } finally {
        console.error = consoleError;
        process.exitCode = exitCode;
        for (const key of Object.keys(env)) if (saved[key] === undefined) delete process.env[key];
    }
}

describe("one error path for every command (cli/run-main.ts, cli/errors.ts)", () => {
    it("a known failure prints its message alone and exits with its code", async () => {
        assert.deepEqual(await failureOf(new OpsError("--env is required", 2)), {
            printed: ["error: --env is required"],
            exitCode: 2,
            argv: [],
        });
    });

    for (const [what, error] of [
        ["a config problem", new ConfigError("runtime-dev", ["durable-code:desiredCount must be a whole number"])],
        ["a stack file problem", new StackFileError("Pulumi.base-dev.yaml", ["not valid YAML"])],
        [
            "an evaluation stopped by a config problem",
            new EvaluationError(new ConfigError("runtime-dev", ["frontDoor is base's"]), []),
        ],
    ] as const) {
        it(`${what} is bad input: its message alone, exit 2, no object dump`, async () => {
            const failure = await failureOf(error);
            assert.deepEqual(failure.printed, [`error: ${error.message}`]);
            assert.equal(failure.exitCode, 2);
        });
    }

    it("anything else is a bug: one line saying so, where to report it and how to get the trace; exit 1", async () => {
        const failure = await failureOf(new TypeError("Cannot read properties of undefined (reading 'split')"));
        assert.deepEqual(failure.printed, [
            "error: Cannot read properties of undefined (reading 'split') (unexpected: a bug in these commands; report it as an issue of this repository with the command line and the trace, which --debug or DURABLE_CODE_DEBUG=1 prints)",
        ]);
        assert.equal(failure.exitCode, 1);
    });

    it("--debug (kept from the command's own flags) and DURABLE_CODE_DEBUG=1 print the trace above that line", async () => {
        for (const [argv, env] of [
            [["--env", "dev", "--debug"], {}],
            [["--env", "dev"], { DURABLE_CODE_DEBUG: "1" }],
        ] as const) {
            const failure = await failureOf(new TypeError("boom"), [...argv], env);
            assert.deepEqual(failure.argv, ["--env", "dev"]);
            assert.equal(failure.printed.length, 2);
            assert.match(failure.printed[0], /^TypeError: boom\n {4}at /);
            assert.match(failure.printed[1], /^error: boom \(unexpected: .* the trace above\)$/);
        }
    });
});

describe("a pulumi CLI that is installed but not logged in", () => {
    const LOGIN =
        "not logged in to the state backend: run pulumi login 's3://<state bucket>?region=<region>&awssdk=v2' (the line \"npm run bootstrap\" prints), or set PULUMI_BACKEND_URL";

    it("stops every operation at the login check, saying how to log in", async () => {
        const pulumi = new FakePulumi();
        pulumi.backendUrl = undefined;
        await assert.rejects(Stacks.open(pulumi.asCommand()), { message: LOGIN, exitCode: 1 } as object);
    });

    it("a real process with the stand-in CLI on the PATH: that one line on stderr, exit 1, no CommandError dump", () => {
        const dir = mkdtempSync(join(tmpdir(), "durable-code-login-"));
        try {
            const run = spawnSync(
                process.execPath,
                ["-r", "./cli/register.cjs", "commands/status.ts", "--env", "dev"],
                {
                    cwd: ROOT,
                    encoding: "utf8",
                    env: {
                        ...process.env,
                        PATH: `${join(__dirname, "..", "fakes", "pulumi-cli")}${delimiter}${process.env.PATH}`,
                        FAKE_PULUMI_LOG: join(dir, "pulumi.log"),
                        FAKE_PULUMI_BACKEND: "",
                    },
                },
            );
            assert.equal(run.stderr, `error: ${LOGIN}\n`);
            assert.equal(run.status, 1);
            assert.ok(readFileSync(join(dir, "pulumi.log"), "utf8").includes("run whoami"));
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("a pulumi CLI that fails: what it said, not the Automation API's dump of its result", () => {
    // The Automation API's own error for a failed command (internals of @pulumi/pulumi, as test/fakes/fake-pulumi.ts uses them).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { CommandResult } = require("@pulumi/pulumi/automation/cmd");
    const { createCommandError } = require("@pulumi/pulumi/automation/errors");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const failed = (stdout: string, stderr: string) => createCommandError(new CommandResult(stdout, stderr, 255));

    it("the resources' errors (its Diagnostics: section) and its error line, no code:, stdout:, stderr: or err?: fields", () => {
        const stdout =
            "Updating (runtime-dev):\n +  aws:ecs:Service backend creating\n\nDiagnostics:\n  aws:ecs:Service (backend):\n    error: creating ECS Service: AccessDeniedException: not authorized\n\nResources:\n    + 3 created\n\nDuration: 12s\n";
        assert.equal(
            explain("up", "runtime-dev", failed(stdout, "error: update failed\n")).message,
            "up runtime-dev failed:\n  aws:ecs:Service (backend):\n    error: creating ECS Service: AccessDeniedException: not authorized\nerror: update failed",
        );
    });

    it("the end of its output when it printed no diagnostics and nothing on stderr", () => {
        assert.equal(
            explain("read outputs of", "base-dev", failed("line 1\n\nline 2\n", "")).message,
            "read outputs of base-dev failed:\nline 1\nline 2",
        );
    });
});
