import { DeclaredResource } from "../offline/engine";

/**
 * One step of `pulumi preview --json`: the CLI's PreviewDigest (pulumi/pulumi pkg/display/json.go)
 * has `steps`, each with `op`, `urn` and the resource's `oldState` / `newState` (apitype.ResourceV3:
 * `type`, `inputs`, `outputs`, `parent`, ...).
 */
interface PreviewStep {
    readonly op: string;
    readonly urn: string;
    readonly newState?: ResourceState;
    readonly oldState?: ResourceState;
}

interface ResourceState {
    readonly type: string;
    readonly inputs?: Record<string, any>;
    readonly outputs?: Record<string, any>;
    readonly parent?: string;
}

export interface PreviewInventory {
    /** The stack the preview is of, from its URNs (`urn:pulumi:<stack>::<project>::...`). */
    readonly stack: string;
    readonly resources: DeclaredResource[];
}

/** The preview file is not what `pulumi preview --json` writes; one line, said to the user. */
export class PreviewFileError extends Error {}

/**
 * Steps whose resource is not in the stack afterwards: deletions (a replacement's old half
 * included) and reads of resources the stack does not manage.
 */
const NOT_LEFT_IN_STACK = new Set([
    "delete",
    "delete-replaced",
    "discard",
    "discard-replaced",
    "remove-pending-replace",
    "read",
    "read-replacement",
    "refresh",
]);

/**
 * The resources a `pulumi preview --json` leaves in the stack: created, updated, replaced or kept
 * (`same`, present with --show-sames), each once. A replacement shows up as up to three steps
 * (`create-replacement`, `replace`, `delete-replaced`) for one URN, and is priced once.
 */
export function resourcesFromPreview(json: string): PreviewInventory {
    if (json.trim() === "")
        throw new PreviewFileError('is empty; write it with "pulumi preview --json -s <stack> > preview.json"');
    let preview: unknown;
    try {
        preview = JSON.parse(json);
    } catch (error) {
        throw new PreviewFileError(
            `is not JSON (${(error as Error).message}); write it with "pulumi preview --json -s <stack> > preview.json"`,
        );
    }
    const steps = (preview as { steps?: unknown })?.steps;
    if (!Array.isArray(steps))
        throw new PreviewFileError('is not the output of "pulumi preview --json": it has no steps list');
    steps.forEach((step, index) => {
        if (typeof step?.op !== "string" || typeof step?.urn !== "string" || !/^urn:pulumi:[^:]+::/.test(step.urn)) {
            throw new PreviewFileError(
                `is not the output of "pulumi preview --json": step ${index + 1} has no op and urn:pulumi:... URN`,
            );
        }
    });

    const byUrn = new Map<string, ResourceState>();
    for (const step of steps as PreviewStep[]) {
        const state = step.newState ?? step.oldState;
        if (NOT_LEFT_IN_STACK.has(step.op) || !state || byUrn.has(step.urn)) continue;
        if (typeof state.type !== "string")
            throw new PreviewFileError(
                `is not the output of "pulumi preview --json": the state of ${step.urn} has no type`,
            );
        byUrn.set(step.urn, state);
    }
    const stacks = new Set((steps as PreviewStep[]).map((step) => /^urn:pulumi:([^:]+)::/.exec(step.urn)![1]));
    if (stacks.size !== 1)
        throw new PreviewFileError(
            `holds steps of ${stacks.size} stacks (${[...stacks].join(", ")}); price one stack's preview at a time`,
        );

    const resources = [...byUrn].map(([urn, state]): DeclaredResource => {
        const inputs = state.inputs ?? {};
        return {
            type: state.type,
            name: urn.slice(urn.lastIndexOf("::") + 2),
            id: urn,
            inputs,
            state: { ...inputs, ...(state.outputs ?? {}) },
            protect: false,
            retainOnDelete: false,
            ignoreChanges: [],
            dependencies: [],
            parent: state.parent ?? "",
        };
    });
    return { stack: [...stacks][0], resources };
}
