import { environmentFrom, parseFlags } from "../ops/args";
import { runMain } from "../ops/cli";
import { compare, estimate } from "./estimate";
import { renderComparison, renderMarkdown, renderText } from "./render";

const USAGE = "npm run cost -- --env <dev|staging|prod> [--compare] [--json | --markdown]";

/** `npm run cost`: prices what the program declares for an environment, offline. */
export async function main(argv: string[], _signal?: AbortSignal, print: (text: string) => void = console.log): Promise<number> {
    const flags = parseFlags(argv, { env: { type: "string" }, compare: { type: "boolean" }, json: { type: "boolean" }, markdown: { type: "boolean" } }, USAGE);
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
