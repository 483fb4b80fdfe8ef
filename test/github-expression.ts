/**
 * The part of GitHub Actions' expression language a job's `if` here uses, to ask what it decides for
 * an event: context properties (a missing one is null), '...' strings ('' is a quote), ( ), !, ==, !=,
 * && and ||, by the precedence GitHub's "Evaluate expressions in workflows and actions" lists (! before
 * == and !=, then &&, then ||). Strings compare ignoring case, and && and || return an operand, as
 * that page says. Anything else is refused, so a spec cannot pass on an expression this does not read.
 */
type Value = string | boolean | number | null | Record<string, unknown>;

const TOKEN = /\s*(?:('(?:[^']|'')*')|([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)|(==|!=|&&|\|\||!|\(|\)))/y;

function tokens(expression: string): string[] {
    const found: string[] = [];
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < expression.trimEnd().length) {
        const match = TOKEN.exec(expression);
        if (!match) throw new Error(`cannot read ${JSON.stringify(expression.slice(TOKEN.lastIndex))}`);
        found.push(match[1] ?? match[2] ?? match[3]);
    }
    return found;
}

const truthy = (value: Value) => value !== null && value !== false && value !== "" && value !== 0;
const equal = (left: Value, right: Value) =>
    typeof left === "string" && typeof right === "string" ? left.toLowerCase() === right.toLowerCase() : left === right;

/** What `expression` evaluates to with `context` (github, ...) as its contexts. */
export function evaluate(expression: string, context: Record<string, unknown>): Value {
    const queue = tokens(expression.replace(/^\$\{\{(.*)\}\}$/s, "$1"));
    const next = () => queue.shift();
    const operand = (): Value => {
        const token = next();
        if (token === undefined) throw new Error(`${expression}: ends early`);
        if (token === "!") return !truthy(operand());
        if (token === "(") {
            const value = or();
            if (next() !== ")") throw new Error(`${expression}: unclosed (`);
            return value;
        }
        if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
        if (token === "true" || token === "false") return token === "true";
        if (token === "null") return null;
        if (!/^[A-Za-z_]/.test(token)) throw new Error(`${expression}: unexpected ${token}`);
        return token
            .split(".")
            .reduce<Value>(
                (value, key) => (value && typeof value === "object" ? ((value[key] as Value) ?? null) : null),
                context,
            );
    };
    const comparison = (): Value => {
        let left = operand();
        while (queue[0] === "==" || queue[0] === "!=") {
            const negate = next() === "!=";
            left = equal(left, operand()) !== negate;
        }
        return left;
    };
    const and = (): Value => {
        let left = comparison();
        while (queue[0] === "&&") {
            next();
            const right = comparison();
            left = truthy(left) ? right : left;
        }
        return left;
    };
    function or(): Value {
        let left = and();
        while (queue[0] === "||") {
            next();
            const right = and();
            left = truthy(left) ? left : right;
        }
        return left;
    }
    const value = or();
    if (queue.length > 0) throw new Error(`${expression}: unexpected ${queue[0]}`);
    return value;
}
