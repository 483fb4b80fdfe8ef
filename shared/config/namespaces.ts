import { Region } from "@pulumi/aws/types/enums";
import * as awsProviderConfig from "@pulumi/aws/config/vars";

/**
 * Keys outside the project's own namespace. The AWS provider's keys and its region list come from
 * the installed @pulumi/aws itself (config/vars and the Region enum), so they stay in step with the
 * provider version the program runs with.
 */
export const AWS_PROVIDER_KEYS: readonly string[] = Object.keys(awsProviderConfig);
export const AWS_REGIONS: readonly string[] = Object.values(Region);

/** Namespaces the CLI itself writes (`pulumi:tags`, ...) and that no program key check should touch. */
const PULUMI_NAMESPACE = "pulumi";

/** Problems with `aws:*` keys and keys in namespaces nobody reads; `project` is the project's own. */
export function namespaceProblems(
    raw: Readonly<Record<string, string>>,
    project: string,
    knownProjectKeys: readonly string[],
): string[] {
    const problems: string[] = [];
    for (const fullKey of Object.keys(raw)) {
        const colon = fullKey.indexOf(":");
        const namespace = colon < 0 ? "" : fullKey.slice(0, colon);
        const key = fullKey.slice(colon + 1);
        if (namespace === project || namespace === PULUMI_NAMESPACE) continue;
        if (namespace === "aws") {
            if (!AWS_PROVIDER_KEYS.includes(key)) {
                problems.push(
                    `unknown AWS provider key "${fullKey}"${suggestion(key, AWS_PROVIDER_KEYS, (near) => `aws:${near}`)}`,
                );
            }
            continue;
        }
        const nearKey = closest(key, knownProjectKeys);
        const hint =
            closest(namespace, [project, "aws"]) === project && nearKey
                ? `; did you mean ${project}:${nearKey}?`
                : suggestion(key, AWS_PROVIDER_KEYS, (near) => `aws:${near}`);
        problems.push(
            `"${fullKey}" is in namespace "${namespace}", which nothing reads${hint || `; this project reads ${project}: and aws: keys`}`,
        );
    }
    return problems;
}

/** `aws:region` must be a region AWS has, not just a well-formed name. */
export function regionProblem(region: string | undefined, stack: string): string | undefined {
    if (!region) return `aws:region is not set; run "pulumi config set aws:region us-west-2 -s ${stack}"`;
    if (AWS_REGIONS.includes(region)) return undefined;
    const near = closest(region, AWS_REGIONS);
    const form = /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)
        ? "is not an AWS region"
        : "is not a region name (such as us-west-2)";
    return `aws:region "${region}" ${form}${near ? ` (did you mean ${near}?)` : ""}; change it in Pulumi.${stack}.yaml`;
}

function suggestion(key: string, candidates: readonly string[], format: (near: string) => string): string {
    const near = closest(key, candidates);
    return near ? `; did you mean ${format(near)}?` : "";
}

/** The candidate within a small edit distance of `word` (case-insensitive), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
    let best: { candidate: string; distance: number } | undefined;
    for (const candidate of candidates) {
        const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
        if (!best || distance < best.distance) best = { candidate, distance };
    }
    return best && best.distance <= Math.max(2, Math.floor(word.length / 4)) ? best.candidate : undefined;
}

function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
            );
        }
        previous = current;
    }
    return previous[b.length];
}
