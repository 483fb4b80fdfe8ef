import { Layer, reviewLabel } from "./stack-name";
import { NameScope } from "./naming";

/**
 * The tag contract. Base writes these tags; runtime's fallback lookups filter on them. Both sides
 * call the functions below, so a filter can never ask for a tag base does not write (the old
 * Terraform code filtered on a `Project` tag nobody set).
 */
export const CONTRACT_TAG_KEYS = ["Project", "Environment", "Layer", "ManagedBy"] as const;

/** Tags that mark what a base resource is, so runtime can find it among others. */
export interface Markers {
    readonly Role?: "vpc" | "load-balancer" | "services" | "nat-instance" | "vpc-link";
    readonly Tier?: "public" | "private";
}

/**
 * What a review's resources carry beside the contract (`pr-<N>`), and dev's runtime never does: the
 * review role's fence tells a review's resources from dev's runtime by it.
 */
export const REVIEW_TAG_KEY = "Review";

/** Keys users may not set through `extraTags`: the contract, the review, the markers and `Name`. */
export const RESERVED_TAG_KEYS: readonly string[] = [...CONTRACT_TAG_KEYS, REVIEW_TAG_KEY, "Role", "Tier", "Name"];

export interface TagScope extends NameScope {
    readonly layer: Layer;
    readonly extraTags: Readonly<Record<string, string>>;
}

export function contractTags(scope: NameScope & { layer: Layer }): Record<string, string> {
    return {
        Project: scope.project,
        Environment: scope.env,
        Layer: scope.layer,
        ManagedBy: "pulumi",
        ...(scope.review === undefined ? {} : { [REVIEW_TAG_KEY]: reviewLabel(scope.review) }),
    };
}

/** Tags for one resource. Contract keys are spread last so extra tags can never override them. */
export function tagsFor(scope: TagScope, name: string, markers: Markers = {}): Record<string, string> {
    return { ...scope.extraTags, ...markers, ...contractTags(scope), Name: name };
}

export interface TagFilter {
    readonly name: string;
    readonly values: string[];
}

/** EC2 `tag:` filters that match exactly the base resources tagged with these markers. */
export function baseLookupFilters(scope: NameScope, markers: Markers): TagFilter[] {
    const tags: Record<string, string | undefined> = { ...contractTags({ ...scope, layer: "base" }), ...markers };
    return Object.entries(tags)
        .filter((entry): entry is [string, string] => entry[1] !== undefined)
        .map(([key, value]) => ({ name: `tag:${key}`, values: [value] }));
}
