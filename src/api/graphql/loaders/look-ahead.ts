/**
 * Look-ahead: which of a thread's relations an operation selects below the field being resolved, read from the
 * parsed selection (fragments expanded) with the arguments the nested field resolvers will receive. The thread
 * reads fold exactly those into their one statement and prime the loaders, so the nested resolvers find their
 * data cached. What cannot be foreseen (arguments that fail to coerce, a second `messages` page under another
 * alias) is simply not folded: its resolver takes the loader path and reports any error itself.
 */
import {
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  getArgumentValues,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import type { MessagePageArgs } from '../read/messages.js';
import { NO_RELATIONS, type ThreadRelations } from '../read/thread-relations.js';

/** Turns a `Thread.messages` field's coerced arguments into the loader's page arguments (the resolver's own rule). */
export type MessageArgsRule = (raw: Record<string, unknown>) => MessagePageArgs;

/** The fields of a selection set, named fragments and inline fragments flattened in. */
function fields(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, out: FieldNode[] = [], depth = 0) {
  if (!set || depth > 20) return out;
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) fields(s.selectionSet, info, out, depth + 1);
    else fields(info.fragments[s.name.value]?.selectionSet, info, out, depth + 1);
  }
  return out;
}

const named = (list: FieldNode[], name: string) => list.filter((f) => f.name.value === name);

/** Selection sets of the nodes of a connection selection (`nodes { … }` and `edges { node { … } }`). */
function nodeSets(connection: FieldNode[], info: GraphQLResolveInfo): SelectionSetNode[] {
  const sets: SelectionSetNode[] = [];
  for (const c of connection) {
    const inner = fields(c.selectionSet, info);
    for (const n of named(inner, 'nodes')) if (n.selectionSet) sets.push(n.selectionSet);
    for (const e of named(inner, 'edges')) {
      for (const n of named(fields(e.selectionSet, info), 'node')) if (n.selectionSet) sets.push(n.selectionSet);
    }
  }
  return sets;
}

/** The relations selected on the Thread values of `sets` (selection sets of type Thread). */
function threadRelations(sets: SelectionSetNode[], info: GraphQLResolveInfo, rule: MessageArgsRule): ThreadRelations {
  const selected = sets.flatMap((s) => fields(s, info));
  if (selected.length === 0) return NO_RELATIONS;
  const coAuthors = named(selected, 'coAuthors').length > 0;
  const lastEvent = named(selected, 'lastEventCursor').length + named(selected, 'eventCount').length > 0;
  const messageFields = named(selected, 'messages');
  const first = messageFields[0];
  if (!first) return { coAuthors, messages: null, votes: false, messageFields: null, lastEvent };
  const field = (info.schema.getType('Thread') as GraphQLObjectType).getFields().messages as GraphQLField<
    unknown,
    unknown
  >;
  const argsOf = (f: FieldNode): MessagePageArgs | null => {
    try {
      return rule(getArgumentValues(field, f, info.variableValues));
    } catch {
      return null;
    }
  };
  const messages = argsOf(first);
  if (!messages) return { coAuthors, messages: null, votes: false, messageFields: null, lastEvent };
  // Every `messages` field that asks for the same page (however its arguments are written) reads the folded page:
  // the fields they select together are what the fold must carry.
  const key = JSON.stringify(messages);
  const group = messageFields.filter((f) => f === first || JSON.stringify(argsOf(f)) === key);
  const read = new Set(nodeSets(group, info).flatMap((s) => fields(s, info).map((f) => f.name.value)));
  const votes = read.has('votes');
  return {
    coAuthors,
    messages,
    votes,
    messageFields: recordFields(read),
    voteFields: votes ? operationVoteFields(info) : null,
    lastEvent,
  };
}

/** Vote fields whose record field has another name. */
const VOTE_READS: Record<string, string> = { signature: 'txSignature' };

/**
 * The VoteRecord fields read by every `votes` selection anywhere in the operation (fragments included): folded
 * votes prime the request's votes loader, which all of them read. A walk of the operation's nodes (a few dozen for
 * a page), once per folded thread read.
 */
function operationVoteFields(info: GraphQLResolveInfo): readonly string[] {
  const out = new Set<string>(['voter']);
  const visit = (set: SelectionSetNode | undefined, depth: number) => {
    if (!set || depth > 40) return;
    for (const f of fields(set, info)) {
      if (f.name.value === 'votes') {
        for (const v of fields(f.selectionSet, info)) out.add(VOTE_READS[v.name.value] ?? v.name.value);
      }
      visit(f.selectionSet, depth + 1);
    }
  };
  visit(info.operation.selectionSet, 0);
  return [...out].sort();
}

/**
 * The MessageRecord fields that Message's schema fields read: their own name, unless renamed or resolved from
 * another field; and always what keys and cursors need (address, thread, creation time).
 */
const READS: Record<string, readonly string[]> = {
  hash: ['contentHash'],
  signature: ['txSignature'],
  thread: [],
  votes: [],
  rollbackReason: ['rollbackError'],
  rollbackMessage: ['rollbackError'],
};
const ALWAYS = ['address', 'threadAddress', 'createdAt'];

function recordFields(selected: ReadonlySet<string>): string[] {
  const out = new Set(ALWAYS);
  for (const name of selected) for (const f of READS[name] ?? [name]) out.add(f);
  return [...out].sort();
}

/** Relations selected under a field of type Thread (`thread(address)`). */
export function threadFieldRelations(info: GraphQLResolveInfo, rule: MessageArgsRule): ThreadRelations {
  const sets = info.fieldNodes.flatMap((f) => (f.selectionSet ? [f.selectionSet] : []));
  return threadRelations(sets, info, rule);
}

/** Relations selected on the nodes of a field of type ThreadConnection (`threads`). */
export function threadConnectionRelations(info: GraphQLResolveInfo, rule: MessageArgsRule): ThreadRelations {
  return threadRelations(nodeSets([...info.fieldNodes], info), info, rule);
}
