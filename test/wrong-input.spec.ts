import { strict as assert } from "assert";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { CommandSpec } from "../cli/command";
import { describeFailure } from "../cli/errors";
import { ADOPT_SPEC, main as adopt } from "../commands/adopt";
import { BOOTSTRAP_SPEC, main as bootstrap } from "../commands/bootstrap";
import { CHECK_SPEC, main as check } from "../commands/check";
import { COST_SPEC, main as cost } from "../commands/cost";
import { CYCLE_SPEC, main as cycle } from "../commands/cycle";
import { DESTROY_BASE_SPEC, main as destroyBase } from "../commands/destroy-base";
import { DOWN_SPEC, main as down } from "../commands/down";
import { RELEASE_SPEC, main as release } from "../commands/release";
import { REVIEW_SPEC, main as review } from "../commands/review";
import { GATE_SPEC, main as scheduleGate } from "../commands/schedule-gate";
import { STATUS_SPEC, main as status } from "../commands/status";
import { UP_SPEC, main as up } from "../commands/up";
import { PROJECT_DIR } from "../offline/stack-files";
import { CONFIG_KEYS } from "../shared/config/keys";
import { ENVIRONMENT_NAMES } from "../shared/environments";

/**
 * Wrong input, generated (fast-check), to every command's argument parser and to the stack-file
 * loader: each is refused with the documented exit code (2), a message that names the flag or key,
 * no stack trace, and nothing written. Commands run in this process with stand-ins that fail the
 * property if anything past the parser is reached. The examples are inputs that once found
 * something, kept so they run every time.
 */

/** Any use of it means wrong input got past the parser: a Stacks, an AWS client. */
const unreachable = new Proxy(
    {},
    {
        get: (_target, property) => {
            throw new Error(`wrong input got past the parser: it used ${String(property)}`);
        },
    },
) as never;
const cancel = new AbortController().signal;
const silent = () => undefined;

interface Command {
    readonly spec: CommandSpec;
    readonly run: (argv: string[]) => Promise<number>;
    /** Flags with which each of its checks is reached: the required ones, valid. */
    readonly valid: readonly string[];
}

const COMMANDS: Record<string, Command> = {
    cycle: {
        spec: CYCLE_SPEC,
        run: (argv) => cycle(argv, cancel, unreachable, silent, unreachable),
        valid: ["--env", "dev"],
    },
    status: { spec: STATUS_SPEC, run: (argv) => status(argv, undefined, unreachable, silent), valid: ["--env", "dev"] },
    up: { spec: UP_SPEC, run: (argv) => up(argv, cancel, unreachable, silent, unreachable), valid: ["--env", "dev"] },
    down: { spec: DOWN_SPEC, run: (argv) => down(argv, cancel, unreachable, silent), valid: ["--env", "dev"] },
    "destroy-base": {
        spec: DESTROY_BASE_SPEC,
        run: (argv) => destroyBase(argv, cancel, unreachable, silent, unreachable),
        valid: ["--env", "dev", "--confirm", "base-dev"],
    },
    bootstrap: {
        spec: BOOTSTRAP_SPEC,
        run: (argv) => bootstrap(argv),
        valid: ["--bucket", "acme-pulumi-state", "--region", "us-west-2"],
    },
    cost: { spec: COST_SPEC, run: (argv) => cost(argv, undefined, silent), valid: ["--env", "dev"] },
    check: { spec: CHECK_SPEC, run: (argv) => check(argv, undefined, silent), valid: [] },
    release: {
        spec: RELEASE_SPEC,
        run: (argv) => release(argv, cancel, { stacks: unreachable, ecr: unreachable, ecs: unreachable, log: silent }),
        valid: ["--env", "dev", "--tag", "v1.2.3"],
    },
    review: {
        spec: REVIEW_SPEC,
        run: (argv) => review(argv, cancel, { stacks: unreachable, ecr: unreachable, store: unreachable, log: silent }),
        valid: ["--pr", "12"],
    },
    adopt: {
        spec: ADOPT_SPEC,
        run: (argv) => adopt(argv, undefined, { s3: unreachable, ec2: unreachable, log: silent }),
        valid: ["--env", "dev"],
    },
    "schedule-gate": {
        spec: GATE_SPEC,
        run: (argv) => scheduleGate(argv, undefined, new Date("2026-06-01T12:00:00Z"), silent),
        valid: ["--action", "startup"],
    },
};

/** A wrong command line and what its message must name. */
interface WrongInput {
    readonly command: string;
    readonly argv: string[];
    readonly names: string;
}

const flagsOf = (command: string, type?: "string" | "boolean") =>
    Object.entries(COMMANDS[command].spec.flags)
        .filter(([, flag]) => type === undefined || flag.type === type)
        .map(([name]) => name);
