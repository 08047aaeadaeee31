/**
 * A small XML 1.0 well-formedness check (no DTDs): one root, balanced and properly nested tags,
 * quoted and unique attributes, known entities only, no stray `<` or `&`.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const name = /^[A-Za-z_][\w.-]*/;
  const checkText = (text: string): void => {
    const amp = text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, '');
    if (amp.includes('&')) problems.push(`bare & in ${JSON.stringify(text.slice(0, 40))}`);
    if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(text)) problems.push('control character');
  };
  if (xml.startsWith('<?xml')) i = xml.indexOf('?>') + 2;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    checkText(text);
    if (stack.length === 0 && text.trim() !== '') problems.push('text outside the root');
    if (lt < 0) break;
    const gt = xml.indexOf('>', lt);
    if (gt < 0) {
      problems.push('unclosed tag');
      break;
    }
    const tag = xml.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (open !== tag.slice(1).trim()) problems.push(`</${tag.slice(1)}> closes <${open}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const tagName = name.exec(body)?.[0];
    if (!tagName) {
      problems.push(`bad tag <${tag.slice(0, 20)}>`);
      continue;
    }
    const attrs = body.slice(tagName.length);
    const seen = new Set<string>();
    const attrRe = /\s+([A-Za-z_][\w.:-]*)="([^"<]*)"/y;
    let pos = 0;
    for (let m = attrRe.exec(attrs); m; m = attrRe.exec(attrs)) {
      if (seen.has(m[1]!)) problems.push(`duplicate attribute ${m[1]}`);
      seen.add(m[1]!);
      checkText(m[2]!);
      pos = attrRe.lastIndex;
    }
    if (attrs.slice(pos).trim() !== '') problems.push(`bad attributes in <${tagName}>: ${attrs.slice(pos, pos + 30)}`);
    if (stack.length === 0 && ++roots > 1) problems.push('more than one root');
    if (!selfClosing) stack.push(tagName);
  }
  if (stack.length > 0) problems.push(`unclosed <${stack.join('>, <')}>`);
  if (roots === 0) problems.push('no root element');
  return problems;
}
