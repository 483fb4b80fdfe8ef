import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { OutputFile } from "../cli/output-file";

/** Puts the adoption's keys (already namespaced) into the stack file, keeping its comments and order. */
export function writeStackConfig(file: string, keys: ReadonlyArray<readonly [string, string]>): void {
    const document = parseDocument(readFileSync(file, "utf8"));
    for (const [key, value] of keys) document.setIn(["config", key], value === "true" ? true : value);
    OutputFile.owned(file).write(String(document));
}
