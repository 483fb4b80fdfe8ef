import { EnvironmentName } from "../shared/environments";
import { Component, COMPONENT_TYPES, ImportEntry, pinnedAwsProviderVersion, ReportLine } from "./import-file";
import { StateObject } from "./terraform-state";

/** A property the program must declare as the state has it: each one the mapping checks forces a replacement when it differs. */
export interface Expectation {
    readonly address: string;
    readonly type: string;
    readonly logicalName: string;
    readonly property: string;
    readonly value: unknown;
}

/** A program resource whose counterpart the old base never held: pulumi up creates it, nothing is imported. */
export interface Creation {
    readonly type: string;
    readonly logicalName: string;
}

export interface AdoptionPlan {
    /** Keys (without the project namespace) and values to write into Pulumi.base-<env>.yaml. */
    readonly config: Record<string, string>;
    readonly entries: ImportEntry[];
    readonly report: ReportLine[];
    readonly expectations: Expectation[];
    readonly creations: Creation[];
    /** The zones the old subnets are in, by index: the program must choose the same. */
    readonly zones: string[];
}

export const TAGS_CHANGE = "tags become the contract tags";

/**
 * What the sections of the mapping (plan-network.ts, plan-security-groups.ts, ...) write into: the
 * import entries, the report, the expectations the offline check holds the program to, the config
 * and what is created anew. Each state object a section maps is marked handled; the rest is "not known".
 */
export class PlanBuilder {
    readonly entries: ImportEntry[] = [];
    readonly report: ReportLine[] = [];
    readonly expectations: Expectation[] = [];
    readonly creations: Creation[] = [];
    readonly config: Record<string, string> = {};
    readonly used = new Set<Component>();
    readonly version = pinnedAwsProviderVersion();
    private readonly done = new Set<string>();

    constructor(
        private readonly objects: readonly StateObject[],
        readonly scope: { readonly project: string; readonly env: EnvironmentName },
    ) {}

    /** The root module's objects of a type (and name): what a module holds has no place in the base. */
    find(type: string, name?: string): StateObject[] {
        return this.objects.filter(
            (object) => !object.module && object.type === type && (name === undefined || object.name === name),
        );
    }

    /** An import entry for `object`, and its report line with what the adoption changes in place. */
    adopt(
        object: StateObject,
        target: { type: string; logicalName: string; parent: Component },
        id: string,
        changes: string[] = [],
    ): void {
        const { type, logicalName, parent } = target;
        this.used.add(parent);
        // Entries' names are unique in the file; two resources of one name get the type after it.
        const fileName = this.entries.some((entry) => entry.name === logicalName)
            ? `${logicalName}:${type.split(":").pop()}`
            : logicalName;
        this.entries.push({
            type,
            name: fileName,
            ...(fileName !== logicalName ? { logicalName } : {}),
            id,
            parent,
            version: this.version,
        });
        const changed = changes.length > 0 ? `; changes in place: ${changes.join("; ")}` : "";
        this.line(
            object,
            changes.length > 0 ? "adopted, changes in place" : "adopted",
            `${logicalName} (${type}) ${id}${changed}`,
        );
    }

    /** The program must declare `property` of the resource as the state holds it. */
    expect(object: StateObject, target: { type: string; logicalName: string }, property: string, value: unknown): void {
        this.expectations.push({ address: object.address, ...target, property, value });
    }

    /** A resource the state holds none of (`missing` names what it would be), which pulumi up creates. */
    create(type: string, logicalName: string, missing: string): void {
        this.creations.push({ type, logicalName });
        this.report.push({
            address: "(not in the state)",
            outcome: "created anew",
            detail: `${logicalName} (${type}): the state holds no ${missing}, so pulumi up creates it`,
        });
    }

    /** A report line for `object`, which counts as handled. */
    line(object: StateObject, outcome: ReportLine["outcome"], detail: string): void {
        this.report.push({ address: object.address, outcome, detail });
        this.done.add(object.address);
    }

    /** The plan: every object no section handled is "not known", and the parents come first, created by the import. */
    result(zones: string[]): AdoptionPlan {
        for (const object of this.objects.filter((candidate) => !this.done.has(candidate.address)))
            this.report.push({
                address: object.address,
                outcome: "not known",
                detail: `no counterpart in this program's base (type ${object.type}); it stays as it is: decide whether to keep it outside any stack, or delete it with Terraform before "terraform state rm"`,
            });
        const components = [...this.used].map((name): ImportEntry => ({
            type: COMPONENT_TYPES[name],
            name,
            component: true,
        }));
        return {
            config: this.config,
            entries: [...components, ...this.entries],
            report: this.report,
            expectations: this.expectations,
            creations: this.creations,
            zones,
        };
    }
}
