// Builds the interactive article (web/) into dist/web, which the l2angle server and `l2angle site` serve.
// Relative base: the page must work at the server's root and as a static site in any sub-folder.
import katex from 'katex';
import { defineConfig, type Plugin } from 'vite';

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  nbsp: '\u00a0',
};

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Typesets the page's formulas once, at build time: $$…$$ (display) and \(…\) (inline) in index.html become
 * KaTeX's HTML, so the reader's browser neither downloads KaTeX's JavaScript nor spends a frame typesetting.
 * A formula KaTeX cannot parse fails the build, naming it.
 */
function typesetFormulas(): Plugin {
  const render = (source: string, displayMode: boolean) => {
    const tex = source.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name]);
    try {
      // KaTeX's HTML alone (its hidden MathML copy doubles the page's layout work: ~140 ms later first
      // figure in `npm run bench -- page`); screen readers get the formula's source as the label instead
      const html = katex.renderToString(tex, { displayMode, throwOnError: true, output: 'html' });
      return `<span class="formula" role="img" aria-label="${escapeAttribute(tex.trim())}">${html}</span>`;
    } catch (error) {
      throw new Error(`index.html: formula ${JSON.stringify(tex)}: ${(error as Error).message}`);
    }
  };
  return {
    name: 'l2angle-typeset-formulas',
    transformIndexHtml: {
      order: 'pre',
      handler: (html) =>
        html
          .replace(/\$\$([\s\S]+?)\$\$/g, (_, tex: string) => render(tex, true))
          .replace(/\\\(([\s\S]+?)\\\)/g, (_, tex: string) => render(tex, false)),
    },
  };
}

/** The l2angle server that the dev server forwards results and progress to (`l2angle serve --port 8080`). */
const API_TARGET = 'http://127.0.0.1:8080';

export default defineConfig({
  root: 'web',
  plugins: [typesetFormulas()],
  base: './',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // KaTeX alone is ~270 kB: the page is one article, one bundle is simpler than splitting
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/results': API_TARGET,
      '/api': API_TARGET,
      '/status.json': API_TARGET,
    },
  },
});
