import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// One build serves any network: the app reads /config.json (served by tools/app/app.ts) at start. Relative asset
// paths, everything bundled: no CDN, works offline.
export default defineConfig({
  base: "./",
  plugins: [react()],
  build: { outDir: "dist", sourcemap: true, chunkSizeWarningLimit: 2000 },
});
