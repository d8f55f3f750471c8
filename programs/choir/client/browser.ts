// The browser-safe part of the program client: the program id, PDAs and the canonical signed messages. Nothing here
// (or below it) imports a node:* module, so the client SDK and the web page bundle it as is; a unit test checks.
export * from './canonical.js';
export * from './pda.js';
export * from './program-address.js';
