import { DeclaredResource } from "../offline/engine";

interface PreviewStep {
    readonly op: string;
    readonly urn: string;
    readonly newState?: { type: string; inputs?: Record<string, any>; outputs?: Record<string, any> };
    readonly oldState?: { type: string; inputs?: Record<string, any>; outputs?: Record<string, any> };
}

export interface PreviewInventory {
    /** The stack the preview is of, from its URNs (`urn:pulumi:<stack>::<project>::...`). */
    readonly stack: string;
    readonly resources: DeclaredResource[];
}

/**
 * The resources a `pulumi preview --json` would leave in the stack: what it creates, updates or keeps,
 * not what it deletes. For users with a real cloud, whose preview sees the actual account.
 */
export function resourcesFromPreview(json: string): PreviewInventory {
    const preview = JSON.parse(json) as { steps?: PreviewStep[] };
    if (!Array.isArray(preview.steps)) throw new Error('not the output of "pulumi preview --json": it has no steps');
    const kept = preview.steps.filter((step) => step.op !== "delete" && step.op !== "discard" && (step.newState ?? step.oldState));
    const stack = /^urn:pulumi:([^:]+)::/.exec(kept[0]?.urn ?? "")?.[1] ?? "unknown";
    const resources = kept.map((step): DeclaredResource => {
        const state = (step.newState ?? step.oldState)!;
        const inputs = state.inputs ?? {};
        return {
            type: state.type,
            name: step.urn.slice(step.urn.lastIndexOf("::") + 2),
            id: step.urn,
            inputs,
            state: { ...inputs, ...(state.outputs ?? {}) },
            protect: false,
            retainOnDelete: false,
            ignoreChanges: [],
            dependencies: [],
            parent: "",
        };
    });
    return { stack, resources };
}
