/**
 * The part of cron GitHub Actions uses: five fields (minute hour day-of-month month day-of-week)
 * of numbers, ranges, lists and `*`, always in UTC.
 */
export interface CronSchedule {
    readonly expression: string;
    matches(instant: Date): boolean;
}

/** Each field's range and how to read it from an instant, in the expression's order. */
const FIELDS: ReadonlyArray<{ range: [number, number]; of: (instant: Date) => number }> = [
    { range: [0, 59], of: (instant) => instant.getUTCMinutes() },
    { range: [0, 23], of: (instant) => instant.getUTCHours() },
    { range: [1, 31], of: (instant) => instant.getUTCDate() },
    { range: [1, 12], of: (instant) => instant.getUTCMonth() + 1 },
    { range: [0, 6], of: (instant) => instant.getUTCDay() },
];

export function parseCron(expression: string): CronSchedule {
    const fields = expression.trim().split(/\s+/);
    if (fields.length !== 5) throw new Error(`cron "${expression}" must have five fields`);
    const allowed = fields.map((field, index) => parseField(field, FIELDS[index].range, expression));
    return {
        expression,
        // Field by field, minute first: most instants fail there (a year's simulation asks two million times).
        matches: (instant) => FIELDS.every((field, index) => allowed[index].has(field.of(instant))),
    };
}

function parseField(field: string, [min, max]: [number, number], expression: string): Set<number> {
    const values = new Set<number>();
    for (const part of field.split(",")) {
        const match = /^(\*|(\d+)(?:-(\d+))?)$/.exec(part);
        if (!match)
            throw new Error(`cron "${expression}": "${part}" is not supported (use numbers, ranges, lists or *)`);
        const from = match[1] === "*" ? min : Number(match[2]);
        const to = match[1] === "*" ? max : Number(match[3] ?? match[2]);
        if (from < min || to > max || from > to)
            throw new Error(`cron "${expression}": "${part}" is outside ${min}-${max}`);
        for (let value = from; value <= to; value += 1) values.add(value);
    }
    return values;
}

/** The latest instant at or before `now` (to the minute) that the cron fires at, within a day. */
export function lastFiring(cron: CronSchedule, now: Date): Date | undefined {
    const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    for (let back = 0; back < 24 * 60; back += 1) {
        const candidate = new Date(minute.getTime() - back * 60_000);
        if (cron.matches(candidate)) return candidate;
    }
    return undefined;
}
