// The Choir program id alone, without the node:fs loaders of program-id.ts, so that browser code (the client SDK
// and the web page) can derive addresses and canonical messages.
import { PublicKey } from '@solana/web3.js';

export const CHOIR_PROGRAM_ID = new PublicKey('3tDCtR2Tk9W8xvpwBCxLWcVHZeXx8n56F58H2F8emvbk');
