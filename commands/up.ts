import { ECSClient } from "@aws-sdk/client-ecs";
import { ENV_VALUE, exclusive, positiveNumber } from "../cli/args";
import { CommandSpec } from "../cli/command";
import { Cancellation, runMain, timeoutFlag } from "../cli/run-main";
import { SendsCommands } from "../cli/sdk-client";
import { Stacks } from "../stacks/automation";
import { runtimeUp } from "../stacks/runtime";
import { parseRuntimeCommand, RUNTIME_FLAGS, runRuntimeCommand } from "../stacks/runtime-command";
import { HEALTH_PATHS } from "../shared/services";

export const UP_SPEC: CommandSpec = {
    usage: `npm run up -- --env <${ENV_VALUE}> [flags]`,
    summary: `Brings an environment's runtime back (refusing when base is missing), checks with ECS that each service runs what was deployed, and waits until ${HEALTH_PATHS.join(" and ")} answer.`,
    flags: {
        ...RUNTIME_FLAGS,
        "only-if-needed": {
            type: "boolean",
            help: "act only if runtime is not already up: the schedule's catch-up",
            default: "off",
        },
        "health-timeout": {
            type: "string",
            value: "SECONDS",
            help: `how long to wait for ${HEALTH_PATHS.join(" and ")} to answer`,
            default: "600",
        },
        "on-demand": {
            type: "boolean",
            help: "run on FARGATE for this run whatever spot says, without changing the stack file",
            default: "off",
        },
        "on-demand-fallback": {
            type: "boolean",
            help: "if the services are not healthy on Spot within the health window, deploy again on demand",
            default: "off",
        },
    },
    examples: ["npm run up -- --env dev", "npm run up -- --env staging --on-demand --health-timeout 900"],
};

/** `npm run up`: restores runtime and waits until it answers. */
export async function main(
    argv: string[],
    cancel: AbortSignal | Cancellation,
    stacks?: Stacks,
    log: (line: string) => void = console.log,
    ecs?: SendsCommands,
): Promise<number> {
    const command = parseRuntimeCommand(argv, UP_SPEC);
    exclusive(
        command.flags,
        [
            [
                "on-demand",
                "on-demand-fallback",
                "--on-demand runs on demand from the start, so there is no Spot run to fall back from",
            ],
        ],
        UP_SPEC.usage,
    );
    const options = {
        ...command.lock,
        dryRun: command.dryRun,
        onlyIfNeeded: command.onlyIfNeeded,
        onDemand: command.flags["on-demand"] === true,
        onDemandFallback: command.flags["on-demand-fallback"] === true,
        healthDeadlineMs: positiveNumber(command.flags["health-timeout"], "--health-timeout", 600) * 1000,
    };
    return runRuntimeCommand("startup", command, cancel, stacks, log, (ops, context, logged) =>
        runtimeUp(ops, command.env, context, options, logged, ecs ?? new ECSClient({})),
    );
}

if (require.main === module) runMain(main, { spec: UP_SPEC, timeoutMinutes: timeoutFlag });
