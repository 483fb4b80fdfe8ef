import * as path from "node:path";
import { SendsCommands } from "../cli/sdk-client";
import { OpsError } from "../cli/errors";
import { StackSource } from "../offline/evaluate";
import { readStackFile } from "../offline/stack-files";
import { EnvironmentName } from "../shared/environments";
import { stackNameOf } from "../shared/stack-name";
import { refuseIfNotOldBase } from "./old-base";
import { refuseOtherAddresses } from "./addresses";
import { AdoptionPlan, planAdoption } from "./plan";
import { readState, rulesOf } from "./sources";
import { parseTerraformState, refuseUnreadable, stateRegion } from "./terraform-state";
import { refuseOtherEnvironment } from "./environment";
import { verifyAdoption } from "./verify";

export interface AdoptionRequest {
    readonly env: EnvironmentName;
    /** A state file, or s3://bucket/key. */
    readonly location: string;
    /** No AWS: the security group rules stay to resolve. */
    readonly offline: boolean;
    /** The state's own word for `env` (its Environment tag), when it is none adopt knows. */
    readonly stateEnvironment?: string;
    readonly source?: StackSource;
    readonly s3?: SendsCommands;
    readonly ec2?: SendsCommands;
}

export interface Adoption {
    readonly stack: string;
    /** The stack file the config belongs in, and the project that namespaces its keys. */
    readonly stackFile: { readonly file: string; readonly project: string };
    readonly plan: AdoptionPlan;
    /** Where the import does not match the program; empty when it may be written. */
    readonly problems: string[];
}

/**
 * Reads the old base's state and maps it onto this program's base, checking in the order that gives
 * true answers: the file's shape, whether it is the old base at all, what the mapping would misread,
 * its environment, its region; only then AWS (the rules' ids) and the offline check of the import.
 * Every refusal is an OpsError (exit 2) and comes before anything is written.
 */
export async function adoptBase(request: AdoptionRequest): Promise<Adoption> {
    const { env, location, offline } = request;
    const stack = stackNameOf("base", env);
    const stackFile = readStackFile(stack, request.source);
    const region = stackFile.config["aws:region"];
    if (offline && location.startsWith("s3://")) {
        throw new OpsError(
            `--offline reads a state file, not ${location}; pull it first (terraform state pull > base-${env}.tfstate) and give the file`,
            2,
        );
    }
    const objects = parseTerraformState(await readState(location, region, request.s3), location);
    refuseIfNotOldBase(objects, location, env);
    refuseOtherAddresses(objects, location);
    refuseUnreadable(objects, location);
    refuseOtherEnvironment(objects, location, env, request.stateEnvironment);
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
        offline ? undefined : await rulesOf(objects, region, request.ec2),
    );
    const { problems } = await verifyAdoption(plan, env, request.source);
    return { stack, stackFile, plan, problems };
}
