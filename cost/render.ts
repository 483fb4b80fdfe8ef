import { CostSummary, StackCost } from "./estimate";
import { textTable } from "../cli/text-table";
import { pricesFor } from "./prices";

const usd = (value: number) => `$${value.toFixed(2)}`;
const unitUsd = (value: number) => `$${Number(value.toPrecision(4))}`;
const quantity = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

/** Figures (quantity, prices, totals) from the third column on are right-aligned. */
const table = (rows: string[][]) => textTable(rows, { rightAlignFrom: 2 });

function stackRows(stack: StackCost): string[][] {
    return stack.items.map((item) => [
        `${item.resource}: ${item.what}`,
        item.unit,
        quantity(item.quantity),
        unitUsd(item.unitPrice),
        usd(item.monthly),
    ]);
}

function summaryLines(summary: CostSummary): Array<[string, string]> {
    return [
        ["base, always on, per month", usd(summary.baseMonthly)],
        ["runtime, per hour up", `$${summary.runtimePerHour.toFixed(4)}`],
        ["runtime, per month if always on", usd(summary.runtimeMonthlyAlwaysOn)],
        [
            summary.wakeOnRequest
                ? `runtime, per month awake ${Math.round(summary.upHoursPerMonth)} h (hours of use assumed), asleep the rest`
                : `runtime, per month on the schedule (${Math.round(summary.upHoursPerMonth)} h up)`,
            usd(summary.runtimeMonthlyScheduled),
        ],
        ["total per month", usd(summary.totalMonthly)],
        [
            summary.wakeOnRequest ? "saving from sleeping (wakeOnRequest)" : "saving from the teardown schedule",
            `${usd(summary.saving)} (${summary.savingPercent.toFixed(0)}%)`,
        ],
    ];
}

function assumptionsLine(summary: CostSummary): string {
    const a = summary.assumptions;
    return (
        `assumptions (usage in shared/environments.ts, ${summary.env}): ${a.natGbPerMonth} GB/month through NAT, ${a.averageLcu} LCU average, ` +
        `${a.logGbIngestedPerMonth} GB/month of logs (${a.logGbStored} GB kept), ${a.imageGbPerRepository} GB of images per repository, ${a.apiMillionRequestsPerMonth} million HTTP API requests a month with ${a.apiAccessLogBytesPerRequest} bytes of access log each (front door http-api)${summary.wakeOnRequest ? `, awake ${a.awakeHoursPerMonth} hours a month (wakeOnRequest)` : ""}; ` +
        `prices for ${summary.region} seen ${pricesFor(summary.region).natGatewayHour.seen} (cost/prices.ts)`
    );
}

export function renderText(summary: CostSummary): string {
    const header = ["resource", "unit", "quantity/month", "unit price", "monthly"];
    return [
        `${summary.env} (${summary.label}), ${summary.region}`,
        `from Pulumi.${summary.base.stack}.yaml and Pulumi.${summary.runtime.stack}.yaml`,
        "",
        `${summary.base.stack}`,
        table([header, ...stackRows(summary.base)]),
        "",
        `${summary.runtime.stack} (monthly if always on)`,
        table([header, ...stackRows(summary.runtime)]),
        "",
        table(summaryLines(summary).map(([label, value]) => [label, "", value])),
        "",
        assumptionsLine(summary),
    ].join("\n");
}

export function renderMarkdown(summary: CostSummary): string {
    const rows = summaryLines(summary).map(([label, value]) => `| ${label} | ${value} |`);
    return [
        `### Cost of ${summary.env} (${summary.label})`,
        "",
        "| | |",
        "| --- | ---: |",
        ...rows,
        "",
        `<sub>${assumptionsLine(summary)}</sub>`,
    ].join("\n");
}

export function renderComparison(summaries: readonly CostSummary[], markdown: boolean): string {
    const header = [
        "layout",
        "front door",
        "base/month",
        "runtime/hour",
        "runtime/month always on",
        "runtime/month scheduled",
        "total/month",
    ];
    const rows = summaries.map((s) => [
        s.label,
        s.frontDoor,
        usd(s.baseMonthly),
        `$${s.runtimePerHour.toFixed(4)}`,
        usd(s.runtimeMonthlyAlwaysOn),
        usd(s.runtimeMonthlyScheduled),
        usd(s.totalMonthly),
    ]);
    if (markdown) {
        return [
            `### Cost of ${summaries[0].env} by layout`,
            "",
            `| ${header.join(" | ")} |`,
            `| --- | --- |${" ---: |".repeat(header.length - 2)}`,
            ...rows.map((row) => `| ${row.join(" | ")} |`),
        ].join("\n");
    }
    return [`${summaries[0].env}, every front door and egress mode, and the old layout`, table([header, ...rows])].join(
        "\n",
    );
}
