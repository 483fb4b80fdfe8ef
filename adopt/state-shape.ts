import { OpsError } from "../cli/errors";

/**
 * The shape of a Terraform state file, checked before anything reads it, so a damaged or hand-edited
 * file gets the JSON path of what is wrong instead of a TypeError from deep inside the mapping.
 *
 * Format version 4 (Terraform 0.12 and later; hashicorp/terraform internal/states/statefile/version4.go,
 * stateV4, resourceStateV4 and instanceObjectStateV4): `resources` is a list, each with `module` (absent
 * in the root module, else "module.a" or "module.a.module.b", with ["key"] or [n] for module instances),
 * `mode` "managed" or "data", `type`, `name` and `instances`; an instance has `index_key` (an integer
 * for count, a string for for_each), `status`, `deposed`, and `attributes` or, written before 0.12,
 * `attributes_flat`. `terraform state pull` writes the newest format. Format version 3 (Terraform 0.7 to 0.11, version3.go: the same structs as
 * version 2) has `modules`, each with a `path` and a `resources` object keyed by address.
 */

/** An instance; `deposed` is the key of an object a create_before_destroy replacement left behind. */
export interface StateInstance {
    readonly index_key?: number | string;
    readonly status?: string;
    readonly deposed?: string;
    readonly attributes?: Record<string, any>;
    readonly attributes_flat?: Record<string, string>;
}

export interface StateResource {
    readonly module?: string;
    readonly mode: "managed" | "data";
    readonly type: string;
    readonly name: string;
    readonly instances?: readonly StateInstance[];
}

export interface TerraformState {
    readonly version: number;
    readonly resources: readonly StateResource[];
}

/** The attributes the mapping reads, per type: each must be a string where the instance has attributes. */
const READ_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
    aws_vpc: ["id", "cidr_block"],
    aws_internet_gateway: ["id"],
    aws_subnet: ["id", "cidr_block", "availability_zone"],
    aws_route_table: ["id"],
    aws_route_table_association: ["subnet_id", "route_table_id"],
    aws_security_group: ["id", "name", "description"],
    aws_ecr_repository: ["name"],
    aws_ecr_lifecycle_policy: ["repository"],
    aws_ecr_repository_policy: ["repository"],
    aws_route53_zone: ["zone_id", "name"],
    aws_route53_record: ["id", "zone_id", "name", "type"],
    aws_acm_certificate: ["arn", "domain_name"],
    aws_cloudwatch_log_group: ["name"],
};
/** Attributes the mapping reads as lists or maps where they are present. */
const LIST_ATTRIBUTES = ["ingress", "egress", "subject_alternative_names", "encryption_configuration"];
const MAP_ATTRIBUTES = ["tags"];
/** More than this many problems says the file is not a state at all; the first ones are enough to see why. */
const PROBLEMS_SHOWN = 10;

const kindOf = (value: unknown) =>
    value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : typeof value;
const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/** Parses the text and checks its shape; every problem is an OpsError (exit 2) naming the JSON path. */
export function readTerraformState(text: string, source: string): TerraformState {
    let document: unknown;
    try {
        document = JSON.parse(text);
    } catch (error) {
        throw new OpsError(
            `${source} is not JSON (${(error as Error).message}); give the file "terraform state pull" writes`,
            2,
        );
    }
    if (!isObject(document) || typeof document.version !== "number") {
        throw new OpsError(
            `${source} is not a Terraform state file: $.version should be the format version (a number), but it is ${kindOf(isObject(document) ? document.version : document)}`,
            2,
        );
    }
    if (document.version !== 4) {
        throw new OpsError(
            `${source} is Terraform state format version ${document.version}; this reads version 4 (Terraform 0.12 and later): run "terraform state pull" with a current Terraform`,
            2,
        );
    }
    const problems = shapeProblems(document);
    if (problems.length > 0) {
        const shown = problems.slice(0, PROBLEMS_SHOWN).map((problem) => `  - ${problem}`);
        if (problems.length > PROBLEMS_SHOWN) shown.push(`  - and ${problems.length - PROBLEMS_SHOWN} more`);
        throw new OpsError(
            `${source} is not a whole Terraform state (format version 4); nothing was read further:\n${shown.join("\n")}\npull it again (terraform state pull > FILE) rather than editing it`,
            2,
        );
    }
    return document as unknown as TerraformState;
}

function shapeProblems(document: Record<string, unknown>): string[] {
    if (document.resources === undefined) return [];
    if (!Array.isArray(document.resources))
        return [`$.resources should be a list of resources, but it is ${kindOf(document.resources)}`];
    return document.resources.flatMap((resource, index) => resourceProblems(resource, `$.resources[${index}]`));
}

function resourceProblems(resource: unknown, path: string): string[] {
    if (!isObject(resource)) return [`${path} should be an object, but it is ${kindOf(resource)}`];
    const problems: string[] = [];
    for (const key of ["type", "name"])
        if (typeof resource[key] !== "string" || resource[key] === "")
            problems.push(`${path}.${key} should be a name, but it is ${kindOf(resource[key])}`);
    if (resource.mode !== "managed" && resource.mode !== "data")
        problems.push(`${path}.mode should be "managed" or "data", but it is ${JSON.stringify(resource.mode)}`);
    if (resource.module !== undefined && !/^module\.[^.]/.test(String(resource.module)))
        problems.push(
            `${path}.module should be a module address (module.NAME), but it is ${JSON.stringify(resource.module)}`,
        );
    if (!Array.isArray(resource.instances)) {
        problems.push(`${path}.instances should be a list of instances, but it is ${kindOf(resource.instances)}`);
    } else if (resource.instances.length === 0 && resource.mode === "managed") {
        // Terraform drops a resource from the state once its last instance is gone.
        problems.push(`${path}.instances is empty: Terraform never writes a resource without instances`);
    } else if (resource.mode === "managed") {
        resource.instances.forEach((instance, index) =>
            problems.push(...instanceProblems(instance, `${path}.instances[${index}]`, String(resource.type))),
        );
    }
    return problems;
}

function instanceProblems(instance: unknown, path: string, type: string): string[] {
    if (!isObject(instance)) return [`${path} should be an object, but it is ${kindOf(instance)}`];
    const problems: string[] = [];
    const key = instance.index_key;
    if (key !== undefined && !(typeof key === "string" || Number.isInteger(key)))
        problems.push(
            `${path}.index_key should be an integer (count) or a string (for_each), but it is ${kindOf(key)}`,
        );
    if (instance.attributes === undefined) {
        if (!isObject(instance.attributes_flat))
            problems.push(`${path} has no attributes (nor attributes_flat): the instance's values are missing`);
        return problems;
    }
    if (!isObject(instance.attributes))
        return [...problems, `${path}.attributes should be an object, but it is ${kindOf(instance.attributes)}`];
    const attributes = instance.attributes;
    for (const name of READ_ATTRIBUTES[type] ?? [])
        if (typeof attributes[name] !== "string")
            problems.push(`${path}.attributes.${name} should be a string, but it is ${kindOf(attributes[name])}`);
    for (const name of LIST_ATTRIBUTES)
        if (attributes[name] !== undefined && attributes[name] !== null && !Array.isArray(attributes[name]))
            problems.push(`${path}.attributes.${name} should be a list, but it is ${kindOf(attributes[name])}`);
    for (const name of MAP_ATTRIBUTES)
        if (attributes[name] !== undefined && attributes[name] !== null && !isObject(attributes[name]))
            problems.push(`${path}.attributes.${name} should be a map, but it is ${kindOf(attributes[name])}`);
    return problems;
}
