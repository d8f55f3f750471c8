/** A JSON-RPC error with the code an Agave validator would answer with. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export const RpcCodes = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** Preflight simulation failed; `data` carries err, logs, unitsConsumed. */
  SEND_TRANSACTION_PREFLIGHT_FAILURE: -32002,
  TRANSACTION_SIGNATURE_VERIFICATION_FAILURE: -32003,
  TRANSACTION_VERSION_NOT_SUPPORTED: -32015,
  MIN_CONTEXT_SLOT_NOT_REACHED: -32016,
} as const;

export function invalidParams(message: string): RpcError {
  return new RpcError(RpcCodes.INVALID_PARAMS, message);
}
