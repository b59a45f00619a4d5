// The HR console: built into chalicelib/console_dist/ (git-ignored), which the API serves at
// /console. Relative asset paths: the page works under any API Gateway stage prefix.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  build: {
    outDir: "../chalicelib/console_dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
});
