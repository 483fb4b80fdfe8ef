import { ENVIRONMENTS } from "../shared/environments";
import { parseStackName } from "../shared/stack-name";
import { LineItem, priceResources } from "./price-resources";
import { HOURS_PER_MONTH } from "./prices";
import { PreviewFileError, resourcesFromPreview } from "./preview-file";

/** What one stack of a `pulumi preview --json` file costs, as the real account sees it. */
export interface PreviewCost {
    readonly stack: string;
    readonly region: string;
    readonly items: LineItem[];
    /** Types neither priced nor known to be free. */
    readonly unpriced: string[];
    readonly monthlyAlwaysOn: number;
    readonly perHourUp: number;
}

/**
 * Prices the resources a preview leaves in its stack, with the usage assumed for the stack's
 * environment. Throws PreviewFileError for a file that is not such a preview, or not of one of this
 * project's `<layer>-<env>` stacks.
 */
export function pricePreview(json: string, region: string): PreviewCost {
    const inventory = resourcesFromPreview(json);
    let env;
    try {
        env = parseStackName(inventory.stack).env;
    } catch {
        throw new PreviewFileError(
            `is a preview of stack "${inventory.stack}", not one of this project's <layer>-<env> stacks`,
        );
    }
    const priced = priceResources(inventory.resources, region, ENVIRONMENTS[env].usage);
    const monthly = (items: readonly LineItem[]) => items.reduce((total, item) => total + item.monthly, 0);
    return {
        stack: inventory.stack,
        region,
        items: priced.items,
        unpriced: priced.unpriced,
        monthlyAlwaysOn: monthly(priced.items),
        perHourUp: monthly(priced.items.filter((item) => item.whileUp)) / HOURS_PER_MONTH,
    };
}
