/** Where a JSON.parse error happened in `text`, as 1-based line and column, and the message without its position. */
export function jsonErrorPlace(text: string, err: Error): { line: number; column: number; message: string } {
  const m = /at position (\d+)/.exec(err.message);
  const offset = m?.[1] !== undefined ? Number(m[1]) : /end of JSON input/i.test(err.message) ? text.length : 0;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  const message = err.message.replace(/\s*(in JSON )?at position \d+( \(line \d+ column \d+\))?/, '').trim();
  return { line, column, message };
}

/** What to do about a take file that is not valid JSON: a merge left its markers, or an edit broke it. */
export function brokenTakeHint(text: string, path: string): string {
  if (/^(<{7}|={7}|>{7})( |$)/m.test(text))
    return `A git merge left conflict markers in ${path}: keep one side of each conflict (or \`git checkout --theirs -- ${path}\`), or remove the take with cassette rm.`;
  return `Fix the JSON at that place, restore the file from version control (\`git checkout -- ${path}\`), or remove the take with cassette rm.`;
}
