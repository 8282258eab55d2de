import react from '@vitejs/plugin-react';
import { defineConfig, searchForWorkspaceRoot } from 'vite';

/** Built into web/dist, which the Nest server serves at `/`; `npm run dev` proxies the API to a running server. */
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    proxy: { '/graphql': `http://localhost:${process.env.API_PORT ?? 3000}` },
    // The one file the console shares with the server (how a device is named); nothing else of src/.
    fs: { allow: [searchForWorkspaceRoot(process.cwd()), '../src/common/device-name.util.ts'] },
  },
});
