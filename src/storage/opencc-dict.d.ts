/** opencc-js's dictionaries, each a string of "from to" pairs joined by "|" (the package gives them no types). */
declare module 'opencc-js/dict/*' {
  const dict: string;
  export default dict;
}
