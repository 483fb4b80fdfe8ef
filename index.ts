import * as pulumi from "@pulumi/pulumi";
import { deployBase } from "./base";
import { deployRuntime } from "./runtime";
import { loadConfig } from "./shared/config/load";
import { parseStackName } from "./shared/stack-name";

/** Entry point: `<layer>-<env>` from the stack name, validated config, then that layer's program. */
export = async () => {
    const name = parseStackName(pulumi.getStack());
    const config = loadConfig(name, pulumi.runtime.allConfig(), {
        project: pulumi.getProject(),
        organization: pulumi.getOrganization(),
    });
    return config.layer === "base" ? deployBase(config) : deployRuntime(config);
};
