// The web app's API types, generated from the API description: docs/openapi.yaml ->
// src/api/schema.ts (openapi-typescript). `npm run api-types` writes the file; `--check` (run by
// `make test`, scripts/run-tests) generates into a temporary file and fails when the committed
// one differs, so the types cannot fall behind the document that the API tests hold the server to.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const spec = path.join(web, '..', 'docs', 'openapi.yaml');
const target = path.join(web, 'src', 'api', 'schema.ts');
const check = process.argv.includes('--check');

function generate(out) {
  const bin = path.join(web, 'node_modules', '.bin', 'openapi-typescript');
  const run = spawnSync(bin, [spec, '--output', out], { encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    process.exit(run.status ?? 1);
  }
}

if (!check) {
  generate(target);
  console.log(`api-types: ${path.relative(web, target)} written from docs/openapi.yaml`);
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'vitalis-api-types-'));
  try {
    const fresh = path.join(dir, 'schema.ts');
    generate(fresh);
    let committed = '';
    try {
      committed = readFileSync(target, 'utf8');
    } catch {
      committed = '';
    }
    if (readFileSync(fresh, 'utf8') !== committed) {
      console.error(
        'web/src/api/schema.ts does not match docs/openapi.yaml: run npm run api-types (in web/) and commit the result',
      );
      process.exit(1);
    }
    console.log('api-types: web/src/api/schema.ts matches docs/openapi.yaml');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
