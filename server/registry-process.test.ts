import { describe, expect, it } from 'vitest';
import { findRegistryBinary, freePort, startRegistry } from './registry-process.js';

const bin = findRegistryBinary();

describe.skipIf(!bin)('the local registry process', () => {
  it('starts docker-registry, reuses a running one, and stops only its own', async () => {
    const addr = `127.0.0.1:${await freePort()}`;
    const reg = await startRegistry({ addr });
    expect(reg.url).toBe(`http://${addr}`);
    expect((await fetch(`${reg.url}/v2/`)).status).toBe(200);
    const again = await startRegistry({ addr });
    await again.stop();
    expect((await fetch(`${reg.url}/v2/`)).status).toBe(200);
    await reg.stop();
    await expect(fetch(`${reg.url}/v2/`)).rejects.toThrow();
  });

  it('says why when the registry cannot start', async () => {
    await expect(startRegistry({ addr: `127.0.0.1:${await freePort()}`, bin: '/bin/false' })).rejects.toThrow(/did not start/);
  });
});
