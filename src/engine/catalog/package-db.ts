/**
 * Package databases in their real on-disk formats, so the simulated apt/dpkg
 * and apk read the catalog images the way the real tools read real images.
 */
import type { ApkPackage, DebStanza } from './schema.js';

const DEB_ORDER = ['Priority', 'Section', 'Installed-Size', 'Maintainer', 'Architecture', 'Multi-Arch', 'Source', 'Version', 'Provides', 'Depends', 'Pre-Depends', 'Description', 'Homepage'];

const rendered = new WeakMap<DebStanza, string>();

/** One /var/lib/dpkg/status stanza (ends with a newline, no blank line). */
export function renderDebStanza(st: DebStanza): string {
  const done = rendered.get(st);
  if (done !== undefined) return done;
  const lines = [`Package: ${st.Package}`];
  if (st.Essential) lines.push(`Essential: ${st.Essential}`);
  lines.push('Status: install ok installed');
  for (const k of DEB_ORDER) if (st[k] !== undefined) lines.push(`${k}: ${st[k]}`);
  const text = lines.join('\n') + '\n';
  rendered.set(st, text);
  return text;
}

/** The content of /lib/apk/db/installed: one record per package, blank-line separated. */
export function renderApkInstalled(pkgs: ApkPackage[]): string {
  return pkgs
    .map((p) => {
      const lines = [`P:${p.P}`, `V:${p.V}`, `A:${p.A}`, `S:${p.S}`, `I:${p.I}`, `T:${p.T}`, `U:${p.U}`, `L:${p.L}`];
      if (p.A !== 'noarch') lines.push(`o:${p.o}`);
      if (p.D) lines.push(`D:${p.D}`);
      let dir = '';
      for (const f of [...(p.F ?? [])].sort()) {
        const i = f.lastIndexOf('/');
        if (f.slice(1, i) !== dir) lines.push(`F:${(dir = f.slice(1, i))}`);
        lines.push(`R:${f.slice(i + 1)}`);
      }
      return lines.join('\n') + '\n\n';
    })
    .join('');
}

/** The content of /etc/apk/world: the explicitly installed names, sorted, one a line. */
export function renderApkWorld(names: string[]): string {
  return [...new Set(names)].sort().map((n) => n + '\n').join('');
}
