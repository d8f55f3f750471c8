// Decodes Choir instruction data plus the instruction's account keys (base58, in instruction order), e.g. from
// a Geyser transaction update. Never throws: malformed input gives
// { ok: false, error: ChoirError('SOLANA_INSTRUCTION_MALFORMED') }.
import bs58 from 'bs58';
import {
  CREATE_THREAD_FIXED_LEN,
  DIVEST_LEN,
  EXPIRE_SPEC_LEN,
  InstructionTag,
  MAX_CO_AUTHORS,
  SUBMIT_MESSAGE_LEN,
  SUBMIT_SPEC_LEN,
  VOTE_LEN,
} from './layout.js';
import { type DecodeResult, fail, ok } from './result.js';

export type ChoirInstruction =
  | {
      name: 'createThread';
      threadId: Uint8Array;
      minStake: bigint;
      /** As sent: 0 means the default (7 days). */
      specLifetime: bigint;
      coAuthors: string[];
      accounts: { payer: string; creator: string; thread: string };
    }
  | {
      name: 'submitMessage';
      contentHash: Uint8Array;
      accounts: { payer: string; author: string; thread: string; message: string };
    }
  | {
      name: 'submitSpec';
      contentHash: Uint8Array;
      stake: bigint;
      accounts: { author: string; thread: string; message: string };
    }
  | {
      name: 'vote';
      contentHash: Uint8Array;
      approve: boolean;
      accounts: { voter: string; thread: string; message: string; payees: string[] };
    }
  | { name: 'expireSpec'; contentHash: Uint8Array; accounts: { thread: string; message: string } }
  | { name: 'divest'; accounts: { coAuthor: string; thread: string } };

export type ChoirInstructionName = ChoirInstruction['name'];

const MALFORMED = 'SOLANA_INSTRUCTION_MALFORMED';

function u64(data: Uint8Array, at: number): bigint {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(at, true);
}

function i64(data: Uint8Array, at: number): bigint {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getBigInt64(at, true);
}

const hash = (data: Uint8Array) => Uint8Array.from(data.subarray(1, 33));

export function decodeInstruction(data: Uint8Array, accountKeys: readonly string[]): DecodeResult<ChoirInstruction> {
  if (!(data instanceof Uint8Array) || data.length === 0) return fail(MALFORMED, 'empty instruction data');
  if (!Array.isArray(accountKeys) || accountKeys.some((k) => typeof k !== 'string')) {
    return fail(MALFORMED, 'account keys must be base58 strings');
  }
  const need = (n: number, name: string): DecodeResult<never> | undefined =>
    accountKeys.length < n ? fail(MALFORMED, `${name} needs ${n} accounts, got ${accountKeys.length}`) : undefined;
  const len = (n: number, name: string): DecodeResult<never> | undefined =>
    data.length !== n ? fail(MALFORMED, `${name} data must be ${n} bytes, got ${data.length}`) : undefined;
  const a = (i: number) => accountKeys[i] as string;

  switch (data[0]) {
    case InstructionTag.CreateThread: {
      if (data.length < CREATE_THREAD_FIXED_LEN) return fail(MALFORMED, 'create_thread data is too short');
      const count = data[49] ?? 0;
      if (count < 1 || count > MAX_CO_AUTHORS) return fail(MALFORMED, `co-author count ${count} is out of 1..10`);
      const bad = len(CREATE_THREAD_FIXED_LEN + 32 * count, 'create_thread') ?? need(5, 'create_thread');
      if (bad) return bad;
      return ok({
        name: 'createThread',
        threadId: Uint8Array.from(data.subarray(1, 33)),
        minStake: u64(data, 33),
        specLifetime: i64(data, 41),
        coAuthors: Array.from({ length: count }, (_, i) =>
          bs58.encode(data.subarray(CREATE_THREAD_FIXED_LEN + 32 * i, CREATE_THREAD_FIXED_LEN + 32 * (i + 1))),
        ),
        accounts: { payer: a(0), creator: a(1), thread: a(2) },
      });
    }
    case InstructionTag.SubmitMessage: {
      const bad = len(SUBMIT_MESSAGE_LEN, 'submit_message') ?? need(6, 'submit_message');
      if (bad) return bad;
      return ok({
        name: 'submitMessage',
        contentHash: hash(data),
        accounts: { payer: a(0), author: a(1), thread: a(2), message: a(3) },
      });
    }
    case InstructionTag.SubmitSpec: {
      const bad = len(SUBMIT_SPEC_LEN, 'submit_spec') ?? need(4, 'submit_spec');
      if (bad) return bad;
      return ok({
        name: 'submitSpec',
        contentHash: hash(data),
        stake: u64(data, 33),
        accounts: { author: a(0), thread: a(1), message: a(2) },
      });
    }
    case InstructionTag.Vote: {
      const bad = len(VOTE_LEN, 'vote') ?? need(4, 'vote');
      if (bad) return bad;
      if ((data[33] ?? 2) > 1) return fail(MALFORMED, 'vote approve flag must be 0 or 1');
      return ok({
        name: 'vote',
        contentHash: hash(data),
        approve: data[33] === 1,
        accounts: { voter: a(0), thread: a(1), message: a(2), payees: accountKeys.slice(4) },
      });
    }
    case InstructionTag.ExpireSpec: {
      const bad = len(EXPIRE_SPEC_LEN, 'expire_spec') ?? need(2, 'expire_spec');
      if (bad) return bad;
      return ok({ name: 'expireSpec', contentHash: hash(data), accounts: { thread: a(0), message: a(1) } });
    }
    case InstructionTag.Divest: {
      const bad = len(DIVEST_LEN, 'divest') ?? need(2, 'divest');
      if (bad) return bad;
      return ok({ name: 'divest', accounts: { coAuthor: a(0), thread: a(1) } });
    }
    default:
      return fail(MALFORMED, `unknown instruction tag ${data[0]}`);
  }
}
