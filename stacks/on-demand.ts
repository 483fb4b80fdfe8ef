import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { StackSource } from "../offline/evaluate";
import { readStackFile } from "../offline/stack-files";

/**
 * Runs an operation with a copy of the stack file that says `spot: false`, passed to the CLI as
 * `--config-file` (Automation API `configFile`): this run goes on demand, and the committed stack
 * file, which the next startup restores, still says what the team chose. The copy keeps the
 * secrets provider lines, and is removed afterwards.
 */
export async function withOnDemand<T>(
    stack: string,
    operation: (configFile: string) => Promise<T>,
    source: StackSource = {},
): Promise<T> {
    const file = readStackFile(stack, source);
    const document = parseDocument(readFileSync(file.file, "utf8"));
    document.setIn(["config", `${file.project}:spot`], false);
    const dir = mkdtempSync(path.join(tmpdir(), "durable-code-on-demand-"));
    const copy = path.join(dir, path.basename(file.file));
    try {
        writeFileSync(copy, String(document));
        return await operation(copy);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
