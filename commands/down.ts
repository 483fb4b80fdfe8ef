import { confirmHelp, ENV_VALUE, requireProdConfirmation } from "../cli/args";
import { CommandSpec } from "../cli/command";
import { Cancellation, runMain, timeoutFlag } from "../cli/run-main";
import { Stacks } from "../stacks/automation";
import { runtimeDown } from "../stacks/runtime";
import { parseRuntimeCommand, RUNTIME_FLAGS, runRuntimeCommand } from "../stacks/runtime-command";

export const DOWN_SPEC: CommandSpec = {
    usage: `npm run down -- --env <${ENV_VALUE}> [flags]`,
    summary: "Destroys an environment's runtime only; base is never touched.",
    flags: {
        ...RUNTIME_FLAGS,
        "only-if-needed": {
            type: "boolean",
            help: "act only if runtime is not already down: the schedule's catch-up",
            default: "off",
        },
        confirm: { type: "string", value: "runtime-<env>", help: confirmHelp("destroy the runtime of") },
    },
    examples: ["npm run down -- --env dev", "npm run down -- --env staging --retry-after-cancel --dry-run"],
};

/** `npm run down`: destroys runtime, leaving base alone. */
export async function main(
    argv: string[],
    cancel: AbortSignal | Cancellation,
    stacks?: Stacks,
    log: (line: string) => void = console.log,
): Promise<number> {
    const command = parseRuntimeCommand(argv, DOWN_SPEC);
    requireProdConfirmation(command.env, command.flags.confirm, "npm run down destroys", command.dryRun);
    const options = { ...command.lock, dryRun: command.dryRun, onlyIfNeeded: command.onlyIfNeeded };
    return runRuntimeCommand(
        "teardown",
        command,
        cancel,
        stacks,
        log,
        async (ops, context, logged) => (await runtimeDown(ops, command.env, context, options, logged), undefined),
    );
}

if (require.main === module) runMain(main, { spec: DOWN_SPEC, timeoutMinutes: timeoutFlag });
