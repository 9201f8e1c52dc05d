/**
 * The Readability class alone: the package's index also loads
 * `isProbablyReaderable`, which the pipeline never calls, and the bundler
 * cannot leave out of CommonJS (600 bytes gzip of the content script).
 */
declare module '@mozilla/readability/Readability.js' {
  export { Readability as default } from '@mozilla/readability';
}
