/** Fargate accepts only these memory sizes (MiB) for each CPU size (units). */
const MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024, 2048],
    512: range(1024, 4096, 1024),
    1024: range(2048, 8192, 1024),
    2048: range(4096, 16384, 1024),
    4096: range(8192, 30720, 1024),
    8192: range(16384, 61440, 4096),
    16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
    const values: number[] = [];
    for (let value = from; value <= to; value += step) values.push(value);
    return values;
}

export const FARGATE_CPU_SIZES = Object.keys(MEMORY_BY_CPU).map(Number);

/** Returns why a cpu/memory pair is not a Fargate task size, or undefined if it is one. */
export function fargateSizeProblem(cpu: number, memory: number): string | undefined {
    const memories = MEMORY_BY_CPU[cpu];
    if (!memories) {
        return `taskCpu ${cpu} is not a Fargate size; use one of ${FARGATE_CPU_SIZES.join(", ")}`;
    }
    if (!memories.includes(memory)) {
        const shown =
            memories.length > 6
                ? `${memories[0]} to ${memories[memories.length - 1]} in steps of ${memories[1] - memories[0]}`
                : memories.join(", ");
        return `taskMemory ${memory} does not fit taskCpu ${cpu}; Fargate allows ${shown}`;
    }
    return undefined;
}
