import { OpsError } from "../cli/errors";
import { ENVIRONMENT_NAMES, ENVIRONMENTS, EnvironmentName } from "../shared/environments";
import type { StateObject } from "./terraform-state";

/**
 * Which environment the old state belongs to, read as teams write it: its name, or one of the
 * words its declaration says it is also spelled (`Environment=production` for prod, `Development`
 * for dev: the old setup's per-environment tags overwrote `dev` with it). A value none of these
 * names is a tag only its team can read: `--state-environment` says that it stands for `--env`.
 */
export const SPELLINGS: Readonly<Record<EnvironmentName, readonly string[]>> = Object.fromEntries(
    ENVIRONMENT_NAMES.map((env) => [env, [env, ...ENVIRONMENTS[env].alsoSpelled]]),
);

/** The environment a spelling names, whatever its case; undefined for a word that names none. */
export function environmentSpelled(value: string): EnvironmentName | undefined {
    const word = value.toLowerCase();
    return (Object.keys(SPELLINGS) as EnvironmentName[]).find((env) => SPELLINGS[env].includes(word));
}

/**
 * What the state says of its environment: its Environment and Workspace tags (the old setup's tag
 * contract) and an environment word in the names it gave security groups and repositories
 * (`<project>-<env>-...`), each with the address that says so, by the value as written.
 */
export function environmentEvidence(objects: readonly StateObject[]): Map<string, string[]> {
    const found = new Map<string, string[]>();
    const note = (value: string, evidence: string) => found.set(value, [...(found.get(value) ?? []), evidence]);
    for (const object of objects) {
        const tags: Record<string, string> = object.attributes.tags ?? {};
        if (tags.Environment) note(tags.Environment, `${object.address} tag Environment=${tags.Environment}`);
        const workspace = /^[a-z]+-(.+)$/.exec(tags.Workspace ?? "")?.[1];
        if (workspace) note(workspace, `${object.address} tag Workspace=${tags.Workspace}`);
        if (["aws_security_group", "aws_ecr_repository"].includes(object.type)) {
            const named = String(object.attributes.name ?? "")
                .split(/[-_.]/)
                .find((part) => environmentSpelled(part));
            if (named) note(named, `${object.address} name ${object.attributes.name}`);
        }
    }
    return found;
}

/**
 * Refuses a state of another environment than `env` (exit 2), with advice that works when followed:
 * the `--env` this program knows, or `--state-environment` for values that name no environment or
 * name another one wrongly (a comma-separated list: each stands for `--env`).
 */
export function refuseOtherEnvironment(
    objects: readonly StateObject[],
    source: string,
    env: EnvironmentName,
    stateEnvironment?: string,
): void {
    const standsForEnv = new Set(
        (stateEnvironment ?? "")
            .split(",")
            .map((value) => value.trim().toLowerCase())
            .filter(Boolean),
    );
    const evidence = [...environmentEvidence(objects)].filter(([value]) => !standsForEnv.has(value.toLowerCase()));
    const because = (said: readonly string[]) => said.slice(0, 3).join("; ");
    const unnamed = evidence.find(([value]) => environmentSpelled(value) === undefined);
    if (unnamed)
        throw new OpsError(
            `${source} says its environment is "${unnamed[0]}" (${because(unnamed[1])}), which names no environment as adopt reads them (${(Object.keys(SPELLINGS) as EnvironmentName[]).map((name) => `${name}: ${SPELLINGS[name].join(", ")}`).join("; ")}); if it is base-${env}'s state, run again with --state-environment ${unnamed[0]}. Nothing was written`,
            2,
        );
    const named = new Map<EnvironmentName, { values: string[]; said: string[] }>();
    for (const [value, said] of evidence) {
        const entry = named.get(environmentSpelled(value)!) ?? { values: [], said: [] };
        named.set(environmentSpelled(value)!, { values: [...entry.values, value], said: [...entry.said, ...said] });
    }
    if ([...named.keys()].every((found) => found === env)) return;
    if (named.size === 1) {
        const [[found, { said }]] = named;
        throw new OpsError(
            `${source} is the state of environment "${found}", not "${env}" (${because(said)}); give base-${env}'s state, or run with --env ${found}. Nothing was written`,
            2,
        );
    }
    // Per-environment tags could overwrite Environment in the old setup (shared/reference), so which one is right is for the user to say.
    const asEach = [...named.keys()].map((candidate) => {
        const others = [...named].filter(([found]) => found !== candidate).flatMap(([, { values }]) => values);
        return `--env ${candidate} --state-environment ${others.join(",")}`;
    });
    throw new OpsError(
        `${source} says it belongs to ${named.size} environments: ${[...named].map(([found, { said }]) => `${found} (${because(said)})`).join("; ")}. Check which workspace it was pulled from (terraform workspace show), then run adopt as that one: ${asEach.join(", or ")}. Nothing was written`,
        2,
    );
}
