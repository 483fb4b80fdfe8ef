import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { StackSource } from "../offline/evaluate";
import { readStackFile, stackFilePath } from "../offline/stack-files";
import { stackNameOf } from "../shared/stack-name";
import { environmentFrom } from "../cli/args";
import { runMain } from "../cli/run-main";
import { CommandSpec, parseCommand } from "../cli/command";
import { OpsError } from "../cli/errors";
import { textTable } from "../cli/text-table";
import { planAdoption } from "../adopt/plan";
import { readState, rulesOf } from "../adopt/sources";
import { parseTerraformState, stateEnvironments, stateRegion } from "../adopt/terraform-state";
import { ENVIRONMENT_NAMES } from "../shared/environments";
import { verifyAdoption } from "../adopt/verify";
import { SendsCommands } from "../cli/sdk-client";

export const ADOPT_SPEC: CommandSpec = {
    usage: "npm run adopt -- --env <dev|staging|prod> --terraform-state <FILE | s3://bucket/key> [--import-file FILE] [--write] [--offline]",
    summary:
        "Adopts the old Terraform base workspace: maps its state onto this program's base, checks the import offline against the program, prints the config and a report, and writes a pulumi import file.",
    flags: {
        env: { type: "string", value: "dev|staging|prod", help: "the environment whose base to adopt (required)" },
        "terraform-state": {
            type: "string",
            value: "FILE|s3://bucket/key",
            help: "the old base workspace's state, as terraform state pull writes it (required)",
        },
        "import-file": {
            type: "string",
            value: "FILE",
            help: "where to write the file for pulumi import --file",
            default: "import-base-<env>.json",
        },
        write: {
            type: "boolean",
            help: "apply the config to Pulumi.base-<env>.yaml (comments kept)",
            default: "off: print it",
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
    };
    const log = deps.log ?? console.log;
    const env = environmentFrom(flags.env, ADOPT_SPEC.usage);
    const location = flags["terraform-state"];
    if (!location) throw new OpsError(`--terraform-state is required\nusage: ${ADOPT_SPEC.usage}`, 2);
    const stack = stackNameOf("base", env);
    const stackFile = readStackFile(stack, deps.source);
    const region = stackFile.config["aws:region"];

    if (flags.offline && location.startsWith("s3://")) {
        throw new OpsError(
            `--offline reads a state file, not ${location}; pull it first (terraform state pull > base-${env}.tfstate) and give the file`,
            2,
        );
    }
    const objects = parseTerraformState(await readState(location, region, deps.s3), location);
    const otherEnvironments = [...stateEnvironments(objects, ENVIRONMENT_NAMES)].filter(([found]) => found !== env);
    if (otherEnvironments.length > 0) {
        const [found, evidence] = otherEnvironments[0];
        throw new OpsError(
            `${location} is the state of environment "${found}", not "${env}" (${evidence.slice(0, 3).join("; ")}); give base-${env}'s state, or run with --env ${found}. Nothing was written`,
            2,
        );
    }
    const fromState = stateRegion(objects);
    if (fromState && fromState !== region) {
        throw new OpsError(
            `the state's resources are in ${fromState} but ${path.basename(stackFile.file)} says aws:region ${region}; set aws:region to ${fromState}, or give the state of the workspace in ${region}`,
            2,
        );
    }
    const plan = planAdoption(
        objects,
        { project: stackFile.project, env },
        flags.offline ? undefined : await rulesOf(objects, region, deps.ec2),
    );
    const { problems } = await verifyAdoption(plan, env, deps.source);

    log(
        `${stack}: ${plan.entries.filter((entry) => !entry.component).length} resources to import, ${plan.report.filter((line) => line.outcome === "left behind").length} left behind\n`,
    );
    log(
        textTable([
            ["terraform", "outcome", "detail"],
            ...plan.report.map((line) => [line.address, line.outcome, line.detail]),
        ]),
    );
    if (problems.length > 0) {
        log(
            `\nthe import does not match the program (${problems.length}); nothing was written:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
        );
        return 1;
    }

    const namespaced = Object.entries(plan.config).map(
        ([key, value]) => [`${stackFile.project}:${key}`, value] as const,
    );
    log(
        `\nconfig for ${path.basename(stackFile.file)} (reproduces the old layout):\n${namespaced.map(([key, value]) => `  ${key}: ${value}`).join("\n")}`,
    );
    const importFile = flags["import-file"] ?? `import-${stack}.json`;
    writeFileSync(importFile, `${JSON.stringify({ nameTable: {}, resources: plan.entries }, null, 2)}\n`);
    const unresolved = plan.report.filter((line) => line.outcome === "to resolve");
    if (unresolved.length > 0) {
        log(
            `\nwrote ${importFile} for review, without the ${unresolved.length} security group rules still to resolve: import it only after running adopt again without --offline`,
        );
    } else {
        log(`\nwrote ${importFile}: pulumi import --file ${importFile} -s ${stack}`);
    }
    if (flags.write) {
        const file = stackFilePath(stack, deps.source?.dir);
        const document = parseDocument(readFileSync(file, "utf8"));
        for (const [key, value] of namespaced) document.setIn(["config", key], value === "true" ? true : value);
        writeFileSync(file, String(document));
        log(`wrote the config into ${file}; commit it`);
    } else {
        log("run again with --write to put the config into the stack file");
    }
    return 0;
}

if (require.main === module) runMain((argv) => main(argv), { spec: ADOPT_SPEC });
