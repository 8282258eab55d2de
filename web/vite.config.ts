import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Built into web/dist, which the Nest server serves at `/`; `npm run dev` proxies the API to a running server. */
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    proxy: { '/graphql': `http://localhost:${process.env.API_PORT ?? 3000}` },
  },
});
