/** Self-hosted GraphiQL for /graphql: queries over HTTP, subscriptions over graphql-ws, nothing from a CDN. */
import type { Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { buildSchema, type OperationDefinitionNode, parse } from 'graphql';
import { createClient } from 'graphql-ws';
import { createRoot } from 'react-dom/client';
import sdl from '../../schema/schema.graphql';

const url = `${location.origin}/graphql`;
const session = (() => {
  try {
    return (JSON.parse(localStorage.getItem('choir.session') ?? 'null') as { token?: string } | null)?.token ?? null;
  } catch {
    return null;
  }
})();
const headers: Record<string, string> = session ? { authorization: `Bearer ${session}` } : {};
const ws = createClient({
  url: url.replace(/^http/, 'ws'),
  connectionParams: headers,
  retryAttempts: Number.POSITIVE_INFINITY,
});

/** Whether the operation to run is a subscription (GraphiQL's own detection sent them over HTTP). */
function isSubscription(query: string, operationName: string | null | undefined): boolean {
  try {
    const ops = parse(query).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
    return op?.operation === 'subscription';
  } catch {
    return false;
  }
}

/** Queries and mutations over HTTP; subscriptions over graphql-ws, as an async iterable of results. */
const fetcher: Fetcher = async (params) => {
  if (isSubscription(params.query, params.operationName)) {
    return ws.iterate({
      query: params.query,
      variables: params.variables ?? {},
      ...(params.operationName ? { operationName: params.operationName } : {}),
    }) as never;
  }
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(params),
  });
  return response.json();
};
const root = document.getElementById('root');
if (root) {
  root.style.height = '100vh';
  createRoot(root).render(
    <GraphiQL
      fetcher={fetcher}
      // The schema this build was made with, instead of an introspection query: the API's depth limit
      // (API_MAX_DEPTH) refuses GraphiQL's introspection, which is 15 levels deep.
      schema={buildSchema(sdl)}
      defaultQuery={
        '# choir — the session of the web page (if any) is used.\n{\n  health { ready }\n  threads(first: 5) { nodes { address title messageCount } }\n}\n'
      }
    />,
  );
}
