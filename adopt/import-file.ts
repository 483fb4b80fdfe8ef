/** The shapes of what adoption writes: `pulumi import --file` entries and the report beside them. */

/** An entry of a `pulumi import --file` file. Components are created empty, as parents (pulumi 3.94+). */
export interface ImportEntry {
    readonly type: string;
    /** Unique within the file; `logicalName` is the name the program gives the resource. */
    readonly name: string;
    readonly logicalName?: string;
    readonly id?: string;
    readonly parent?: string;
    readonly component?: boolean;
}

export type Outcome = "adopted" | "adopted, changes in place" | "replaced" | "left behind" | "created anew" | "not known";

export interface ReportLine {
    readonly address: string;
    readonly outcome: Outcome;
    readonly detail: string;
}

export const COMPONENTS = {
    network: "durable-code:base:Network",
    "security-groups": "durable-code:base:SecurityGroups",
    registries: "durable-code:base:Registries",
    dns: "durable-code:base:Dns",
} as const;
export type Component = keyof typeof COMPONENTS;
