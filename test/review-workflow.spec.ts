import { strict as assert } from "assert";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { parseReviewCommand } from "../commands/review";
import { evaluate } from "./github-expression";

const WORKFLOW_DIR = join(__dirname, "..", ".github", "workflows");
const review = parse(readFileSync(join(WORKFLOW_DIR, "review.yml"), "utf8"));
const stepNamed = (job: string, name: string) => review.jobs[job].steps.find((step: any) => step.name === name);

/** What a step's script runs, executed by bash with `node` standing in: the argv it was exec'd with. */
function executed(script: string, env: Record<string, string>): string[] {
    const dir = mkdtempSync(join(tmpdir(), "review-workflow-"));
    try {
        writeFileSync(join(dir, "node"), '#!/bin/sh\nprintf "%s\\n" "$@"\n');
        chmodSync(join(dir, "node"), 0o755);
        const output = execFileSync("bash", ["-e", "-o", "pipefail", "-c", script], {
            cwd: dir,
            env: { PATH: `${dir}:${process.env.PATH}`, ...env },
            encoding: "utf8",
        });
        return output.trim().split("\n");
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

describe("review.yml", () => {
    it("runs on pull requests opened, reopened, pushed to, labeled and closed, and on a schedule for the sweep", () => {
        assert.deepEqual(review.on.pull_request.types, ["opened", "reopened", "synchronize", "labeled", "closed"]);
        assert.equal(review.on.schedule.length, 1);
        assert.ok("workflow_dispatch" in review.on);
    });

    it("no workflow runs on pull_request_target, which would hand a fork's code this repository's secrets", () => {
        for (const file of readdirSync(WORKFLOW_DIR)) {
            const definition = parse(readFileSync(join(WORKFLOW_DIR, file), "utf8"));
            assert.ok(!("pull_request_target" in (definition.on ?? {})), file);
        }
    });

    /** Whether the review job runs for a pull_request event with this action on a pull request in this state. */
    const reviewRuns = (action: string, state: "open" | "closed", headRepository = "owner/repo") =>
        evaluate(review.jobs.review.if, {
            github: {
                event_name: "pull_request",
                repository: "owner/repo",
                event: { action, pull_request: { state, head: { repo: { full_name: headRepository } } } },
            },
        });

    it("deploys only pull requests whose head is in this repository: a fork's run has no OIDC token and no secrets", () => {
        assert.equal(reviewRuns("opened", "open"), true);
        assert.equal(reviewRuns("opened", "open", "someone/fork"), false);
        assert.equal(reviewRuns("closed", "closed", "someone/fork"), false);
        assert.equal(
            evaluate(review.jobs.review.if, {
                github: { event_name: "schedule", repository: "owner/repo", event: {} },
            }),
            false,
        );
        assert.equal(
            review.jobs.sweep.if,
            "github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'",
        );
    });

    it("leaves a closed pull request alone but for its close: a label added after it would bring the review back, and could cancel a pending close", () => {
        // GitHub sends labeled for a closed pull request too; a concurrency group holds one pending run
        // and a newly queued one cancels it ("Control the concurrency of workflows and jobs"), so a
        // label queued behind a running push would have replaced the close. pull_request.state is
        // "open" or "closed" in the webhook's pull request object.
        for (const action of ["opened", "reopened", "synchronize", "labeled"])
            assert.equal(reviewRuns(action, "open"), true, action);
        assert.equal(reviewRuns("closed", "closed"), true);
        assert.equal(reviewRuns("labeled", "closed"), false);
    });

    it("queues a pull request's runs in a group of their own, never cancelling a running one; the sweep, across every pull request, joins none", () => {
        // A group holds one running and one pending run ("Control the concurrency of workflows and jobs"):
        // a group the sweep shared with the reviews would cancel their pending pushes and closes. The
        // sweep leaves a review a live run has locked to the next sweep instead (test/commands/review.spec.ts).
        assert.deepEqual(review.jobs.review.concurrency, {
            group: "review-${{ github.event.pull_request.number }}",
            "cancel-in-progress": false,
        });
        assert.equal(review.jobs.sweep.concurrency, undefined);
        assert.equal(review.concurrency, undefined);
    });

    it("both jobs run in the GitHub environment review, with its role, and keep no checkout token", () => {
        for (const name of ["review", "sweep"]) {
            const job = review.jobs[name];
            assert.equal(job.environment, "review", name);
            assert.equal(job.permissions["id-token"], "write", name);
            const credentials = job.steps.find((step: any) =>
                String(step.uses).startsWith("aws-actions/configure-aws-credentials"),
            );
            assert.equal(credentials.with["role-to-assume"], "${{ secrets.AWS_ROLE_ARN }}", name);
            const checkout = job.steps.find((step: any) => String(step.uses).startsWith("actions/checkout"));
            assert.equal(checkout.with["persist-credentials"], false, name);
        }
        assert.equal(review.jobs.review.permissions["pull-requests"], "write");
        assert.equal(review.jobs.sweep.permissions["pull-requests"], "read");
    });

    it("brings the review up on every event but the close, with the pull request's number, as node itself", () => {
        const up = stepNamed("review", "Bring the review up");
        assert.equal(up.if, "github.event.action != 'closed'");
        const argv = executed(up.run, { PR_NUMBER: "42" });
        assert.deepEqual(argv, ["-r", "./cli/register.cjs", "commands/review.ts", "--pr", "42"]);
        assert.deepEqual(parseReviewCommand(argv.slice(3)), {
            sweep: false,
            pullRequest: 42,
            tag: undefined,
            down: false,
            maxReviews: 5,
        });
    });

    it("comments the URL and the cost the command printed, except on a push (the URL does not change)", () => {
        const comment = stepNamed("review", "Comment the URL and the cost");
        assert.equal(comment.if, "steps.up.outcome == 'success' && github.event.action != 'synchronize'");
        assert.equal(comment.env.GH_TOKEN, "${{ github.token }}");
        const dir = mkdtempSync(join(tmpdir(), "review-comment-"));
        try {
            writeFileSync(
                join(dir, "review.log"),
                "Updating (runtime-dev-pr-42):\nruntime-dev-pr-42 is up, running frontend v1, backend v1: https://pr-42.dev.example.com\na review costs $0.0177 an hour while awake and about $0.07 a day\n",
            );
            writeFileSync(join(dir, "gh"), '#!/bin/sh\nprintf "%s\\n" "$@" > gh.args\n');
            chmodSync(join(dir, "gh"), 0o755);
            execFileSync("bash", ["-e", "-o", "pipefail", "-c", comment.run], {
                cwd: dir,
                env: { PATH: `${dir}:${process.env.PATH}`, PR_NUMBER: "42", GITHUB_STEP_SUMMARY: join(dir, "summary") },
            });
            assert.deepEqual(readFileSync(join(dir, "gh.args"), "utf8").trim().split("\n"), [
                "pr",
                "comment",
                "42",
                "--body-file",
                "comment.md",
            ]);
            const body = readFileSync(join(dir, "comment.md"), "utf8");
            assert.match(body, /^### Review environment of #42\n/);
            assert.match(body, /\nruntime-dev-pr-42 is up, .*: https:\/\/pr-42\.dev\.example\.com\n/);
            assert.match(body, /\na review costs \$0\.0177 an hour while awake/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("destroys the review when the pull request closes", () => {
        const down = stepNamed("review", "Destroy the review");
        assert.equal(down.if, "github.event.action == 'closed'");
        const argv = executed(down.run, { PR_NUMBER: "42" });
        assert.deepEqual(argv.slice(2), ["commands/review.ts", "--pr", "42", "--down"]);
        assert.equal((parseReviewCommand(argv.slice(3)) as { down: boolean }).down, true);
    });

    it("sweeps on the schedule with the run's token passed in, which a step does not otherwise see", () => {
        const sweep = stepNamed("sweep", "Sweep closed and idle reviews");
        assert.equal(sweep.env.GITHUB_TOKEN, "${{ github.token }}");
        const argv = executed(sweep.run, {});
        assert.deepEqual(argv.slice(2), ["commands/review.ts", "--sweep"]);
        assert.deepEqual(parseReviewCommand(argv.slice(3)), { sweep: true, ttlDays: 3 });
    });
});
