import { describeReviewCost, estimateReview } from "../cost/review";
import { readFileSync } from "node:fs";
import { ENV_VALUE, environmentFrom, exclusive } from "../cli/args";
import { CommandSpec, parseCommand } from "../cli/command";
import { runMain } from "../cli/run-main";
import { OpsError } from "../cli/errors";
import { StackSource } from "../offline/evaluate";
import { EGRESS_MODES, EgressMode, egressModesFor, EnvironmentName, isProductionLike } from "../shared/environments";
import { LAYERS, stackNameOf } from "../shared/stack-name";
import { describeResult, isStackProblem, StackChecker } from "../check/check";
import { compare, estimate } from "../cost/estimate";
import { PRICES } from "../cost/prices";
import { renderComparison, renderMarkdown, renderText } from "../cost/render";
import { PreviewFileError } from "../cost/preview-file";
import { pricePreview } from "../cost/preview-cost";

export const COST_SPEC: CommandSpec = {
    usage: `npm run cost -- --env <${ENV_VALUE}> [--egress MODE | --wake-on-request] [--region REGION] [--compare] [--json | --markdown]  |  npm run cost -- --preview FILE [--region REGION] [--json]  |  npm run cost -- --review [--json]`,
    summary:
        "Prices what the committed stack files declare, offline, from the dated prices in cost/prices.ts; or a pulumi preview --json file.",
    flags: {
        env: { type: "string", value: ENV_VALUE, help: "the environment to price" },
        egress: {
            type: "string",
            value: "MODE",
            help: `what-if: price this egress mode (${EGRESS_MODES.join(", ")})`,
            default: "the committed one",
        },
        "wake-on-request": {
            type: "boolean",
            help: "what-if: price it asleep at rest, by its hours of use (wakeOnRequest, with http-api and public-ip)",
            default: "as committed",
        },
        region: {
            type: "string",
            value: "REGION",
            help: "what-if: price in this region (must have a price table)",
            default: "the committed aws:region",
        },
        compare: {
            type: "boolean",
            help: "every front door and egress mode, and the old layout, side by side",
            default: "off",
        },
        json: { type: "boolean", help: "the figures as JSON", default: "off" },
        markdown: { type: "boolean", help: "a table for a pull request comment", default: "off" },
        preview: { type: "string", value: "FILE", help: "price the output of pulumi preview --json instead" },
        review: {
            type: "boolean",
            help: "price one pull request's review (npm run review) per hour awake and per day",
            default: "off",
        },
    },
    examples: ["npm run cost -- --env dev --compare", "npm run cost -- --preview preview.json --json"],
};
const USAGE = COST_SPEC.usage;

