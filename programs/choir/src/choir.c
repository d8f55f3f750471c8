/*
 * The Choir program. One translation unit: the packer (programs/choir/build.ts) links a single object file,
 * so the modules below are included here in dependency order rather than compiled and linked separately.
 */
#include "errors.h"
#include "layout.h"
#include "sol.h"

#include "input.c"
#include "ids.c"
#include "accounts.c"
#include "lamports.c"
#include "income.c"
#include "relay.c"
#include "cpi.c"
#include "publish.c"
#include "settle.c"
#include "create_thread.c"
#include "submit_message.c"
#include "submit_spec.c"
#include "vote.c"
#include "expire_spec.c"
#include "divest.c"

u64 entrypoint(u8 *input) {
  Input in;
  parse_input(input, &in);
  if (in.data_len == 0) return ERR_INVALID_INSTRUCTION_DATA;
  switch (in.data[0]) {
  case IX_CREATE_THREAD:
    return create_thread(&in);
  case IX_SUBMIT_MESSAGE:
    return submit_message(&in);
  case IX_SUBMIT_SPEC:
    return submit_spec(&in);
  case IX_VOTE:
    return vote(&in);
  case IX_EXPIRE_SPEC:
    return expire_spec(&in);
  case IX_DIVEST:
    return divest(&in);
  default:
    return ERR_INVALID_INSTRUCTION_DATA;
  }
}
