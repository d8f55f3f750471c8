// Files esbuild loads as text (src/web/build.ts).
declare module '*.graphql' {
  const text: string;
  export default text;
}