/** Prints what a `pulumi preview --json` file's stack costs (cost/preview-cost.ts); exit 1 when a type is unpriced. */
function printPreviewCost(file: string, region: string, print: (text: string) => void, json: boolean): number {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (error) {
        throw new OpsError(
            `--preview ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
            2,
        );
    }
    let priced;
    try {
        priced = pricePreview(text, region);
    } catch (error) {
        if (error instanceof PreviewFileError) throw new OpsError(`--preview ${file} ${error.message}`, 2);
        throw error;
    }
    if (json) {
        print(JSON.stringify(priced, null, 2));
    } else {
        print(priced.items.map((item) => `${item.resource}: ${item.what}  $${item.monthly.toFixed(2)}`).join("\n"));
        print(
            `${priced.stack}: $${priced.monthlyAlwaysOn.toFixed(2)} a month always on, $${priced.perHourUp.toFixed(4)} an hour up`,
        );
        if (priced.unpriced.length > 0)
            print(`not priced (unknown to cost/price-resources.ts): ${priced.unpriced.join(", ")}`);
    }
    return priced.unpriced.length > 0 ? 1 : 0;
}

function pricedRegion(value: string | undefined): string | undefined {
    if (value !== undefined && !PRICES[value]) {
        throw new OpsError(
            `--region ${value} is not priced; cost/prices.ts has ${Object.keys(PRICES).join(", ")} (add a dated table for another region)\nusage: ${USAGE}`,
            2,
        );
    }
    return value;
}

function egressMode(value: string | undefined): EgressMode | undefined {
    if (value !== undefined && !(EGRESS_MODES as readonly string[]).includes(value)) {
        throw new OpsError(`--egress must be one of ${EGRESS_MODES.join(", ")} (got "${value}")\nusage: ${USAGE}`, 2);
    }
    return value as EgressMode | undefined;
}

/**
 * `npm run cost`: prices an environment as its committed stack files declare it, offline; `--egress`
 * and `--region` price a what-if on top of them and say so in the header.
 */
export async function main(
    argv: string[],
    _signal?: unknown,
    print: (text: string) => void = console.log,
    source: StackSource = {},
): Promise<number> {
    const flags = parseCommand(argv, COST_SPEC) as {
        env?: string;
        egress?: string;
        compare?: boolean;
        json?: boolean;
        markdown?: boolean;
        preview?: string;
        region?: string;
        "wake-on-request"?: boolean;
        review?: boolean;
    };
    exclusive(
        flags,
        [
            ["json", "markdown", "choose one output format"],
            ["preview", "env", "a preview file names its own stack"],
            ["preview", "compare", "a preview is of one layout"],
            ["preview", "markdown", "a preview prints a table or --json"],
            ["preview", "egress", "a preview is priced as it is"],
            ["compare", "egress", "--compare shows every egress mode and front door"],
            ["wake-on-request", "egress", "wakeOnRequest runs without NAT (egress public-ip)"],
            ["wake-on-request", "compare", "--compare shows every egress mode and front door"],
            ["wake-on-request", "preview", "a preview is priced as it is"],
            ["review", "env", "a review is dev's runtime beside it"],
            ["review", "preview", "a review is priced from the committed files"],
            ["review", "compare", "a review runs one layout"],
            ["review", "egress", "a review runs with public addresses"],
            ["review", "region", "a review runs in dev's region"],
            ["review", "markdown", "a review's price is one line, or --json"],
        ],
        USAGE,
    );
    if (flags.review) {
        const cost = await estimateReview(source);
        print(flags.json ? JSON.stringify(cost, null, 2) : describeReviewCost(cost));
        return 0;
    }
    const region = pricedRegion(flags.region);
    if (flags.preview) return printPreviewCost(flags.preview, region ?? "us-west-2", print, flags.json === true);

    const env = environmentFrom(flags.env, USAGE);
    const egress = egressMode(flags.egress);
    if (egress && !egressModesFor(env).includes(egress))
        throw new OpsError(`--egress ${egress} is not allowed in ${env}; use ${egressModesFor(env).join(" or ")}`, 2);
    try {
        const wakeOnRequest = flags["wake-on-request"] === true;
        if (wakeOnRequest && isProductionLike(env))
            throw new OpsError(
                `--wake-on-request is not allowed in ${env}, a production-like environment: durable-code:wakeOnRequest is refused there`,
                2,
            );
        return await priceEnvironment(env, { egress, wakeOnRequest, region, source, flags }, print);
    } catch (error) {
        if (!isStackProblem(error)) throw error;
        // A stack file cost cannot evaluate: what `npm run check` says about the environment's files.
        const checker = new StackChecker(source);
        for (const layer of LAYERS) {
            const result = await checker.check(stackNameOf(layer, env));
            if (result.problems.length > 0) print(describeResult(result));
        }
        return 2;
    }
}

async function priceEnvironment(
    env: EnvironmentName,
    options: {
        egress?: EgressMode;
        wakeOnRequest: boolean;
        region?: string;
        source: StackSource;
        flags: { compare?: boolean; json?: boolean; markdown?: boolean };
    },
    print: (text: string) => void,
): Promise<number> {
    const { egress, wakeOnRequest, region, source, flags } = options;
    if (flags.compare) {
        const summaries = await compare(env, { region, source });
        print(flags.json ? JSON.stringify(summaries, null, 2) : renderComparison(summaries, flags.markdown === true));
        return 0;
    }
    const summary = await estimate(env, { egress, wakeOnRequest, region, source });
    const whatIf = [
        egress && `--egress ${egress}`,
        wakeOnRequest && "--wake-on-request",
        region && `--region ${region}`,
    ].filter((flag): flag is string => Boolean(flag));
    const priced = {
        ...summary,
        label: whatIf.length > 0 ? `${summary.label}; what-if ${whatIf.join(" ")}` : summary.label,
    };
    print(flags.json ? JSON.stringify(priced, null, 2) : flags.markdown ? renderMarkdown(priced) : renderText(priced));
    return 0;
}

if (require.main === module) runMain((argv) => main(argv), { spec: COST_SPEC });