const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
const commandName = fc.constantFrom(...Object.keys(COMMANDS));
/** A flag's value that cannot be mistaken for a flag. */
const value = fc.stringMatching(/^[A-Za-z0-9._]{1,12}$/);

/** Wrong on every command: what node's parser and parseFlags refuse. */
const anyCommand: fc.Arbitrary<WrongInput> = commandName.chain((command) => {
    const { valid } = COMMANDS[command];
    const names = flagsOf(command);
    const strings = flagsOf(command, "string");
    const booleans = flagsOf(command, "boolean");
    const families: fc.Arbitrary<WrongInput>[] = [
        word
            .filter((flag) => !names.includes(flag) && flag !== "help" && flag !== "debug")
            .map((flag) => ({ command, argv: [...valid, `--${flag}`], names: `--${flag}` })),
        word
            .filter((stray) => !stray.startsWith("-"))
            .map((stray) => ({ command, argv: [...valid, stray], names: stray })),
        fc.constantFrom(...names).map((flag) => {
            const once = COMMANDS[command].spec.flags[flag].type === "string" ? [`--${flag}`, "x1"] : [`--${flag}`];
            return { command, argv: [...once, ...once], names: `--${flag}` };
        }),
    ];
    if (strings.length > 0)
        families.push(
            fc.constantFrom(...strings).map((flag) => ({ command, argv: [`--${flag}`], names: `--${flag}` })),
        );
    if (booleans.length > 0)
        families.push(
            fc
                .tuple(fc.constantFrom(...booleans), value)
                .map(([flag, given]) => ({ command, argv: [...valid, `--${flag}=${given}`], names: `--${flag}` })),
        );
    return fc.oneof(...families);
});

/** Values no number flag takes: zero, negative, not a number. */
const notPositive = fc.oneof(
    fc.integer({ min: -100000, max: 0 }).map(String),
    fc.double({ max: 0, noNaN: true }).map(String),
    fc.constantFrom("NaN", "Infinity", "-Infinity", "ten", "1e999", "0x", "1,5"),
);
const NUMBER_VALUES = ["SECONDS", "MINUTES", "DAYS"];

/** Wrong values of the flags a command checks itself: --env, and the numbers. */
const badValues: fc.Arbitrary<WrongInput> = fc.oneof(
    fc
        .tuple(
            fc.constantFrom(...Object.keys(COMMANDS).filter((command) => COMMANDS[command].valid.includes("--env"))),
            value.filter((env) => !(ENVIRONMENT_NAMES as readonly string[]).includes(env)),
        )
        .map(([command, env]) => {
            const valid = [...COMMANDS[command].valid];
            valid[valid.indexOf("--env") + 1] = env;
            return { command, argv: valid, names: "--env" };
        }),
    fc
        .constantFrom(
            ...Object.keys(COMMANDS).flatMap((command) =>
                Object.entries(COMMANDS[command].spec.flags)
                    .filter(([, flag]) => NUMBER_VALUES.includes(flag.value ?? ""))
                    .map(([flag]) => [command, flag] as const),
            ),
        )
        .chain(([command, flag]) =>
            notPositive.map((given) => ({
                command,
                argv: [...COMMANDS[command].valid, `--${flag}`, given],
                names: `--${flag}`,
            })),
        ),
);

/** What runMain would print and exit with, and what else happened. */
async function refusal(input: WrongInput): Promise<{ exitCode: number; text: string }> {
    let error: unknown;
    try {
        const code = await COMMANDS[input.command].run(input.argv);
        return { exitCode: code, text: `returned ${code} instead of refusing` };
    } catch (thrown) {
        error = thrown;
    }
    const failure = describeFailure(error, false);
    return { exitCode: failure.exitCode, text: failure.lines.join("\n") };
}

/** The repository's top-level files with their modification times: a wrong input changes none. */
const snapshot = (dir: string) =>
    readdirSync(dir)
        .filter((name) => statSync(join(dir, name)).isFile())
        .map((name) => `${name} ${statSync(join(dir, name)).mtimeMs}`)
        .sort();

const assertRefused = async (input: WrongInput) => {
    const { exitCode, text } = await refusal(input);
    const shown = `npm run ${input.command} -- ${input.argv.join(" ")}\n${text}`;
    assert.equal(exitCode, 2, shown);
    // The usage line names every flag: the message before it must name this one.
    const message = text.split("\nusage: ")[0];
    assert.ok(message.includes(input.names), `the message names ${input.names}: ${shown}`);
    assert.doesNotMatch(text, /\n\s+at .*:\d+/, shown);
};

