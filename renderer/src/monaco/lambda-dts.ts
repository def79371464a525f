// The text of every @types/aws-lambda declaration file, inlined at build time.
// Its own module so the whole set is one lazy chunk (about 300 KB, 60 KB
// gzipped) that loads with the first TS/JS file, not 62 little requests.
export const LAMBDA_DTS = import.meta.glob<string>('../../../node_modules/@types/aws-lambda/**/*.d.ts', { query: '?raw', import: 'default', eager: true });
