import YellowstoneModule from '@triton-one/yellowstone-grpc';

type ClientClass = (typeof YellowstoneModule)['default'];

/**
 * The official client's `Client` class. The package is CommonJS with `exports.default`: TypeScript (NodeNext) types
 * a default import as the whole module, while the swc loader hands over the class itself; this works under both.
 */
export const YellowstoneClient: ClientClass =
  (YellowstoneModule as unknown as { default?: ClientClass }).default ?? (YellowstoneModule as unknown as ClientClass);
