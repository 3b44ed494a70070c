/**
 * The Docker host as the "container vs VM" view draws it in real mode: its name, kernel,
 * CPUs and memory from the engine (right even for a remote DOCKER_HOST), and, when the
 * engine runs on this machine, its network interfaces and a few of its own processes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import type Docker from 'dockerode';
import type { HostView } from '../../src/shared/world.js';

/** Host processes worth showing beside the containers' (the rest of the host is elided). */
const NOTABLE = /^(init|systemd|containerd|dockerd|sshd|tini|node)$/;

let cached: { at: number; view: HostView } | null = null;

/** The engine's host; cached for 10 s (it runs after every command). */
export async function hostView(docker: Docker): Promise<HostView> {
  if (cached && Date.now() - cached.at < 10_000) return cached.view;
  const info = (await docker.info()) as { Name?: string; KernelVersion?: string; NCPU?: number; MemTotal?: number; OperatingSystem?: string };
  const local = !process.env.DOCKER_HOST || process.env.DOCKER_HOST.startsWith('unix://');
  const view: HostView = {
    hostname: info.Name ?? os.hostname(),
    kernel: `Linux ${info.KernelVersion ?? os.release()}${info.OperatingSystem ? ` (${info.OperatingSystem})` : ''}`,
    cpus: info.NCPU ?? os.cpus().length,
    memory: info.MemTotal ?? os.totalmem(),
    interfaces: local ? interfaces() : [],
    processes: local ? notableProcesses() : [],
  };
  cached = { at: Date.now(), view };
  return view;
}

function interfaces(): HostView['interfaces'] {
  const out: HostView['interfaces'] = [];
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    const v4 = addrs?.find((a) => a.family === 'IPv4');
    if (v4 && !name.startsWith('veth')) out.push({ name, address: v4.address });
  }
  return out;
}

/** PID 1 and the container runtime's daemons, read from /proc (at most 8). */
function notableProcesses(): HostView['processes'] {
  const out: HostView['processes'] = [];
  let pids: number[] = [];
  try {
    pids = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  } catch {
    return out;
  }
  for (const pid of pids) {
    if (out.length >= 8) break;
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (pid !== 1 && !NOTABLE.test(comm)) continue;
      const uid = Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      out.push({ pid, hostPid: pid, uid, argv: argv.length ? argv.slice(0, 4) : [comm] });
    } catch {
      // the process ended while we read it
    }
  }
  return out;
}
