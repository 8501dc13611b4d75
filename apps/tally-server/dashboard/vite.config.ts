// Builds the dashboard into dist/dashboard at the repository root, where the server serves it.
// Preact through esbuild's automatic JSX runtime: no framework plugin needed.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../../../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle: nothing to gain from splitting a page this size.
    modulePreload: false,
    reportCompressedSize: true,
  },
  server: {
    // `vite --config …` during development: the API comes from a running `npm start`.
    proxy: { '/v1': 'http://127.0.0.1:3000' },
  },
});
