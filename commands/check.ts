import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { StackSource } from "../offline/evaluate";
import { committedStacks, stackOfFile, StackFileError } from "../offline/stack-files";
import { ENVIRONMENT_NAMES } from "../shared/environments";
import { LAYERS, stackNameOf } from "../shared/stack-name";
import { OpsError } from "../cli/errors";
import { exclusive } from "../cli/args";
import { CommandSpec, parseCommand } from "../cli/command";
import { runMain } from "../cli/run-main";
import { describeResult, StackChecker } from "../check/check";

export const CHECK_SPEC: CommandSpec = {
    usage: "npm run check [-- --stack <layer>-<env> | --file path/to/Pulumi.<layer>-<env>.yaml]",
    summary:
        "Validates stack files offline, with no CLI and no AWS: every config problem at once (exit 2), or what the stack declares and costs.",
    flags: {
        stack: {
            type: "string",
            value: "<layer>-<env>",
            help: "the committed stack file to check",
            default: "every committed stack",
        },
        file: {
            type: "string",
            value: "PATH",
            help: "a stack file elsewhere; Pulumi.yaml and the base's file are read beside it",
        },
    },
    examples: [
        "npm run check -- --stack runtime-dev",
        "npm run check -- --file ../other-checkout/Pulumi.base-prod.yaml",
    ],
};
const USAGE = CHECK_SPEC.usage;

/** `npm run check`: one stack file, or every committed one; exit 2 when any has a problem. */
export async function main(
    argv: string[],
    _signal?: unknown,
    print: (text: string) => void = console.log,
    source: StackSource = {},
): Promise<number> {
    const flags = parseCommand(argv, CHECK_SPEC) as { stack?: string; file?: string };
    exclusive(flags, [["stack", "file", "a file names its own stack"]], USAGE);
    const fromFile = flags.file ? { dir: path.dirname(path.resolve(flags.file)) } : source;
    const stacks = flags.file
        ? [stackOfFileFlag(flags.file)]
        : flags.stack
          ? [stackFlag(flags.stack)]
          : committedStacks(source.dir);
    const checker = new StackChecker(fromFile);
    let failed = 0;
    for (const stack of stacks) {
        const result = await checker.check(stack);
        if (result.problems.length > 0) failed += 1;
        print(describeResult(result));
    }
    return failed > 0 ? 2 : 0;
}

/** `--stack`: a stack name of this project, refused before any file is read. */
function stackFlag(stack: string): string {
    if (/\.ya?ml$/.test(stack) || stack.includes("/"))
        throw new OpsError(
            `--stack takes a stack name such as runtime-dev; for a file use --file ${stack}\nusage: ${USAGE}`,
            2,
        );
    return knownStack(stack, "--stack");
}

/** `--file`: an existing `Pulumi.<stack>.yaml` of a known stack. */
function stackOfFileFlag(file: string): string {
    if (!existsSync(file)) throw new OpsError(`--file ${file}: no such file`, 2);
    if (statSync(file).isDirectory())
        throw new OpsError(
            `--file ${file} is a directory; give a stack file in it, such as ${path.join(file, "Pulumi.runtime-dev.yaml")}`,
            2,
        );
    try {
        return knownStack(stackOfFile(file), `--file ${file}:`);
    } catch (error) {
        if (error instanceof StackFileError) throw new OpsError(`--file ${file}: ${error.problems.join("; ")}`, 2);
        throw error;
    }
}

/**
 * A stack of this project: `<layer>-<env>` for a layer and an environment it has. Anything else is
 * refused naming the flag, the nearest stack when it is one typo away, and every stack there is.
 */
function knownStack(stack: string, flag: string): string {
    const stacks = LAYERS.flatMap((layer) => ENVIRONMENT_NAMES.map((env) => stackNameOf(layer, env)));
    if (stacks.includes(stack)) return stack;
    const near = stacks.filter((known) => editDistance(stack, known) <= 2);
    const guess = near.length === 1 ? `; did you mean ${near[0]}?` : ".";
    throw new OpsError(
        `${flag} ${stack} is not a stack of this project${guess} Its stacks are ${stacks.join(", ")} (<layer>-<env>; a new environment goes in shared/environments.ts first)`,
        2,
    );
}

/** Levenshtein distance: the fewest single-character edits from one name to the other. */
function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++)
            current[j] = Math.min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
            );
        previous = current;
    }
    return previous[b.length];
}

if (require.main === module) runMain((argv) => main(argv), { spec: CHECK_SPEC });
