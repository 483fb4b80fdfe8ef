import { OpsError } from "../cli/errors";
import { readTerraformState, StateInstance, StateResource } from "./state-shape";

export type { StateInstance, StateResource, TerraformState } from "./state-shape";

/** One managed instance, addressed as Terraform prints it: aws_subnet.public[0], aws_route53_record.cert_validation["x"]. */
export interface StateObject {
    readonly address: string;
    /** The module the instance is in ("module.vpc"), absent in the root module. */
    readonly module?: string;
    readonly type: string;
    readonly name: string;
    readonly index?: number | string;
    readonly attributes: Record<string, any>;
    readonly instance: StateInstance;
}

/** Reads a state and lists its managed instances; a file of the wrong shape is an OpsError naming the JSON path. */
export function parseTerraformState(text: string, source: string): StateObject[] {
    const state = readTerraformState(text, source);
    return (state.resources ?? [])
        .filter((resource) => resource.mode === "managed")
        .flatMap((resource) =>
            (resource.instances ?? []).map((instance) => ({
                address: addressOf(resource, instance),
                ...(resource.module ? { module: resource.module } : {}),
                type: resource.type,
                name: resource.name,
                index: instance.index_key,
                attributes: instance.attributes ?? {},
                instance,
            })),
        );
}

/** Terraform's address of an instance: module path, type, name and index key ([0], ["key"]). */
export function addressOf(resource: Pick<StateResource, "module" | "type" | "name">, instance?: StateInstance): string {
    const key = instance?.index_key;
    const index = key === undefined ? "" : typeof key === "number" ? `[${key}]` : `["${key}"]`;
    return `${resource.module ? `${resource.module}.` : ""}${resource.type}.${resource.name}${index}`;
}

/**
 * Refuses what the mapping would misread (deposed objects, tainted instances, attributes_flat), each
 * line with the address and what to do in Terraform first.
 */
export function refuseUnreadable(objects: readonly StateObject[], source: string): void {
    const refusals = objects.flatMap(({ address, instance }) => {
        if (instance.deposed)
            return [
                `${address} has a deposed object (${instance.deposed}), left by a replacement that did not finish: run terraform apply in the old workspace to remove it, then pull the state again`,
            ];
        if (instance.status === "tainted")
            return [
                `${address} is tainted, so Terraform would replace it: terraform untaint ${address} if it is sound (or terraform apply to replace it), then pull the state again`,
            ];
        if (!instance.attributes && instance.attributes_flat)
            return [
                `${address} holds only attributes_flat (written before Terraform 0.12): run terraform apply -refresh-only with a current Terraform to rewrite it, then pull the state again`,
            ];
        return [];
    });
    if (refusals.length > 0)
        throw new OpsError(
            `${source} holds what this adoption cannot map; nothing was written:\n${refusals.map((refusal) => `  - ${refusal}`).join("\n")}`,
            2,
        );
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
