import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse, YAMLParseError } from "yaml";

/**
 * Reads stack config the way the Pulumi CLI assembles it for a program: the project's `config:`
 * defaults from `Pulumi.yaml`, then `Pulumi.<stack>.yaml` on top. Keys come out as
 * `<namespace>:<key>` with string values, exactly what `pulumi.runtime.allConfig()` holds. This is
 * the one loader the offline engine, the tests, `npm run check` and `npm run cost` use.
 */

/** Stack config as `pulumi config` keeps it: `<namespace>:<key>` to string. */
export type RawConfig = Record<string, string>;

/** What the program sees in place of a `secure:` value; the real one needs the secrets provider. */
export const SECRET_PLACEHOLDER = "[secret]";

/** The repository root: Pulumi.yaml, the committed stack files and the real program (which the Automation API runs from here). */
export const PROJECT_DIR = path.resolve(__dirname, "..");

export interface StackFile {
    readonly stack: string;
    /** Path of `Pulumi.<stack>.yaml`, as given or found. */
    readonly file: string;
    readonly project: string;
    readonly config: RawConfig;
}

/** A stack file Pulumi could not read: names the file and what to fix. */
export class StackFileError extends Error {
    constructor(
        readonly file: string,
        readonly problems: readonly string[],
        /** What could be read nonetheless (the keys without a problem), so a check can report the rest of the file's problems too. */
        readonly readable?: StackFile,
    ) {
        super(
            problems.length === 1
                ? `${file}: ${problems[0]}`
                : `${file}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
        );
        this.name = "StackFileError";
    }
}

/** `Pulumi.<stack>.yaml` beside the project file; the stack name comes from the file name. */
export function stackFilePath(stack: string, dir = PROJECT_DIR): string {
    return path.join(dir, `Pulumi.${stack}.yaml`);
}

export function stackOfFile(file: string): string {
    const match = /^Pulumi\.(.+)\.yaml$/.exec(path.basename(file));
    if (!match || match[1] === "")
        throw new StackFileError(file, ["a stack file is named Pulumi.<stack>.yaml, e.g. Pulumi.runtime-dev.yaml"]);
    return match[1];
}

const REVIEW_STACK_FILE = /^Pulumi\.runtime-[a-z0-9]+-pr-.*\.yaml$/;

/**
 * Every committed `Pulumi.<stack>.yaml` in a project directory, sorted by name. A review's file
 * (`Pulumi.runtime-dev-pr-<N>.yaml`, which creating its stack may leave) is never committed.
 */
export function committedStacks(dir = PROJECT_DIR): string[] {
    return readdirSync(dir)
        .filter((name) => /^Pulumi\..+\.yaml$/.test(name) && !REVIEW_STACK_FILE.test(name))
        .map((name) => stackOfFile(name))
        .sort();
}

/** Reads the stack file of `stack` (or the file given) merged over the project's defaults. */
export function readStackFile(stack: string, options: { dir?: string; file?: string } = {}): StackFile {
    const file = options.file ?? stackFilePath(stack, options.dir);
    if (!existsSync(file))
        throw new StackFileError(file, [
            `no such stack file ${path.basename(file)}; create it with "pulumi stack init ${stack}" or copy another Pulumi.<stack>.yaml`,
        ]);
    const project = readProject(path.join(path.dirname(file), "Pulumi.yaml"));
    const document = parseYaml(file);
    const problems: string[] = [];
    const stackConfig: RawConfig = {};
    if (document !== null && document !== undefined) {
        if (!isMap(document)) throw new StackFileError(file, ["expected a YAML map with a config: section"]);
        const topLevel = misplacedConfig(document, project.name);
        problems.push(...topLevel.problems);
        Object.assign(stackConfig, topLevel.config);
        const section = document.config;
        if (section !== undefined && section !== null && !isMap(section))
            problems.push("config: must be a map of <namespace>:<key> to values");
        for (const [key, value] of Object.entries(isMap(section) ? section : {})) {
            if (!key.includes(":")) {
                // The CLI rejects keys without a namespace in a stack file.
                problems.push(
                    `"${key}" is not a config key of the form <namespace>:<key>; did you mean ${project.name}:${key}?`,
                );
                continue;
            }
            stackConfig[key] = configValue(value);
        }
    }
    const read = { stack, file, project: project.name, config: { ...project.defaults, ...stackConfig } };
    if (problems.length > 0) throw new StackFileError(file, problems, read);
    return read;
}

interface Project {
    readonly name: string;
    readonly defaults: RawConfig;
}

function readProject(file: string): Project {
    if (!existsSync(file))
        throw new StackFileError(file, [
            "no Pulumi.yaml beside the stack file; a stack file belongs to a project directory",
        ]);
    const document = parseYaml(file);
    if (!isMap(document) || typeof document.name !== "string")
        throw new StackFileError(file, ["expected a project file with a name:"]);
    const defaults: RawConfig = {};
    // Project-level config: `key: value`, or `key: {value|default: ...}`; a key without a namespace is the project's own.
    for (const [key, entry] of Object.entries(isMap(document.config) ? document.config : {})) {
        const fullKey = key.includes(":") ? key : `${document.name}:${key}`;
        const value = isMap(entry) && !("secure" in entry) ? (entry.value ?? entry.default) : entry;
        if (value !== undefined) defaults[fullKey] = configValue(value);
    }
    return { name: document.name, defaults };
}

/** What a stack file holds at its top level (pulumi sdk/go/common/workspace/project.go, ProjectStack). */
const STACK_FILE_KEYS = ["secretsprovider", "encryptedkey", "encryptionsalt", "config", "environment"];

/**
 * Config keys written at the top level instead of under `config:`: the CLI reads no config there,
 * and the program would say they are unset. Each is a problem; its value is still read, so the rest
 * of a check is about values, not about keys missing.
 */
function misplacedConfig(
    document: Record<string, unknown>,
    project: string,
): { problems: string[]; config: RawConfig } {
    const problems: string[] = [];
    const config: RawConfig = {};
    for (const [key, value] of Object.entries(document)) {
        if (STACK_FILE_KEYS.includes(key)) continue;
        const fullKey = key.includes(":") ? key : `${project}:${key}`;
        problems.push(
            `"${key}" is at the top level of the file, where Pulumi reads no config; move it under config: as "  ${fullKey}: ..." (a stack file's top level holds only ${STACK_FILE_KEYS.join(", ")})`,
        );
        config[fullKey] = configValue(value);
    }
    return { problems, config };
}

function parseYaml(file: string): unknown {
    const text = readFileSync(file, "utf8");
    try {
        return parse(text);
    } catch (error) {
        throw new StackFileError(file, [yamlProblem(text, error)]);
    }
}

/** The parser's messages for what was opened and not closed, with the characters that open and close it. */
const UNCLOSED: ReadonlyArray<readonly [RegExp, string, string]> = [
    [/^Missing closing "quote/, '"', '"'],
    [/^Missing closing 'quote/, "'", "'"],
    [/^Flow sequence/, "[", "]"],
    [/^Flow map/, "{", "}"],
];

/**
 * A YAML error as one line: the line to fix, its text, and what is wrong. The parser notices an
 * unclosed quote or bracket only where the next line starts, so the line named is the nearest one
 * above that leaves it open.
 */
function yamlProblem(text: string, error: unknown): string {
    const message = (error as Error).message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    const reported = (error as YAMLParseError).linePos?.[0]?.line;
    if (reported === undefined) return `not valid YAML: ${message}`;
    const lines = text.split(/\r?\n/);
    const pair = UNCLOSED.find(([pattern]) => pattern.test(message));
    const count = (line: string, char: string) => line.split(char).length - 1;
    const leavesOpen = (line: string) =>
        pair !== undefined &&
        (pair[1] === pair[2] ? count(line, pair[1]) % 2 === 1 : count(line, pair[1]) > count(line, pair[2]));
    let line = reported;
    for (let candidate = Math.min(reported, lines.length); pair && candidate >= 1; candidate--) {
        if (leavesOpen(lines[candidate - 1])) {
            line = candidate;
            break;
        }
    }
    const source = (lines[line - 1] ?? "").trim();
    return `not valid YAML at line ${line}${source ? ` (${source})` : ""}: ${message}`;
}

/** Scalars as their text, objects and lists as JSON (as the CLI passes them), secrets as a placeholder. */
function configValue(value: unknown): string {
    if (isMap(value) && "secure" in value) return SECRET_PLACEHOLDER;
    if (value === null || value === undefined) return "";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function isMap(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
