import { ECSClient } from "@aws-sdk/client-ecs";
import { ENVIRONMENT_NAMES } from "../shared/environments";
import { SendsCommands } from "../cli/sdk-client";
import { ENV_VALUE, environmentFrom } from "../cli/args";
import { runMain } from "../cli/run-main";
import { CommandSpec, parseCommand } from "../cli/command";
import { StackSource } from "../offline/evaluate";
import { SERVICE_NAMES } from "../shared/services";
import { elasticIpDemand, elasticIpWarnings } from "../status/elastic-ips";
import { Stacks } from "../stacks/automation";
import { collectStatus, statusTable } from "../status/status";

export const STATUS_SPEC: CommandSpec = {
    usage: `npm run status [-- [--env <${ENV_VALUE}>] [--json]]`,
    summary:
        "Per stack: exists, resources, lock (who, since when), last update, the images each service runs, asleep or awake (wakeOnRequest), the URL; and Elastic IP warnings.",
    flags: {
        env: { type: "string", value: ENV_VALUE, help: "one environment only", default: "all" },
        json: { type: "boolean", help: "the statuses as JSON", default: "off" },
    },
    examples: ["npm run status", "npm run status -- --env dev --json"],
};
const USAGE = STATUS_SPEC.usage;

export async function main(
    argv: string[],
    _signal: unknown,
    stacks?: Stacks,
    print: (text: string) => void = console.log,
    source: StackSource = {},
    ecs: () => SendsCommands = () => new ECSClient({}),
): Promise<number> {
    const flags = parseCommand(argv, STATUS_SPEC);
    const envs = flags.env === undefined ? ENVIRONMENT_NAMES : [environmentFrom(flags.env, USAGE)];
    const statuses = await collectStatus(stacks ?? (await Stacks.open()), envs, source, ecs);
    print(flags.json ? JSON.stringify(statuses, null, 2) : statusTable(statuses));
    for (const status of flags.json ? [] : statuses.filter((candidate) => candidate.locked)) {
        print(
            `\n${status.stack} is locked by ${status.lockedBy!.join("; ")}; if that run is no longer active, clear it with "pulumi cancel -s ${status.stack} --yes"`,
        );
    }
    for (const status of statuses.filter((candidate) => candidate.committedImages)) {
        const committed = status.committedImages!;
        print(
            `\n${status.stack} runs ${SERVICE_NAMES.map((service) => `${service} ${status.images![service]}`).join(", ")} but Pulumi.${status.stack}.yaml has ` +
                `${SERVICE_NAMES.map((service) => `${service} ${committed[service]}`).join(", ")}; the next startup restores what is committed (release it, or commit the tag that runs)`,
        );
    }
    if (!flags.json) for (const warning of elasticIpWarnings(elasticIpDemand(source))) print(`\n${warning}`);
    return 0;
}

if (require.main === module) runMain((argv) => main(argv, undefined), { spec: STATUS_SPEC });
