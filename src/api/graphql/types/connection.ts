/** Relay connections: edges with opaque cursors, `pageInfo`, and a `totalCount` counted only when selected. */
import { type ClassType, Field, Int, ObjectType } from 'type-graphql';
import type { Page } from '../read/page.js';

@ObjectType({ description: 'Where a page sits in its list (Relay).' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;
  @Field(() => Boolean, { description: 'True when the page was asked for `after` a cursor.' })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true })
  startCursor!: string | null;
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page.' })
  endCursor!: string | null;
}

export interface ConnectionShape {
  readonly page: Page<unknown>;
}

export function connectionType<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;
    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} values (Relay connection, keyset cursors).` })
  class Connection implements ConnectionShape {
    /** Pages hold read records; the node type's fields read them (names mapped on the type). */
    constructor(readonly page: Page<unknown>) {}

    @Field(() => [Edge])
    edges(): Edge[] {
      const { items, cursorAt } = this.page;
      return items.map((n, i) => ({ cursor: cursorAt(i), node: n as T }));
    }

    @Field(() => [node], { description: 'The nodes of `edges`, for clients that need no cursors.' })
    nodes(): readonly T[] {
      return this.page.items as readonly T[];
    }

    @Field(() => PageInfo)
    pageInfo(): PageInfo {
      const { items, cursorAt, hasNextPage, hasPreviousPage } = this.page;
      return {
        hasNextPage,
        hasPreviousPage,
        startCursor: items.length ? cursorAt(0) : null,
        endCursor: items.length ? cursorAt(items.length - 1) : null,
      };
    }

    @Field(() => Int, {
      description:
        "Size of the whole filtered list; counted only when asked for. Exact, except on an unfiltered list of a whole table (all threads, all messages, the whole event log) above 100,000 rows: there it is Postgres's row estimate, as an exact count would read every row.",
      complexity: 10,
    })
    totalCount(): Promise<number> {
      return this.page.count();
    }
  }
  return Connection;
}
