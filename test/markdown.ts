/**
 * What the docs specs read from a Markdown page as GitHub renders it: its headings' anchors and its
 * relative links. Fenced code blocks and inline code hold neither.
 */

/** The page without its fenced code blocks (each line kept, emptied, so line numbers hold). */
export function withoutCode(text: string): string[] {
    let fenced = false;
    return text.split("\n").map((line) => {
        if (/^\s*```/.test(line)) {
            fenced = !fenced;
            return "";
        }
        return fenced ? "" : line;
    });
}

/**
 * The anchor GitHub gives a heading: its text lowercased, every character that is not a letter,
 * mark, digit, connector (`_`), hyphen or space dropped, each space a hyphen, nothing collapsed
 * (as Flet/github-slugger, which mirrors GitHub, does: "A & B" becomes "a--b").
 */
export function slug(heading: string): string {
    const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    return text
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
        .replace(/ /g, "-");
}

/** Every anchor a page's headings get, a repeated one with -1, -2... as GitHub numbers them. */
export function anchors(text: string): Set<string> {
    const seen = new Map<string, number>();
    const found = new Set<string>();
    for (const line of withoutCode(text)) {
        const heading = /^#{1,6} (.*)$/.exec(line);
        if (!heading) continue;
        const base = slug(heading[1]);
        const count = seen.get(base) ?? 0;
        seen.set(base, count + 1);
        found.add(count === 0 ? base : `${base}-${count}`);
    }
    return found;
}

/** The targets of a page's links that stay in the repository: a path, a path#anchor, or #anchor. */
export function relativeLinks(text: string): string[] {
    const prose = withoutCode(text)
        .map((line) => line.replace(/`[^`]*`/g, ""))
        .join("\n");
    return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
        .map((match) => match[1])
        .filter((target) => !/^[a-z][a-z+.-]*:/i.test(target));
}
