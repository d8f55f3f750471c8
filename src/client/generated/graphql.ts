/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
};

/** One dependency of the service and whether it answered in time. */
export type DependencyStatus = {
  __typename?: 'DependencyStatus';
  /** Why the dependency is not ready. */
  error?: Maybe<Scalars['String']['output']>;
  /** How long the check took, in milliseconds. */
  latencyMs: Scalars['Float']['output'];
  /** postgres, vector-store, chain, indexer, … */
  name: Scalars['String']['output'];
  ready: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Readiness of the service and of each dependency. */
  readiness: Readiness;
};

/** Whether the service can serve requests, dependency by dependency (same as GET /readyz). */
export type Readiness = {
  __typename?: 'Readiness';
  dependencies: Array<DependencyStatus>;
  ready: Scalars['Boolean']['output'];
};

export type ReadinessQueryVariables = Exact<{ [key: string]: never; }>;


export type ReadinessQuery = { readiness: { ready: boolean, dependencies: Array<{ name: string, ready: boolean, latencyMs: number, error: string | null }> } };


export const ReadinessDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Readiness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"readiness"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ready"}},{"kind":"Field","name":{"kind":"Name","value":"dependencies"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"ready"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]}}]} as unknown as DocumentNode<ReadinessQuery, ReadinessQueryVariables>;