import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Words the tiny model knows; anything else is [UNK]. */
export const TINY_VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  'the',
  'cat',
  'dog',
  'sat',
  'on',
  'mat',
  'chain',
  'solana',
  'vector',
  'search',
  'thread',
  'message',
  'hello',
  'world',
  '##s',
  '.',
  ',',
  '!',
];

/** A deterministic pseudo-random table (mulberry32), so the model is the same on every run. */
function table(rows: number, cols: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  return Float32Array.from({ length: rows * cols }, next);
}

function tensorInput(name: string, elemType: number, dims: string[]) {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((dimParam) => ({ dimParam })) } } },
  };
}

/**
 * An ONNX "sentence encoder" small enough to write in a test: token embeddings looked up by id (`Gather`), so
 * `last_hidden_state[b, t] = E[input_ids[b, t]]`. With transformers.js' mean pooling the sentence vector is the
 * mean of its tokens' rows — enough to check tokenisation, batching, pooling, normalisation and loading.
 */
function modelBytes(hidden: number): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const INT64 = onnx.TensorProto.DataType.INT64;
  const embeddings = table(TINY_VOCAB.length, hidden, 42);
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'choir-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-encoder',
      node: [{ opType: 'Gather', input: ['embeddings', 'input_ids'], output: ['last_hidden_state'], name: 'lookup' }],
      initializer: [
        {
          name: 'embeddings',
          dataType: FLOAT,
          dims: [TINY_VOCAB.length, hidden],
          rawData: new Uint8Array(embeddings.buffer),
        },
      ],
      input: [
        tensorInput('input_ids', INT64, ['batch', 'sequence']),
        tensorInput('attention_mask', INT64, ['batch', 'sequence']),
      ],
      output: [tensorInput('last_hidden_state', FLOAT, ['batch', 'sequence', 'hidden'])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function tokenizerJson() {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [0, 1, 2, 3, 4].map((id) => ({
      id,
      content: TINY_VOCAB[id],
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(TINY_VOCAB.map((token, id) => [token, id])),
    },
  };
}

/** Writes the tiny model to a fresh temp folder and returns its path (the folder name is the model name). */
export function writeTinyModel(hidden = 16): string {
  const root = mkdtempSync(join(tmpdir(), 'choir-tiny-model-'));
  const folder = join(root, 'tiny-encoder');
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  writeFileSync(
    join(folder, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: hidden,
      vocab_size: TINY_VOCAB.length,
    }),
  );
  writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(tokenizerJson()));
  writeFileSync(
    join(folder, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 128,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
    }),
  );
  writeFileSync(join(folder, 'onnx', 'model.onnx'), modelBytes(hidden));
  return folder;
}
