// Public API of the Choir program client: ids, deploy, PDAs, instruction builders, canonical messages, account
// and instruction decoders (result objects, never exceptions) and the program error table.
export * from './canonical.js';
export * from './client-error.js';
export * from './decode-account.js';
export * from './decode-instruction.js';
export * from './deploy.js';
export * from './encode-account.js';
export * from './errors.js';
export * from './instructions.js';
export * from './layout.js';
export * from './litesvm.js';
export * from './pda.js';
export * from './program-id.js';
export * from './result.js';
