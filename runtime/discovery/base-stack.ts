import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../../shared/config/types";
import { BaseContract, CONTRACT_KEYS } from "../../shared/contract";

/**
 * Reads every contract output the base stack publishes. An output an older base lacks is left out,
 * so the caller can look that one value up instead. The stack itself must exist: the engine fails a
 * reference to a missing stack before the program could catch it (hence `discovery: tags`).
 */
export async function readBaseStack(config: RuntimeConfig): Promise<Partial<BaseContract>> {
    const reference = new pulumi.StackReference("base", { name: config.baseStack });
    const published: Record<string, unknown> = {};
    for (const key of CONTRACT_KEYS) {
        const details = await reference.getOutputDetails(key);
        const value = details.value ?? details.secretValue;
        if (value !== undefined && value !== null) published[key] = value;
    }
    return published as Partial<BaseContract>;
}