describe("wrong input, generated: refused with exit 2, naming the flag or key, no trace, nothing written", () => {
    it("to every command's flags", async () => {
        const before = snapshot(PROJECT_DIR);
        await fc.assert(fc.asyncProperty(fc.oneof(anyCommand, badValues), assertRefused), {
            numRuns: 500,
            examples: [
                // Found before issue 31: "unknown environment" named no flag; check's stack hint was pulumi's.
                [{ command: "cycle", argv: ["--env", "undeclared"], names: "--env" }],
                [{ command: "check", argv: ["--stack", "runtime-dv"], names: "--stack runtime-dv" }],
            ],
        });
        assert.deepEqual(snapshot(PROJECT_DIR), before);
    });

    describe("to the stack-file loader (npm run check)", () => {
        let dir: string;
        before(() => {
            dir = mkdtempSync(join(tmpdir(), "wrong-input-"));
            for (const name of readdirSync(PROJECT_DIR).filter((file) => /^Pulumi\..*yaml$/.test(file)))
                copyFileSync(join(PROJECT_DIR, name), join(dir, name));
        });
        after(() => rmSync(dir, { recursive: true, force: true }));

        const keys = Object.keys(CONFIG_KEYS);
        const stack = fc.constantFrom("base-dev", "runtime-dev", "base-prod", "runtime-staging");
        /** Text no key's parser accepts: `~` is in no pattern, and it is no JSON. */
        const badText = fc.stringMatching(/^[ -~]{0,20}$/).map((text) => `~${text}`);
        /** A line to add under config:, or at the top level, and the key the message must name. */
        const wrongLine: fc.Arbitrary<{ line: string; topLevel?: boolean; names: string }> = fc.oneof(
            fc.tuple(fc.constantFrom(...keys), badText).map(([key, text]) => ({
                line: `durable-code:${key}: ${JSON.stringify(text)}`,
                names: `durable-code:${key}`,
            })),
            word
                .filter((key) => !keys.includes(key))
                .map((key) => ({ line: `durable-code:${key}: "1"`, names: `durable-code:${key}` })),
            fc.constantFrom(...keys).map((key) => ({ line: `${key}: "1"`, names: key })),
            fc.constantFrom(...keys, "aws:region").map((key) => ({
                line: `${key.includes(":") ? key : `durable-code:${key}`}: "1"`,
                topLevel: true,
                names: key,
            })),
            fc.tuple(fc.constantFrom(...keys), fc.constantFrom("[a, b", '"open', "{a: 1")).map(([key, open]) => ({
                line: `durable-code:${key}: ${open}`,
                names: `durable-code:${key}`,
            })),
        );

        it("every key of a stack file, and its YAML", async () => {
            await fc.assert(
                fc.asyncProperty(stack, wrongLine, async (name, wrong) => {
                    const file = join(dir, `Pulumi.${name}.yaml`);
                    const committed = readFileSync(join(PROJECT_DIR, `Pulumi.${name}.yaml`), "utf8");
                    writeFileSync(
                        file,
                        wrong.topLevel ? `${wrong.line}\n${committed}` : `${committed}  ${wrong.line}\n`,
                    );
                    const others = snapshot(dir).filter((entry) => !entry.startsWith(`Pulumi.${name}.yaml `));
                    const printed: string[] = [];
                    let exitCode: number;
                    try {
                        exitCode = await check(["--stack", name], undefined, (text) => printed.push(text), { dir });
                    } catch (error) {
                        const failure = describeFailure(error, false);
                        [exitCode] = [failure.exitCode];
                        printed.push(...failure.lines);
                    } finally {
                        writeFileSync(file, committed);
                    }
                    const shown = `${wrong.topLevel ? "top level" : "config"}: ${wrong.line}\n${printed.join("\n")}`;
                    assert.equal(exitCode, 2, shown);
                    assert.ok(printed.join("\n").includes(wrong.names), `the message names ${wrong.names}: ${shown}`);
                    assert.doesNotMatch(printed.join("\n"), /\n\s+at .*:\d+/, shown);
                    assert.deepEqual(
                        snapshot(dir).filter((entry) => !entry.startsWith(`Pulumi.${name}.yaml `)),
                        others,
                    );
                }),
                {
                    numRuns: 200,
                    examples: [
                        // Seed 89839477 against the loader before issue 31: a YAML error named neither line nor key.
                        ["base-dev", { line: "durable-code:vpcCidr: [a, b", names: "durable-code:vpcCidr" }],
                        // Before issue 31 a key at the top level was read as unset, and the file passed.
                        [
                            "runtime-dev",
                            { line: 'durable-code:desiredCount: "1"', topLevel: true, names: "desiredCount" },
                        ],
                    ],
                },
            );
        });
    });
});
