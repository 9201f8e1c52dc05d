// Print the raw and gzip size of every script and page bundle of both builds.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(js|css|html)$/.test(name)) yield path;
  }
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const target of ['chrome', 'firefox']) {
  const root = join('dist', target);
  let raw = 0;
  let gz = 0;
  console.log(`\n${root}`);
  for (const path of [...files(root)].sort()) {
    const bytes = readFileSync(path);
    const zipped = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gz += zipped;
    console.log(`  ${relative(root, path).padEnd(44)} ${kb(bytes.length).padStart(10)}  gzip ${kb(zipped).padStart(9)}`);
  }
  console.log(`  ${'total'.padEnd(44)} ${kb(raw).padStart(10)}  gzip ${kb(gz).padStart(9)}`);
}
