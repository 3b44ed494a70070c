import { describe, expect, it } from 'vitest';
import { aptCatalogFor } from './apt-catalog.js';
import { apkCatalog } from './apk.js';
import pipJson from './catalog/pip.json';

describe('catalogs', () => {
  it('every apt dependency group has an alternative in the catalog', () => {
    const cat = aptCatalogFor('debian');
    for (const p of cat.packages.values()) for (const g of [...(p.depends ?? []), ...(p.preDepends ?? [])]) expect(g.split('|').some((a) => cat.packages.has(a)), `${p.name}: ${g}`).toBe(true);
  });

  it('every apk and pip dependency exists and each entry names a source', () => {
    const apk = apkCatalog();
    for (const p of apk.packages.values()) for (const d of p.depends ?? []) expect(apk.packages.has(d), `${p.name}: ${d}`).toBe(true);
    const pip = pipJson.packages as Record<string, { requires?: string[]; source: string }>;
    for (const [n, p] of Object.entries(pip)) {
      expect(p.source).toBeTruthy();
      for (const d of p.requires ?? []) expect(pip[d], `${n}: ${d}`).toBeDefined();
    }
  });
});
