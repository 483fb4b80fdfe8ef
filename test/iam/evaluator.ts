/**
 * Enough of IAM's policy evaluation to read policy documents statement by statement, as AWS does
 * for a request within one account (IAM User Guide, "Policy evaluation logic"): an explicit Deny
 * in any policy wins, else an Allow is needed; `*` and `?` are wildcards in actions
 * (case-insensitive) and resources; a condition key the request does not carry makes the condition
 * false; a list of values matches any of them. A key may carry several values (`ecs:subnet`, `aws:TagKeys`):
 * `ForAllValues:` holds when every value matches, and when the key is missing; `ForAnyValue:` when one
 * does; without a prefix, one of them must match. `...IfExists` holds when the key is missing (IAM User
 * Guide, "Set operators for multivalued context keys" and "...IfExists condition operators").
 *
 * What it leaves out: `Principal` is not read, so pass a resource-based policy (a bucket policy)
 * only when its statements name the caller or `*`; its allows then add to the identity's, as they
 * do within one account. A permissions boundary, when given, is intersected: the request must be
 * allowed by the role's policies and by the boundary, and a Deny in either wins (IAM User Guide,
 * "Evaluating identity-based policies with permissions boundaries"). No NotAction, NotResource,
 * NotPrincipal, policy variables, session policies, SCPs or cross-account rules: a statement with
 * any of the first four is refused with an error, since reading it as if they were absent would
 * give a wrong answer without a sign.
 */
export interface Request {
    readonly action: string;
    readonly resource: string;
    readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

interface Statement {
    readonly Effect: "Allow" | "Deny";
    readonly Action: string | string[];
    readonly Resource: string | string[];
    readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** Policy variables (IAM User Guide, "IAM policy elements: Variables and tags"): `${aws:username}` and the like. */
const VARIABLE = /\$\{[^}]*\}/;

/** Throws on what this evaluator does not evaluate, naming the statement and the element. */
function refuseUnevaluated(statement: Statement): void {
    const unread = ["NotAction", "NotResource", "NotPrincipal"].filter((element) => element in statement);
    const text = JSON.stringify({ Resource: statement.Resource, Condition: statement.Condition });
    if (VARIABLE.test(text)) unread.push(`the policy variable ${VARIABLE.exec(text)![0]}`);
    if (unread.length > 0)
        throw new Error(
            `the IAM evaluator does not evaluate ${unread.join(", ")} (statement ${JSON.stringify(statement)}); extend it before relying on its answer`,
        );
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
    const source = `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`;
    return new RegExp(source, ignoreCase ? "i" : "").test(value);
}

function matchesOne(operator: string, expected: string | string[], actual: string): boolean {
    return list(expected).some((value) => {
        switch (operator) {
            case "StringEquals":
            case "ArnEquals":
                return actual === value;
            case "StringLike":
            case "ArnLike":
                return wildcard(value, actual, false);
            // Boolean condition operators compare "true" and "false" (IAM User Guide, "Condition operators").
            case "Bool":
                return actual.toLowerCase() === value.toLowerCase();
            default:
                throw new Error(`the IAM evaluator does not know the condition operator ${operator}`);
        }
    });
}

function conditionHolds(
    condition: Statement["Condition"],
    context: Readonly<Record<string, string | readonly string[]>>,
): boolean {
    for (const [qualified, entries] of Object.entries(condition ?? {})) {
        const [setOperator, named] = qualified.includes(":") ? qualified.split(":") : [undefined, qualified];
        const ifExists = named.endsWith("IfExists");
        const unsuffixed = ifExists ? named.slice(0, -"IfExists".length) : named;
        // A negated operator holds where its positive one does not, and where the key is missing.
        const negated = unsuffixed.startsWith("StringNot") || unsuffixed.startsWith("ArnNot");
        const operator = negated ? unsuffixed.replace("Not", "") : unsuffixed;
        for (const [key, expected] of Object.entries(entries)) {
            const actual = context[key];
            // Null tests presence: "true" holds when the request lacks the key (IAM user guide, "Condition operator to check existence of condition keys").
            if (operator === "Null") {
                if (list(expected).every((value) => (value === "true") !== (actual === undefined))) return false;
                continue;
            }
            if (actual === undefined) {
                if (ifExists || negated || setOperator === "ForAllValues") continue;
                return false;
            }
            const values = typeof actual === "string" ? [actual] : actual;
            const matches = (value: string) => matchesOne(operator, expected, value) !== negated;
            const holds = setOperator === "ForAllValues" ? values.every(matches) : values.some(matches);
            if (!holds) return false;
        }
    }
    return true;
}

const applies = (statement: Statement, request: Request) =>
    list(statement.Action).some((action) => wildcard(action, request.action, true)) &&
    list(statement.Resource).some((resource) => wildcard(resource, request.resource, false)) &&
    conditionHolds(statement.Condition, request.context ?? {});

type Decision = "allowed" | "denied" | "implicitly denied";

function decide(statements: readonly Statement[], request: Request): Decision {
    statements.forEach(refuseUnevaluated);
    if (statements.some((statement) => statement.Effect === "Deny" && applies(statement, request))) return "denied";
    return statements.some((statement) => statement.Effect === "Allow" && applies(statement, request))
        ? "allowed"
        : "implicitly denied";
}

/** The decision on a request made with these policies, limited by a permissions boundary when one is given. */
export function decision(
    statements: readonly Statement[],
    request: Request,
    boundary?: readonly Statement[],
): Decision {
    const decisions = [decide(statements, request), ...(boundary ? [decide(boundary, request)] : [])];
    if (decisions.includes("denied")) return "denied";
    return decisions.every((each) => each === "allowed") ? "allowed" : "implicitly denied";
}

export function allows(statements: readonly Statement[], request: Request, boundary?: readonly Statement[]): boolean {
    return decision(statements, request, boundary) === "allowed";
}
