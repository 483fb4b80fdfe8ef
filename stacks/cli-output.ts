/**
 * What the pulumi CLI printed before it failed, from the Automation API's CommandError, whose own
 * message is its CommandResult dumped field by field (`code: 255\n stdout: ...\n stderr: ...\n err?: `,
 * @pulumi/pulumi automation/cmd.js): the commands show what the CLI said, not that dump.
 */
interface CommandOutput {
    readonly stdout: string;
    readonly stderr: string;
}

/** The CLI's output kept on the error (CommandError.commandResult, internal in its typings). */
export function cliOutput(error: unknown): CommandOutput | undefined {
    const result = (error as { commandResult?: Partial<CommandOutput> } | undefined)?.commandResult;
    return result ? { stdout: result.stdout ?? "", stderr: result.stderr ?? "" } : undefined;
}

/**
 * The lines that say why the CLI failed, at most `count`: its Diagnostics: section (the resources'
 * errors, on stdout) and what it wrote to stderr; the end of stdout when it said neither.
 */
export function whyItFailed(output: CommandOutput, count = 15): string {
    const lines = [...diagnostics(output.stdout), ...nonBlank(output.stderr)];
    const said = lines.length > 0 ? lines : nonBlank(output.stdout);
    return said.slice(-count).join("\n");
}

/** The indented lines under `Diagnostics:` in the CLI's update output. */
function diagnostics(stdout: string): string[] {
    const lines = stdout.split("\n");
    const start = lines.findIndex((line) => line.trimEnd() === "Diagnostics:");
    if (start < 0) return [];
    const end = lines.findIndex((line, index) => index > start && line !== "" && !/^\s/.test(line));
    return nonBlank(lines.slice(start + 1, end < 0 ? undefined : end).join("\n"));
}

function nonBlank(text: string): string[] {
    return text.split("\n").filter((line) => line.trim() !== "");
}
