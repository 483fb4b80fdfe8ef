import * as path from "node:path";
import { OutputFile } from "../cli/output-file";
import { textTable } from "../cli/text-table";
import { stackFilePath } from "../offline/stack-files";
import type { Adoption } from "./adopt";
import { importFileText } from "./import-file";
import { writeStackConfig } from "./stack-config";

/** What adopt prints and writes, in the order it does: the report first, the files only when the import matches. */

/** The summary line, the report's table, and, when the import does not match the program, every mismatch. */
export function reportLines({ stack, plan, problems }: Adoption): string[] {
    const count = (outcome: string) => plan.report.filter((line) => line.outcome === outcome).length;
    const imported = plan.entries.filter((entry) => !entry.component).length;
    const lines = [
        `${stack}: ${imported} resources to import, ${count("created anew")} created anew, ${count("left behind")} left behind, ${count("not known")} not known\n`,
        textTable([
            ["terraform", "outcome", "detail"],
            ...plan.report.map((line) => [line.address, line.outcome, line.detail]),
        ]),
    ];
    if (problems.length > 0)
        lines.push(
            `\nthe import does not match the program (${problems.length}); nothing was written:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
        );
    return lines;
}

/**
 * Writes the import file and, with `write`, the config into the stack file (`dir`: where the stack
 * files are); returns the lines that say what was written and what to run next.
 */
export function writeAdoption(
    { stack, stackFile, plan }: Adoption,
    importFile: OutputFile,
    options: { write: boolean; dir?: string },
): string[] {
    const keys = Object.entries(plan.config).map(([key, value]) => [`${stackFile.project}:${key}`, value] as const);
    const lines = [
        `\nconfig for ${path.basename(stackFile.file)} (reproduces the old layout):\n${keys.map(([key, value]) => `  ${key}: ${value}`).join("\n")}`,
    ];
    importFile.write(importFileText(plan.entries));
    const unresolved = plan.report.filter((line) => line.outcome === "to resolve").length;
    lines.push(
        unresolved > 0
            ? `\nwrote ${importFile.file} for review, without the ${unresolved} security group rules still to resolve: import it only after running adopt again without --offline`
            : `\nwrote ${importFile.file}: pulumi import --file ${importFile.file} -s ${stack}`,
    );
    if (!options.write) return [...lines, "run again with --write to put the config into the stack file"];
    const file = stackFilePath(stack, options.dir);
    writeStackConfig(file, keys);
    return [...lines, `wrote the config into ${file}; commit it`];
}
