/**
 * A ProcessHost on the test machine: real Node processes in a temporary folder.
 * WebContainer's runtime loads from StackBlitz's servers, which tests cannot
 * reach; this host lets the runtime (mounting, spawning, output, exits, signals,
 * ports, curl) run against real processes instead of a fake. It is not
 * WebContainer and never says it is.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../server/registry-process.js';
import type { HostProcess, ProcessHost } from '../../src/backends/webcontainer/host.js';
import type { FileSystemTree } from '../../src/backends/webcontainer/tree.js';

export interface NodeHost extends ProcessHost {
  /** Kills every process and deletes the folder. */
  close(): void;
  /** Processes started so far, with their argv (for assertions). */
  readonly spawned: { command: string; args: string[]; cwd: string; env: Record<string, string> }[];
}

function writeTree(dir: string, tree: FileSystemTree): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, node] of Object.entries(tree)) {
    const p = path.join(dir, name);
    if ('directory' in node) writeTree(p, node.directory);
    else if ('symlink' in node.file) fs.symlinkSync(node.file.symlink, p);
    else fs.writeFileSync(p, node.file.contents);
  }
}

/** A host rooted in a new temporary folder. */
export function nodeHost(): NodeHost {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-host-'));
  const children = new Set<ReturnType<typeof spawn>>();
  const spawned: NodeHost['spawned'] = [];
  const at = (p: string) => path.resolve(root, p);
  return {
    name: 'Node test host',
    root,
    spawned,
    async mount(dir, tree) {
      fs.rmSync(at(dir), { recursive: true, force: true });
      writeTree(at(dir), tree);
    },
    async writeFile(p, data) {
      fs.mkdirSync(path.dirname(at(p)), { recursive: true });
      fs.writeFileSync(at(p), data);
    },
    async readFile(p) {
      try {
        return fs.readFileSync(at(p), 'utf8');
      } catch {
        return null;
      }
    },
    async rm(p) {
      fs.rmSync(at(p), { recursive: true, force: true });
    },
    async spawn(command, args, opts): Promise<HostProcess> {
      spawned.push({ command, args, cwd: opts.cwd, env: opts.env });
      const child = spawn(command, args, { cwd: at(opts.cwd), env: { PATH: process.env.PATH ?? '', HOME: root, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      const listeners: ((s: 'stdout' | 'stderr', t: string) => void)[] = [];
      const early: ['stdout' | 'stderr', string][] = [];
      const emit = (s: 'stdout' | 'stderr') => (b: Buffer) => {
        const t = b.toString('utf8');
        if (listeners.length === 0) early.push([s, t]);
        for (const l of listeners) l(s, t);
      };
      child.stdout!.on('data', emit('stdout'));
      child.stderr!.on('data', emit('stderr'));
      const exit = new Promise<number>((resolve) => {
        child.on('close', (code, sig) => {
          children.delete(child);
          resolve(code ?? (sig ? 128 + (os.constants.signals[sig] ?? 9) : 1));
        });
        child.on('error', () => resolve(127));
      });
      return {
        onOutput(cb) {
          listeners.push(cb);
          for (const [s, t] of early.splice(0)) cb(s, t);
        },
        exit,
        kill: () => child.kill('SIGKILL'),
      };
    },
    async previewUrl(port) {
      return `http://127.0.0.1:${port}`;
    },
    freePort,
    close() {
      for (const c of children) c.kill('SIGKILL');
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
