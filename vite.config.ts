// Builds the interactive article (web/) into dist/web, which the l2angle server and `l2angle site` serve.
// Relative base: the page must work at the server's root and as a static site in any sub-folder.
import { defineConfig } from 'vite';

/** The l2angle server that the dev server forwards results and progress to (`l2angle serve --port 8080`). */
const API_TARGET = 'http://127.0.0.1:8080';

export default defineConfig({
  root: 'web',
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
