/** `-v` and `--mount` values parsed with Docker's rules and messages. */
import { DockerError } from '../errors.js';
import { normalize } from '../fs/path.js';
import type { MountRecord } from './types.js';

/** Parses `-v` and `--mount` values with Docker's rules and messages. */
export function parseMounts(volumes: string[], mounts: string[]): MountRecord[] {
  const out: MountRecord[] = [];
  for (const spec of volumes) {
    const parts = spec.split(':');
    if (parts.length > 3 || parts.some((x) => x === '')) throw new DockerError(`Error response from daemon: invalid volume specification: '${spec}'`, 125);
    if (parts.length === 1) {
      if (!parts[0]!.startsWith('/')) throw new DockerError(`Error response from daemon: invalid volume specification: '${spec}': invalid mount config for type "volume": invalid mount path: '${parts[0]}' mount path must be absolute`, 125);
      out.push({ type: 'volume', name: '', source: '', destination: normalize(parts[0]!), rw: true, via: 'volume-flag' });
      continue;
    }
    const [src, dst, mode = 'rw'] = parts as [string, string, string?];
    if (!dst.startsWith('/')) throw new DockerError(`Error response from daemon: invalid volume specification: '${spec}': invalid mount config for type "${src.startsWith('/') ? 'bind' : 'volume'}": invalid mount path: '${dst}' mount path must be absolute`, 125);
    if (!['rw', 'ro', 'z', 'Z', 'nocopy'].some((m) => mode.split(',').includes(m))) throw new DockerError(`Error response from daemon: invalid mode: ${mode}`, 125);
    const rw = !mode.split(',').includes('ro');
    if (src.startsWith('/')) out.push({ type: 'bind', source: normalize(src), destination: normalize(dst), rw, via: 'volume-flag' });
    else {
      if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(src)) throw new DockerError(`Error response from daemon: create ${src}: "${src}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`, 125);
      out.push({ type: 'volume', name: src, source: '', destination: normalize(dst), rw, via: 'volume-flag' });
    }
  }
  for (const spec of mounts) {
    const kv = new Map<string, string>();
    for (const field of spec.split(',')) {
      const i = field.indexOf('=');
      kv.set(i < 0 ? field : field.slice(0, i), i < 0 ? 'true' : field.slice(i + 1));
    }
    const type = kv.get('type') ?? 'volume';
    if (!['volume', 'bind', 'tmpfs'].includes(type)) throw new DockerError(`invalid argument "${spec}" for "--mount" flag: invalid type: ${type}`, 125);
    const target = kv.get('target') ?? kv.get('destination') ?? kv.get('dst');
    if (!target) throw new DockerError(`Error response from daemon: invalid mount config for type "${type}": field Target must not be empty`, 125);
    const source = kv.get('source') ?? kv.get('src') ?? '';
    const ro = ['true', '1'].includes(kv.get('readonly') ?? kv.get('ro') ?? 'false');
    if (type === 'bind' && !source) throw new DockerError(`Error response from daemon: invalid mount config for type "bind": field Source must not be empty`, 125);
    out.push({ type: type as MountRecord['type'], name: type === 'volume' ? source : undefined, source, destination: normalize(target), rw: !ro, via: 'mount-flag' });
  }
  const seen = new Set<string>();
  for (const m of out) {
    if (seen.has(m.destination)) throw new DockerError(`Error response from daemon: Duplicate mount point: ${m.destination}`, 125);
    seen.add(m.destination);
  }
  return out;
}
