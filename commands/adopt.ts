import { StackSource } from "../offline/evaluate";
import { adoptBase } from "../adopt/adopt";
import { claimImportFile } from "../adopt/import-file";
import { reportLines, writeAdoption } from "../adopt/report";
import { stackNameOf } from "../shared/stack-name";
import { SPELLINGS } from "../adopt/environment";
import { ENV_VALUE, environmentFrom } from "../cli/args";
import { runMain } from "../cli/run-main";
import { CommandSpec, parseCommand } from "../cli/command";
import { OpsError } from "../cli/errors";
import { SendsCommands } from "../cli/sdk-client";

export const ADOPT_SPEC: CommandSpec = {
    usage: `npm run adopt -- --env <${ENV_VALUE}> --terraform-state <FILE | s3://bucket/key> [--import-file FILE [--force]] [--write] [--offline] [--state-environment VALUE[,VALUE]]`,
    summary:
        "Adopts the old Terraform base workspace: maps its state onto this program's base, checks the import offline against the program, prints the config and a report, and writes a pulumi import file.",
    flags: {
        env: { type: "string", value: ENV_VALUE, help: "the environment whose base to adopt (required)" },
        "terraform-state": {
            type: "string",
            value: "FILE|s3://bucket/key",
            help: "the old base workspace's state, as terraform state pull writes it (required)",
        },
        "import-file": {
            type: "string",
            value: "FILE",
            help: "where to write the file for pulumi import --file (never over a file adopt did not write, unless --force)",
            default: "reports/import-base-<env>.json, a folder the repository ignores",
        },
        force: { type: "boolean", help: "let --import-file replace a file that is not an import file", default: "off" },
        write: {
            type: "boolean",
            help: "apply the config to Pulumi.base-<env>.yaml (comments kept)",
            default: "off: print it",
        },
        "state-environment": {
            type: "string",
            value: "VALUE[,VALUE]",
            help: `what the old state says for --env, when it is none of ${Object.values(SPELLINGS)
                .map((words) => words.join("/"))
                .join(", ")}, or its tags and names disagree`,
            default: "none",
        },
        offline: {
            type: "boolean",
            help: "no AWS: read a state file, write everything else, and list the security group rules still to resolve (their ids come from EC2)",
            default: "off",
        },
    },
    examples: [
        "npm run adopt -- --env dev --terraform-state base-dev.tfstate --offline",
        "npm run adopt -- --env dev --terraform-state s3://acme-terraform-state/env:/base-dev/terraform.tfstate --write",
    ],
};

export async function main(
    argv: string[],
    _cancel?: unknown,
    deps: { s3?: SendsCommands; ec2?: SendsCommands; log?: (line: string) => void; source?: StackSource } = {},
): Promise<number> {
    const flags = parseCommand(argv, ADOPT_SPEC) as {
        env?: string;
        "terraform-state"?: string;
        "import-file"?: string;
        write?: boolean;
        offline?: boolean;
        "state-environment"?: string;
        force?: boolean;
    };
    const log = deps.log ?? console.log;
    const env = environmentFrom(flags.env, ADOPT_SPEC.usage);
    const location = flags["terraform-state"];
    if (!location) throw new OpsError(`--terraform-state is required\nusage: ${ADOPT_SPEC.usage}`, 2);
    // The path is checked before the state is read: a wrong one fails now, not after the mapping.
    const importFile = claimImportFile(flags["import-file"], {
        stack: stackNameOf("base", env),
        force: flags.force === true,
        dir: deps.source?.dir,
    });
    const adoption = await adoptBase({
        env,
        location,
        offline: flags.offline ?? false,
        stateEnvironment: flags["state-environment"],
        source: deps.source,
        s3: deps.s3,
        ec2: deps.ec2,
    });
    for (const line of reportLines(adoption)) log(line);
    if (adoption.problems.length > 0) return 1;
    for (const line of writeAdoption(adoption, importFile, { write: flags.write === true, dir: deps.source?.dir }))
        log(line);
    return 0;
}

if (require.main === module) runMain((argv) => main(argv), { spec: ADOPT_SPEC });
