/** A parser turns a raw config string into a value, or returns a problem sentence starting with the key. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };
export type Parser<T> = (key: string, raw: string) => Parsed<T>;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

/** `why` explains a bound that is not obvious, e.g. why at least 2. */
export function wholeNumber(min: number, max: number, why?: string): Parser<number> {
    return (key, raw) => {
        const value = Number(raw);
        return /^\d+$/.test(raw.trim()) && value >= min && value <= max
            ? ok(value)
            : fail(`${key} must be a whole number from ${min} to ${max}${why ? ` (${why})` : ""} (got "${raw}")`);
    };
}

export function oneOf<T extends string | number>(allowed: readonly T[]): Parser<T> {
    return (key, raw) => {
        const match = allowed.find((value) => String(value) === raw.trim());
        return match !== undefined ? ok(match) : fail(`${key} must be one of ${allowed.join(", ")} (got "${raw}")`);
    };
}

export const boolean: Parser<boolean> = (key, raw) => {
    const value = raw.trim().toLowerCase();
    if (value === "true") return ok(true);
    if (value === "false") return ok(false);
    return fail(`${key} must be true or false (got "${raw}")`);
};

export function matching(pattern: RegExp, description: string): Parser<string> {
    return (key, raw) => (pattern.test(raw) ? ok(raw) : fail(`${key} must be ${description} (got "${raw}")`));
}

export const cidrBlock: Parser<string> = (key, raw) => {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(raw.trim());
    const octets = match ? match.slice(1, 5).map(Number) : [];
    const prefix = match ? Number(match[5]) : -1;
    if (!match || octets.some((octet) => octet > 255) || prefix < 16 || prefix > 24) {
        return fail(`${key} must be an IPv4 CIDR block from /16 to /23 such as 10.0.0.0/16 (got "${raw}")`);
    }
    const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
    if (address % 2 ** (32 - prefix) !== 0) {
        return fail(
            `${key} ${raw} has host bits set; the network address for /${prefix} is ${networkAddress(address, prefix)}/${prefix}`,
        );
    }
    return ok(raw.trim());
};

function networkAddress(address: number, prefix: number): string {
    const network = address - (address % 2 ** (32 - prefix));
    return [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join(".");
}

/** A JSON object with exactly these keys, each value checked by `value`; e.g. {"frontend": "...", "backend": "..."}. */
export function jsonRecord<T>(
    keys: readonly string[],
    value: (key: string, raw: unknown) => Parsed<T>,
    example: string,
): Parser<Record<string, T>> {
    return (key, raw) => {
        let parsed: unknown;
        try {
            parsed = JSON.parse(raw);
        } catch {
            return fail(`${key} must be a map such as ${example} (got "${raw}")`);
        }
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
            return fail(`${key} must be a map such as ${example} (got ${raw})`);
        const given = Object.keys(parsed);
        if (given.length !== keys.length || !keys.every((name) => given.includes(name))) {
            return fail(
                `${key} must have exactly the keys ${keys.join(" and ")}, such as ${example} (got ${given.join(", ") || "none"})`,
            );
        }
        const result: Record<string, T> = {};
        for (const name of keys) {
            const checked = value(`${key}.${name}`, (parsed as Record<string, unknown>)[name]);
            if (!checked.ok) return checked;
            result[name] = checked.value;
        }
        return ok(result);
    };
}

/** A list (inside a JSON value) whose every entry `value` accepts. */
export function listOf<T>(
    value: (key: string, raw: unknown) => Parsed<T>,
    example: string,
): (key: string, raw: unknown) => Parsed<T[]> {
    return (key, raw) => {
        if (!Array.isArray(raw)) return fail(`${key} must be a list such as ${example} (got ${JSON.stringify(raw)})`);
        const result: T[] = [];
        for (const [index, entry] of raw.entries()) {
            const checked = value(`${key}[${index}]`, entry);
            if (!checked.ok) return checked;
            result.push(checked.value);
        }
        return ok(result);
    };
}

/** A JSON list whose every entry `value` accepts. */
export function jsonList<T>(value: (key: string, raw: unknown) => Parsed<T>, example: string): Parser<T[]> {
    return (key, raw) => {
        try {
            return listOf(value, example)(key, JSON.parse(raw));
        } catch {
            return fail(`${key} must be a list such as ${example} (got "${raw}")`);
        }
    };
}

/** A string value inside a JSON config value, checked by a string parser. */
export const within =
    <T>(parse: Parser<T>) =>
    (key: string, raw: unknown): Parsed<T> =>
        typeof raw === "string" ? parse(key, raw) : fail(`${key} must be a string (got ${JSON.stringify(raw)})`);

/** A JSON object of string values, e.g. extraTags: {"CostCenter": "web"}. */
export const stringMap: Parser<Record<string, string>> = (key, raw) => {
    let value: unknown;
    try {
        value = JSON.parse(raw);
    } catch {
        return fail(`${key} must be a map of strings, e.g. {"CostCenter": "web"} (got "${raw}")`);
    }
    if (
        typeof value !== "object" ||
        value === null ||
        Array.isArray(value) ||
        Object.values(value).some((v) => typeof v !== "string")
    ) {
        return fail(`${key} must be a map of strings, e.g. {"CostCenter": "web"} (got ${raw})`);
    }
    return ok(value as Record<string, string>);
};
