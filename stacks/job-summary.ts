import { appendFileSync } from "node:fs";
import { formatDuration } from "./report";

export interface JobSummary {
    readonly action: string;
    readonly stack: string;
    readonly result: "succeeded" | "failed" | "cancelled";
    readonly durationMs: number;
    readonly url?: string;
    readonly detail?: string;
}

/** Markdown for a GitHub Actions job summary: what ran, how long, the URL, the result. */
export function jobSummaryMarkdown(summary: JobSummary): string {
    const rows = [
        ["what ran", `${summary.action} ${summary.stack}`],
        ["result", summary.result === "succeeded" ? "✅ succeeded" : `❌ ${summary.result}`],
        ["duration", formatDuration(summary.durationMs)],
        ["application URL", summary.url ?? "-"],
    ];
    const table = ["| | |", "| --- | --- |", ...rows.map(([key, value]) => `| ${key} | ${value} |`)].join("\n");
    return `### ${summary.action} ${summary.stack}\n\n${table}\n${summary.detail ? `\n\`\`\`\n${summary.detail}\n\`\`\`\n` : ""}`;
}

/** Appends to the job summary when running in GitHub Actions; does nothing elsewhere. */
export function appendJobSummary(summary: JobSummary, file = process.env.GITHUB_STEP_SUMMARY): void {
    if (file) appendFileSync(file, `${jobSummaryMarkdown(summary)}\n`);
}
