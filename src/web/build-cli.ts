// `npm run web:build` (and postinstall): builds web/dist. Exits 1 with esbuild's message on a build error.
import { buildWeb } from './build.js';

const started = Date.now();
try {
  const manifest = await buildWeb();
  console.log(
    `web: built ${Object.values(manifest.entries)
      .map((e) => e.js)
      .join(', ')} in ${Date.now() - started} ms`,
  );
} catch (err) {
  console.error(`web: build failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
