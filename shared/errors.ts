import * as pulumi from "@pulumi/pulumi";

/**
 * A problem the user fixes by changing input (stack name, config, or order of deployment).
 * It extends RunError so Pulumi prints the message alone, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        /** Named stackName: Error.stack is the trace Node prints, and shadowing it breaks that. */
        readonly stackName: string,
        readonly problems: readonly string[],
    ) {
        super(
            problems.length === 1
                ? `${stackName}: ${problems[0]}`
                : `${stackName}: ${problems.length} problems in the configuration:\n` +
                      problems.map((problem) => `  - ${problem}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}
