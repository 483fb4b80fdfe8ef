/**
 * The part of cron GitHub Actions uses: five fields (minute hour day-of-month month day-of-week)
 * of numbers, ranges, lists and `*`, always in UTC.
 */
export interface CronSchedule {
    readonly expression: string;
    matches(instant: Date): boolean;
}

const FIELD_RANGES: ReadonlyArray<[number, number]> = [
    [0, 59],
    [0, 23],
    [1, 31],
    [1, 12],
    [0, 6],
];

export function parseCron(expression: string): CronSchedule {
    const fields = expression.trim().split(/\s+/);
    if (fields.length !== 5) throw new Error(`cron "${expression}" must have five fields`);
    const allowed = fields.map((field, index) => parseField(field, FIELD_RANGES[index], expression));
    return {
        expression,
        matches: (instant) =>
            [instant.getUTCMinutes(), instant.getUTCHours(), instant.getUTCDate(), instant.getUTCMonth() + 1, instant.getUTCDay()].every((value, index) => allowed[index].has(value)),
    };
}

function parseField(field: string, [min, max]: [number, number], expression: string): Set<number> {
    const values = new Set<number>();
    for (const part of field.split(",")) {
        const match = /^(\*|(\d+)(?:-(\d+))?)$/.exec(part);
        if (!match) throw new Error(`cron "${expression}": "${part}" is not supported (use numbers, ranges, lists or *)`);
        const from = match[1] === "*" ? min : Number(match[2]);
        const to = match[1] === "*" ? max : Number(match[3] ?? match[2]);
        if (from < min || to > max || from > to) throw new Error(`cron "${expression}": "${part}" is outside ${min}-${max}`);
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
