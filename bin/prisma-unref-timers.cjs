// Preloaded into the Prisma CLI by bin/prisma.js. Prisma 6.19.3's wasm schema engine arms a 10 s timer it never
// clears, which keeps every `migrate deploy` alive 10 s after its work is done. Unref long timers: pending I/O still
// keeps the process alive, so a timer that guards real work still fires.
const originalSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = (fn, ms, ...args) => {
  const timer = originalSetTimeout(fn, ms, ...args);
  if (typeof ms === 'number' && ms >= 10_000) timer.unref?.();
  return timer;
};
