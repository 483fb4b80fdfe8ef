import { rmSync } from "node:fs";

/**
 * The file:// backend directories the fake CLIs made. The root hook removes them after each spec
 * file; kept apart from the fakes so mocha's main process loads no Pulumi SDK to find the hook.
 */
const directories = new Set<string>();

export function keepForCleanup(dir: string): string {
    directories.add(dir);
    return dir;
}

export function removeBackendDirectories(): void {
    for (const dir of directories) rmSync(dir, { recursive: true, force: true });
    directories.clear();
}
