/**
 * How the commands, the workflows and the tests load TypeScript: `node -r ./cli/register.cjs
 * <file>.ts`. ts-node with swc as its transpiler starts a command in half the time of TypeScript's
 * own transpiler, and types are checked apart (`npm run typecheck`). `pulumi up` loads the
 * program its own way, with tsconfig.json, and does not read this file.
 */
require("ts-node").register({ transpileOnly: true, swc: true });

// On Node before 22 the AWS SDK's first client prints 9 lines saying its releases after January 2027
// need Node 22 (@aws-sdk/core, emitWarningIfUnsupportedVersion, which skips them when this variable
// is "true"). The versions package.json pins run on Node 20 and docs/testing.md says when to move, so a
// command's own message, and npm test's output, are not buried under them. Set here, the preload of
// every command and every mocha worker, so it holds whichever of them makes the first client.
require("node:process").env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
