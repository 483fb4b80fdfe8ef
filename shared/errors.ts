import * as pulumi from "@pulumi/pulumi";

/**
 * A problem the user fixes by changing input (stack name, config, or order of deployment).
 * It extends RunError so Pulumi prints the message alone, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly stack: string,
        readonly problems: readonly string[],
    ) {
        super(
            problems.length === 1
                ? `${stack}: ${problems[0]}`
                : `${stack}: ${problems.length} problems in the configuration:\n` +
                      problems.map((problem) => `  - ${problem}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}
