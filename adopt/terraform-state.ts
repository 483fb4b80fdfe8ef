import { OpsError } from "../cli/errors";
import { readTerraformState, StateInstance, StateResource } from "./state-shape";

export type { StateInstance, StateResource, TerraformState } from "./state-shape";

/** One managed instance, addressed as Terraform prints it: aws_subnet.public[0], aws_route53_record.cert_validation["x"]. */
export interface StateObject {
    readonly address: string;
    readonly type: string;
    readonly name: string;
    readonly index?: number | string;
    readonly attributes: Record<string, any>;
}

/** Resource types only the old runtime workspace held. */
const RUNTIME_TYPES = [
    "aws_ecs_cluster",
    "aws_ecs_service",
    "aws_lb",
    "aws_lb_listener",
    "aws_nat_gateway",
    "aws_ecs_task_definition",
];

/** Parses and checks a state; every problem is an OpsError that names what is wrong, and nothing is written. */
export function parseTerraformState(text: string, source: string): StateObject[] {
    const state = readTerraformState(text, source);
    const managed = (state.resources ?? []).filter((resource) => resource.mode === "managed");
    const refusals = managed.flatMap((resource) => unreadable(resource));
    if (refusals.length > 0) {
        throw new OpsError(
            `${source} holds what this adoption cannot map; nothing was written:\n${refusals.map((refusal) => `  - ${refusal}`).join("\n")}`,
            2,
        );
    }
    const objects = managed.flatMap((resource) =>
        (resource.instances ?? []).map((instance) => ({
            address: addressOf(resource, instance),
            type: resource.type,
            name: resource.name,
            index: instance.index_key,
            attributes: instance.attributes ?? {},
        })),
    );
    if (objects.length === 0)
        throw new OpsError(
            `${source} holds no managed resources; is it the state of the right workspace (terraform workspace select base-<env>)?`,
            2,
        );
    const runtimeTypes = [
        ...new Set(objects.map((object) => object.type).filter((type) => RUNTIME_TYPES.includes(type))),
    ];
    if (runtimeTypes.length > 0 && !objects.some((object) => object.type === "aws_vpc")) {
        throw new OpsError(
            `${source} is the state of a runtime workspace (it holds ${runtimeTypes.join(", ")} and no VPC); give the base workspace's state (terraform workspace select base-<env> && terraform state pull)`,
            2,
        );
    }
    return objects;
}

function addressOf(resource: StateResource, instance?: StateInstance): string {
    const key = instance?.index_key;
    const index = key === undefined ? "" : typeof key === "number" ? `[${key}]` : `["${key}"]`;
    return `${resource.module ? `${resource.module}.` : ""}${resource.type}.${resource.name}${index}`;
}

/** What the mapping would misread, each with the address and what to do in Terraform first. */
function unreadable(resource: StateResource): string[] {
    if (resource.module) {
        return [
            `${addressOf(resource)} is inside ${resource.module}: this reads the old base's root module only; move it out first (terraform state mv ${addressOf(resource)} ${resource.type}.${resource.name}) or adopt it by hand`,
        ];
    }
    return (resource.instances ?? []).flatMap((instance) => {
        const address = addressOf(resource, instance);
        if (instance.deposed) {
            return [
                `${address} has a deposed object (${instance.deposed}), left by a replacement that did not finish: run terraform apply in the old workspace to remove it, then pull the state again`,
            ];
        }
        if (instance.status === "tainted") {
            return [
                `${address} is tainted, so Terraform would replace it: terraform untaint ${address} if it is sound (or terraform apply to replace it), then pull the state again`,
            ];
        }
        if (!instance.attributes && instance.attributes_flat) {
            return [
                `${address} holds only attributes_flat (written before Terraform 0.12): run terraform apply -refresh-only with a current Terraform to rewrite it, then pull the state again`,
            ];
        }
        return [];
    });
}

/** The region the state's resources live in, read from their ARNs. */
export function stateRegion(objects: readonly StateObject[]): string | undefined {
    for (const object of objects) {
        const arn = String(object.attributes.arn ?? "");
        const region = /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(-[a-z]+)+-\d+):/.exec(arn)?.[1];
        if (region) return region;
    }
    return undefined;
}

/**
 * The environments the state's resources say they belong to: their Environment and Workspace tags
 * (the old setup's tag contract) and the environment part of the names it gave security groups and
 * repositories (`<project>-<env>-...`), each with the address that says so.
 */
export function stateEnvironments(
    objects: readonly StateObject[],
    environments: readonly string[],
): Map<string, string[]> {
    const found = new Map<string, string[]>();
    const note = (env: string, evidence: string) => found.set(env, [...(found.get(env) ?? []), evidence]);
    for (const object of objects) {
        const tags: Record<string, string> = object.attributes.tags ?? {};
        if (tags.Environment) note(tags.Environment, `${object.address} tag Environment=${tags.Environment}`);
        const workspace = /^[a-z]+-(.+)$/.exec(tags.Workspace ?? "")?.[1];
        if (workspace) note(workspace, `${object.address} tag Workspace=${tags.Workspace}`);
        if (["aws_security_group", "aws_ecr_repository"].includes(object.type)) {
            const named = String(object.attributes.name ?? "")
                .split(/[-_.]/)
                .find((part) => environments.includes(part));
            if (named) note(named, `${object.address} name ${object.attributes.name}`);
        }
    }
    return found;
}
