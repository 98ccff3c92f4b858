// Splits Markdown into top-level blocks so a long answer renders (and re-renders while it
// streams) block by block: each finished block is parsed once, only the growing last one again.
// A block ends at a blank line outside a code fence that is followed by an unindented line, so
// fenced code and list items continued (indented) after a blank line stay whole.

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

export function markdownBlocks(text: string): string[] {
  const blocks: string[] = [];
  let start = 0;
  let fence: string | null = null;
  let previousBlank = false;
  let at = 0;
  while (at <= text.length) {
    const end = text.indexOf("\n", at);
    const lineEnd = end === -1 ? text.length : end;
    const line = text.slice(at, lineEnd);
    const blank = line.trim() === "";
    if (fence === null && previousBlank && !blank && at > start && !/^[ \t]/.test(line)) {
      blocks.push(text.slice(start, at));
      start = at;
    }
    const marker = FENCE.exec(line)?.[1];
    if (marker) {
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
    }
    previousBlank = blank;
    if (end === -1) break;
    at = end + 1;
  }
  if (start < text.length) blocks.push(text.slice(start));
  return blocks;
}
