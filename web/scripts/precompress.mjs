// Precompresses the built app (dist/) once at build time, so the server sends brotli or gzip by
// the request's Accept-Encoding without compressing anything per request (http/static_files).
// Text files only; a compressed copy is kept only when it is smaller. Node's own zlib: nothing to
// install.
import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const TEXT = /\.(html|js|mjs|css|json|map|svg|txt|webmanifest)$/i;
const MIN_BYTES = 512;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (TEXT.test(entry.name)) yield full;
  }
}

let before = 0;
let afterBr = 0;
let count = 0;
for (const file of files(dist)) {
  const content = readFileSync(file);
  for (const stale of [`${file}.br`, `${file}.gz`]) {
    try {
      unlinkSync(stale);
    } catch {
      // not there: nothing to remove
    }
  }
  if (statSync(file).size < MIN_BYTES) continue;
  const br = brotliCompressSync(content, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
  });
  const gz = gzipSync(content, { level: 9 });
  if (br.length < content.length) writeFileSync(`${file}.br`, br);
  if (gz.length < content.length) writeFileSync(`${file}.gz`, gz);
  before += content.length;
  afterBr += Math.min(br.length, content.length);
  count += 1;
}
console.log(
  `precompress: ${count} files, ${(before / 1024).toFixed(0)} KiB -> ${(afterBr / 1024).toFixed(0)} KiB with brotli`,
);
