#!/usr/bin/env node
// Entry point of the `choir` command. The sources are TypeScript run through bin/ts-loader.mjs (SWC), which keeps the
// decorator metadata type-graphql needs (esbuild-based loaders drop it), so no build step stands between a
// fresh clone and `npm start`.
import { register } from 'node:module';

register('./ts-loader.mjs', import.meta.url);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
