import { readFileSync } from "node:fs";
import { environmentFrom, parseFlags } from "../ops/args";
import { runMain } from "../ops/cli";
import { OpsError } from "../ops/errors";
import { parseStackName } from "../shared/stack-name";
import { USAGE_ASSUMPTIONS } from "./assumptions";
import { compare, estimate } from "./estimate";
import { priceResources } from "./price-resources";
import { HOURS_PER_MONTH } from "./prices";
import { renderComparison, renderMarkdown, renderText } from "./render";
import { resourcesFromPreview } from "./preview-file";

const USAGE = "npm run cost -- --env <dev|staging|prod> [--compare] [--json | --markdown]  |  npm run cost -- --preview FILE [--region us-west-2]";

/** Prices the resources of a `pulumi preview --json` file: one stack, as the real account sees it. */
function pricePreview(file: string, region: string, print: (text: string) => void, json: boolean): number {
    const inventory = resourcesFromPreview(readFileSync(file, "utf8"));
    const env = parseStackName(inventory.stack).env;
    const priced = priceResources(inventory.resources, region, USAGE_ASSUMPTIONS[env]);
    const monthly = priced.items.reduce((total, item) => total + item.monthly, 0);
    const hourly = priced.items.filter((item) => item.whileUp).reduce((total, item) => total + item.monthly, 0) / HOURS_PER_MONTH;
    if (json) {
        print(JSON.stringify({ stack: inventory.stack, region, items: priced.items, unpriced: priced.unpriced, monthlyAlwaysOn: monthly, perHourUp: hourly }, null, 2));
    } else {
        print(priced.items.map((item) => `${item.resource}: ${item.what}  $${item.monthly.toFixed(2)}`).join("\n"));
        print(`${inventory.stack}: $${monthly.toFixed(2)} a month always on, $${hourly.toFixed(4)} an hour up`);
        if (priced.unpriced.length > 0) print(`not priced (unknown to cost/price-resources.ts): ${priced.unpriced.join(", ")}`);
    }
    return priced.unpriced.length > 0 ? 1 : 0;
}

/** `npm run cost`: prices what the program declares for an environment, offline. */
export async function main(argv: string[], _signal?: AbortSignal, print: (text: string) => void = console.log): Promise<number> {
    const flags = parseFlags(
        argv,
        { env: { type: "string" }, compare: { type: "boolean" }, json: { type: "boolean" }, markdown: { type: "boolean" }, preview: { type: "string" }, region: { type: "string" } },
        USAGE,
    );
    if (flags.preview) {
        if (flags.compare || flags.markdown) throw new OpsError(`--preview prints a table or --json only\nusage: ${USAGE}`, 2);
        return pricePreview(flags.preview, flags.region ?? "us-west-2", print, flags.json === true);
    }
    const env = environmentFrom(flags.env, USAGE);
    if (flags.compare) {
        const summaries = await compare(env);
        print(flags.json ? JSON.stringify(summaries, null, 2) : renderComparison(summaries, flags.markdown === true));
        return 0;
    }
    const summary = await estimate(env);
    print(flags.json ? JSON.stringify(summary, null, 2) : flags.markdown ? renderMarkdown(summary) : renderText(summary));
    return 0;
}

if (require.main === module) runMain((argv, signal) => main(argv, signal));
