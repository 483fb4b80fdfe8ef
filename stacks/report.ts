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

/** The report as written to `--report FILE`. */
export function reportText(report: RunReport): string {
    return `${JSON.stringify(report, null, 2)}\n`;
}

/** Whether a file's text is a report `command` wrote: only such a file is replaced without --force. */
export function isRunReport(text: string, command: string): boolean {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        return false;
    }
    const report = parsed as Partial<RunReport> | null;
    return (
        typeof report === "object" &&
        report !== null &&
        report.command === command &&
        typeof report.startedAt === "string" &&
        Array.isArray(report.steps)
    );
}
