/**
 * Evaluations take turns. Pulumi's mock monitor, its config and its run settings are the process's
 * (`setMocks` and `setAllConfig` write its global store), and so are V8's stack-trace settings:
 * two evaluations that overlapped registered their resources into each other's mocks, and
 * `Promise.all` over base-dev and base-prod declared 0 and 92 resources where each declares 46.
 * So an evaluation starts only once the one before it has settled. Each evaluation replaces Pulumi's
 * mocks, run settings and config whole (offline/engine.ts), so none carries over into the next; the
 * settings a turn is given (V8's stack traces) are put back as they were when it settles.
 */

/** What a turn sets for the process; it returns what puts the process back as it was. */
export type ProcessSetting = () => () => void;

interface Turn {
    readonly restore: () => void;
}

const waiting: (() => void)[] = [];
let current: Turn | undefined;

/** Runs `run` once every turn asked for before has settled, with `settings` applied until it settles. */
export function inTurn<T>(settings: readonly ProcessSetting[], run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        const start = () => {
            const undo = settings.map((apply) => apply()).reverse();
            const turn: Turn = { restore: () => undo.forEach((restore) => restore()) };
            current = turn;
            Promise.resolve()
                .then(run)
                .then(
                    (value) => end(turn, () => resolve(value)),
                    (error) => end(turn, () => reject(error)),
                );
        };
        if (current) waiting.push(start);
        else start();
    });
}

/** Puts the process back before the caller sees the result, then starts the next turn. */
function end(turn: Turn, settle: () => void): void {
    // A turn given up by endStuckTurn has been restored already, and the next one may be running.
    const running = current === turn;
    if (running) {
        current = undefined;
        turn.restore();
    }
    settle();
    if (running) waiting.shift()?.();
}

/**
 * Gives up the running turn, if any: its settings are put back and the next turn starts. Mocha's
 * root hook calls it after each spec file, so an evaluation that never settled (its test timed out)
 * neither holds up every later one in its worker nor leaves them without stack traces.
 */
export function endStuckTurn(): void {
    if (!current) return;
    const turn = current;
    current = undefined;
    turn.restore();
    waiting.shift()?.();
}
