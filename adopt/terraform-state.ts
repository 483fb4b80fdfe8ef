import { OpsError } from "../cli/errors";

/**
 * A Terraform state file as `terraform state pull` writes it, format version 4: `resources`, each
 * with `mode` (managed or data), `type`, `name` and `instances`, whose `index_key` is an integer for
 * `count` and a string for `for_each` (Terraform's internal/states/statefile, version 4).
 */
export interface StateInstance {
    readonly index_key?: number | string;
    readonly attributes: Record<string, any>;
}

export interface StateResource {
    readonly mode: "managed" | "data";
    readonly type: string;
    readonly name: string;
    readonly instances: readonly StateInstance[];
}

export interface TerraformState {
    readonly version: number;
    readonly resources: readonly StateResource[];
}

/** One managed instance, addressed as Terraform prints it: aws_subnet.public[0], aws_route53_record.cert_validation["x"]. */
export interface StateObject {
    readonly address: string;
    readonly type: string;
    readonly name: string;
    readonly index?: number | string;
    readonly attributes: Record<string, any>;
}

/** Resource types only the old runtime workspace held. */
const RUNTIME_TYPES = ["aws_ecs_cluster", "aws_ecs_service", "aws_lb", "aws_lb_listener", "aws_nat_gateway", "aws_ecs_task_definition"];

/** Parses and checks a state; every problem is an OpsError that names what is wrong, and nothing is written. */
export function parseTerraformState(text: string, source: string): StateObject[] {
    let state: TerraformState;
    try {
        state = JSON.parse(text);
    } catch (error) {
        throw new OpsError(`${source} is not JSON (${(error as Error).message}); give the file "terraform state pull" writes`, 2);
    }
    if (typeof state !== "object" || state === null || typeof state.version !== "number") {
        throw new OpsError(`${source} is not a Terraform state file: it has no format version`, 2);
    }
    if (state.version !== 4) {
        throw new OpsError(`${source} is Terraform state format version ${state.version}; this reads version 4 (Terraform 0.12 and later): run "terraform state pull" with a current Terraform`, 2);
    }
    const managed = (state.resources ?? []).filter((resource) => resource.mode === "managed");
    const objects = managed.flatMap((resource) =>
        resource.instances.map((instance) => ({
            address: `${resource.type}.${resource.name}${instance.index_key === undefined ? "" : typeof instance.index_key === "number" ? `[${instance.index_key}]` : `["${instance.index_key}"]`}`,
            type: resource.type,
            name: resource.name,
            index: instance.index_key,
            attributes: instance.attributes ?? {},
        })),
    );
    if (objects.length === 0) throw new OpsError(`${source} holds no managed resources; is it the state of the right workspace (terraform workspace select base-<env>)?`, 2);
    const runtimeTypes = [...new Set(objects.map((object) => object.type).filter((type) => RUNTIME_TYPES.includes(type)))];
    if (runtimeTypes.length > 0 && !objects.some((object) => object.type === "aws_vpc")) {
        throw new OpsError(`${source} is the state of a runtime workspace (it holds ${runtimeTypes.join(", ")} and no VPC); give the base workspace's state (terraform workspace select base-<env> && terraform state pull)`, 2);
    }
    return objects;
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
