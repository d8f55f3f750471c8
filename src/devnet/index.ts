export type { DevnetSettings } from '../config/sections/devnet.js';
export { devnetSection } from '../config/sections/devnet.js';
export type { DevnetFaults, FaultAccount, FaultAddress } from './faults.js';
export { Ledger, type ProgramSpec } from './ledger/ledger.js';
export { Signer } from './ledger/signer.js';
export type { Commitment, LedgerEvent, SlotStatus } from './ledger/types.js';
export { choirProgram } from './program.js';
export { type SeededMessage, type SeedOptions, type SeedResult, seedDevnet } from './seed.js';
export { type Devnet, type DevnetOptions, startDevnet } from './start.js';
