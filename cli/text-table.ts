/**
 * Rows as aligned plain-text columns, two spaces apart. Columns from `rightAlignFrom` on are
 * right-aligned (figures); a rule under the first row when `headerRule` is set.
 */
export function textTable(
    rows: readonly string[][],
    options: { rightAlignFrom?: number; headerRule?: boolean } = {},
): string {
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    const rightFrom = options.rightAlignFrom ?? Infinity;
    const line = (row: readonly string[]) =>
        row
            .map((cell, column) => (column >= rightFrom ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
            .join("  ")
            .trimEnd();
    const lines = rows.map(line);
    if (options.headerRule) lines.splice(1, 0, widths.map((width) => "-".repeat(width)).join("  "));
    return lines.join("\n");
}
