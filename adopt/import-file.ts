import { mkdirSync, readFileSync } from "node:fs";
import { OutputFile } from "../cli/output-file";
import { BASE_COMPONENTS } from "../base/names";
import { join } from "node:path";
import { PROJECT_DIR } from "../offline/stack-files";

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
    /** The provider plugin version to import with: the one the project pins, so import and up agree. */
    readonly version?: string;
}

export type Outcome =
    "adopted" | "adopted, changes in place" | "replaced" | "left behind" | "created anew" | "not known" | "to resolve";

export interface ReportLine {
    readonly address: string;
    readonly outcome: Outcome;
    readonly detail: string;
}

/** The base's components an import entry may have as parent, by name, and their types (base/names.ts). */
export type Component = (typeof BASE_COMPONENTS)[keyof typeof BASE_COMPONENTS]["name"];
export const COMPONENT_TYPES = Object.fromEntries(
    Object.values(BASE_COMPONENTS).map(({ name, type }) => [name, type]),
) as Record<Component, string>;

/** The @pulumi/aws version package.json pins; its provider plugin has the same version. */
export function pinnedAwsProviderVersion(dir = PROJECT_DIR): string {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const version = manifest.dependencies?.["@pulumi/aws"];
    if (!/^\d+\.\d+\.\d+$/.test(version ?? ""))
        throw new Error(
            `package.json pins @pulumi/aws as "${version}"; pin an exact version, which pulumi import needs`,
        );
    return version;
}

/** The file `pulumi import --file` reads: a name table (unused here) and the entries. */
export function importFileText(entries: readonly ImportEntry[]): string {
    return `${JSON.stringify({ nameTable: {}, resources: entries }, null, 2)}\n`;
}

/** Is this a file adopt wrote? Its two keys, and entries that include this project's base components. */
export function isImportFile(text: string): boolean {
    try {
        const document = JSON.parse(text);
        return (
            JSON.stringify(Object.keys(document)) === JSON.stringify(["nameTable", "resources"]) &&
            Array.isArray(document.resources) &&
            document.resources.every(
                (entry: ImportEntry) => typeof entry?.type === "string" && typeof entry?.name === "string",
            ) &&
            document.resources.some((entry: ImportEntry) => Object.values(COMPONENT_TYPES).includes(entry.type))
        );
    } catch {
        return false;
    }
}

/**
 * Where the import file goes: the path given, or `reports/import-base-<env>.json` in the project,
 * a folder the repository ignores (.gitignore), created when missing. Checked before any work: an
 * existing file adopt did not write is replaced only with --force.
 */
export function claimImportFile(
    given: string | undefined,
    options: { stack: string; force: boolean; dir?: string },
): OutputFile {
    let file = given;
    if (file === undefined) {
        const folder = join(options.dir ?? PROJECT_DIR, "reports");
        mkdirSync(folder, { recursive: true });
        file = join(folder, `import-${options.stack}.json`);
    }
    return OutputFile.claim(file, {
        flag: "--import-file",
        force: options.force,
        wroteIt: isImportFile,
        what: "an import file",
    });
}
