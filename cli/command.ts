import { parseFlags } from "./args";

/** One flag of a command: what it means and its default, for `--help` and for parsing. */
export interface FlagSpec {
    readonly type: "string" | "boolean";
    /** The value's placeholder in the usage, e.g. MINUTES. */
    readonly value?: string;
    readonly help: string;
    readonly default?: string;
}

/** A command's interface, from which both its parser and its `--help` come, so they cannot disagree. */
export interface CommandSpec {
    readonly usage: string;
    readonly summary: string;
    readonly flags: Readonly<Record<string, FlagSpec>>;
    readonly examples: readonly [string, string, ...string[]];
}

export function helpText(spec: CommandSpec): string {
    const rows = Object.entries(spec.flags).map(([name, flag]) => {
        const left = `  --${name}${flag.value ? ` ${flag.value}` : ""}`;
        return `${left.padEnd(32)} ${flag.help}${flag.default !== undefined ? ` (default: ${flag.default})` : ""}`;
    });
    return [
        `usage: ${spec.usage}`,
        "",
        spec.summary,
        "",
        "flags:",
        ...rows,
        `${"  --help, -h".padEnd(32)} this help`,
        `${"  --debug".padEnd(32)} on an unexpected failure, print its trace too (or set DURABLE_CODE_DEBUG=1)`,
        "",
        "examples:",
        ...spec.examples.map((example) => `  ${example}`),
    ].join("\n");
}

export function wantsHelp(argv: readonly string[]): boolean {
    return argv.includes("--help") || argv.includes("-h");
}

/** Parses argv against the spec's flags; unknown, repeated or malformed flags are errors naming the usage. */
export function parseCommand(argv: readonly string[], spec: CommandSpec) {
    const options = Object.fromEntries(Object.entries(spec.flags).map(([name, flag]) => [name, { type: flag.type }]));
    return parseFlags(argv, options, spec.usage) as Record<string, string | boolean | undefined>;
}
