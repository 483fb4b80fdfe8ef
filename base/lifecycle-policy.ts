/**
 * ECR lifecycle rules. Tagged images expire by count only, never by age: runtime may restore an
 * image tag after weeks off (the old setup expired `dev*` tags after 7 days and restores failed).
 */
export const RELEASE_TAG_PREFIXES = ["v", "release"] as const;
export const RELEASE_IMAGES_KEPT = 30;
export const TAGGED_IMAGES_KEPT = 200;
export const UNTAGGED_EXPIRY_DAYS = 14;

export interface LifecycleRule {
    readonly rulePriority: number;
    readonly description: string;
    readonly selection: {
        readonly tagStatus: "tagged" | "untagged" | "any";
        readonly tagPrefixList?: readonly string[];
        readonly countType: "imageCountMoreThan" | "sinceImagePushed";
        readonly countUnit?: "days";
        readonly countNumber: number;
    };
    readonly action: { readonly type: "expire" };
}

export const LIFECYCLE_RULES: readonly LifecycleRule[] = [
    {
        rulePriority: 1,
        description: `Keep the ${RELEASE_IMAGES_KEPT} newest release images (${RELEASE_TAG_PREFIXES.map((prefix) => `${prefix}*`).join(", ")})`,
        selection: {
            tagStatus: "tagged",
            tagPrefixList: RELEASE_TAG_PREFIXES,
            countType: "imageCountMoreThan",
            countNumber: RELEASE_IMAGES_KEPT,
        },
        action: { type: "expire" },
    },
    {
        rulePriority: 2,
        description: `Expire untagged images after ${UNTAGGED_EXPIRY_DAYS} days; no deployment refers to them`,
        selection: {
            tagStatus: "untagged",
            countType: "sinceImagePushed",
            countUnit: "days",
            countNumber: UNTAGGED_EXPIRY_DAYS,
        },
        action: { type: "expire" },
    },
    {
        rulePriority: 3,
        description: `Keep the ${TAGGED_IMAGES_KEPT} newest of all other images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: TAGGED_IMAGES_KEPT },
        action: { type: "expire" },
    },
];

export function lifecyclePolicyDocument(): string {
    return JSON.stringify({ rules: LIFECYCLE_RULES });
}
