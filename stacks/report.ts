import { writeFileSync } from "node:fs";
import { OpsError } from "../cli/errors";
import { ResourceChanges } from "./automation";
import { textTable } from "../cli/text-table";

export type StepResult = "passed" | "failed" | "skipped" | "cancelled";

export interface StepRecord {
    readonly step: string;
    readonly result: StepResult;
    readonly durationMs: number;
    readonly changes?: ResourceChanges;
    /** Why it failed or was skipped. */
    readonly detail?: string;
}

export interface RunReport {
    readonly command: string;
    readonly env: string;
    readonly startedAt: string;
    readonly passed: boolean;
    /** 0 when every step passed, 130 when cancelled, 1 otherwise. */
    readonly exitCode: number;
    readonly steps: readonly StepRecord[];
}

/** `create 3, update 1`; `same` is left out because it is not a change. */
export function describeChanges(changes?: ResourceChanges): string {
    const entries = Object.entries(changes ?? {}).filter(([kind, count]) => kind !== "same" && count > 0);
    return entries.length === 0 ? "-" : entries.map(([kind, count]) => `${kind} ${count}`).join(", ");
}

export function formatDuration(ms: number): string {
    if (ms < 1000) return `${ms} ms`;
    const seconds = Math.round(ms / 1000);
    return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export function summaryTable(steps: readonly StepRecord[]): string {
    const rows = [
        ["step", "result", "duration", "resources changed"],
        ...steps.map((step) => [
            step.step,
            step.result,
            formatDuration(step.durationMs),
            describeChanges(step.changes),
        ]),
    ];
    return textTable(rows, { headerRule: true });
}

/** Writes the report; `failureExitCode` makes an unwritable file a usage error (checked before the first step). */
export function writeReport(file: string, report: RunReport, failureExitCode = 1): void {
    try {
        writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    } catch (error) {
        throw new OpsError(
            `--report ${file} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); choose a writable path`,
            failureExitCode,
        );
    }
}
