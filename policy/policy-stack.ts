import { CheckedStack } from "./rules";
import { TYPES } from "../shared/resource-types";

interface EngineResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, any>;
}

/**
 * The stack a policy run sees, as the rules want it: the root resource is named
 * `<project>-<layer>-<env>` (e.g. durable-code-runtime-dev); without one, the contract tags say.
 */
export function checkedStackFrom(resources: readonly EngineResource[]): CheckedStack {
    const root = resources.find((resource) => resource.type === TYPES.stack);
    const match = /^(.+)-(base|runtime)-([a-z0-9]+)$/.exec(root?.name ?? "");
    const tags = resources.find((resource) => resource.props.tags?.Layer)?.props.tags;
    const layer = match?.[2] ?? tags?.Layer;
    if (layer !== "base" && layer !== "runtime") {
        throw new Error(
            `cannot tell whether this stack is base or runtime: its root resource "${root?.name ?? "(none)"}" does not end in -<layer>-<env> and no resource carries a Layer tag`,
        );
    }
    return {
        project: match?.[1],
        layer,
        env: match?.[3] ?? tags?.Environment ?? "",
        resources: resources.map((resource) => ({
            type: resource.type,
            name: resource.name,
            urn: resource.urn,
            props: resource.props,
        })),
    };
}
