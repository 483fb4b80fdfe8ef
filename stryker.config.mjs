// @ts-check
/**
 * The mutation run (npm run mutate; docs/testing.md, "Mutation testing"): StrykerJS changes the code whose
 * mistakes cost the most, one small change at a time, and checks that a spec fails each time.
 * Mutants kept on purpose are explained in mutation-survivors.md.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
    testRunner: "mocha",
    // Each mutant runs only the tests that reached its code.
    coverageAnalysis: "perTest",
    // Only what changed since the last run is tested again (reports/ is not committed).
    incremental: true,
    // Module-level tables (the price table, FREE_TYPES, the IAM action lists) are "static" mutants:
    // each would reload every spec. They are left out; literal-value specs pin them (docs/testing.md).
    ignoreStatic: true,
    incrementalFile: "reports/stryker-incremental.json",
    concurrency: 2,
    // Stryker's mocha runner ignores .mocharc's parallel, jobs and timeout: it runs one mocha per
    // worker with no mocha timeout, and ends a mutant's run after this long plus 1.5 times the
    // tests' own time (an endless loop is reported as a timeout, which counts as killed).
    timeoutMS: 30000,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: "reports/mutation/index.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    ignorePatterns: ["reports", "bin"],
    mutate: [
        "shared/tags.ts",
        "shared/subnet-plan.ts",
        "base/github-access/policies.ts",
        "base/github-access/fence.ts",
        "base/github-access/state-access.ts",
        "bootstrap/bucket-settings.ts",
        "stacks/locks.ts",
        "schedule/gate.ts",
        "offline/stack-files.ts",
        "cost/prices.ts",
        "cost/price-resources.ts",
    ],
    mochaOptions: {
        // .mocharc.cjs asks for parallel workers, which this runner cannot use: its settings are given here.
        "no-config": true,
        "no-package": true,
        // mutation-hooks.ts credits what a describe's `before` hook reaches to that describe's tests.
        require: ["./cli/register.cjs", "test/root-hooks.ts", "test/mutation-hooks.ts"],
        extension: ["ts"],
        // Left out: the specs that evaluate whole stacks or run the commands end to end (minutes
        // per mutant); the files above are pinned by the direct specs that stay.
        grep: "/^(?!workflows (?!schedule)|cost model (budget|npm run cost)|the committed stack files are what gets tested, checked and priced (?!the loader)|security load balancer|tag contract (dev|staging|prod) )/",
        // The specs that pin these files, quick ones first: a mutant that reaches every test stops at
        // the first that fails.
        spec: [
            "test/commands/locks.spec.ts",
            "test/commands/bootstrap.spec.ts",
            "test/subnet-plan.spec.ts",
            "test/config.spec.ts",
            "test/stack-files.spec.ts",
            "test/cost.spec.ts",
            "test/security.spec.ts",
            "test/access-fence.spec.ts",
            "test/tag-contract.spec.ts",
            "test/workflows.spec.ts",
        ],
    },
};
