import { asyncApiDocument } from '@mp/contracts';
import { asyncApiHtml, inlineSafe, installedRenderer } from './asyncapi-html';

describe('docs/asyncapi.html (npm run docs:asyncapi)', () => {
  const document = asyncApiDocument() as { info: { title: string } };
  const html = asyncApiHtml(document);

  it('holds the renderer, its styles and the document in the page itself: nothing is loaded from anywhere', () => {
    // The page around its inline elements: no element that loads anything.
    const shell = html.replace(/<(script|style)([^>]*)>[\s\S]*?<\/\1>/gi, '<$1$2></$1>');
    expect(shell.length).toBeLessThan(2_000);
    expect(shell.match(/\s(src|href)=/gi)).toBeNull();
    expect(shell.match(/<(link|img|iframe|object|embed)\b/gi)).toBeNull();
    const { bundle, css } = installedRenderer();
    expect(html).toContain(inlineSafe(bundle));
    expect(html).toContain(inlineSafe(css));
    expect(html).toContain(`<title>${document.info.title}</title>`);
  });

  it('has exactly its three script elements: no text inlined in them can end one or open another', () => {
    expect(html.match(/<script/gi)).toHaveLength(3);
    expect(html.match(/<\/script/gi)).toHaveLength(3);
    expect(html).not.toContain('<!--');
  });

  it('embeds the document as JSON that reads back the same', () => {
    const block = /<script type="application\/json" id="asyncapi-document">([^<]*)<\/script>/.exec(html);
    expect(block).not.toBeNull();
    expect(JSON.parse(block![1])).toEqual(document);
  });

  it('escapes what would end an inline element, keeping the same text for JavaScript', () => {
    const code = `const a = "</script><script>alert(1)</script>"; const b = /<!--(?!-?>)/;`;
    const safe = inlineSafe(code);
    expect(safe).not.toMatch(/<\/?script|<!--/i);
    expect(new Function(`${safe}; return [a, b.test('<!-- a comment')];`)()).toEqual(['</script><script>alert(1)</script>', true]);
  });
});
