/**
 * The namespace demos: a fixed set of shell bodies with checked parameters. A learner picks
 * a demo and numbers; no text of theirs reaches a shell (the hostname is the one string, and
 * its pattern allows letters, digits and dashes only).
 */
import { z } from 'zod';
import type { CgroupLimits } from './cgroup.js';

/** A demo was refused before anything ran: unknown name or bad parameters. */
export class DemoRefused extends Error {
  override readonly name = 'DemoRefused';
}

const memoryMb = (dflt: number, max = 256) => z.coerce.number().int().min(16).max(max).default(dflt).describe(`memory limit in MiB (16 to ${max})`);
const pidsMax = (dflt: number) => z.coerce.number().int().min(8).max(64).default(dflt).describe('most processes at once (8 to 64)');
const limitParams = {
  memoryMb: memoryMb(64),
  pids: pidsMax(32),
  cpuPercent: z.coerce.number().int().min(10).max(100).default(50).describe('CPU time, percent of one core (10 to 100)'),
};

/** A hostname the UTS namespace may get. */
export const HOSTNAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;

interface DemoDef<S extends z.ZodObject = z.ZodObject> {
  description: string;
  schema: S;
  hostname(p: z.infer<S>): string;
  /** The shell after the preamble; may use $mem and $pids (the cgroup folders) and `fact result KEY VALUE`. */
  body(p: z.infer<S>): string;
}

const params = <T extends z.ZodRawShape>(shape: T) => z.strictObject({ ...limitParams, ...shape });
const def = <S extends z.ZodObject>(d: DemoDef<S>) => d as unknown as DemoDef;

const DEMOS: Record<string, DemoDef> = {
  ps: def({
    description: 'The process list in a new PID namespace: the demo is PID 1 and sees nothing of the host.',
    schema: params({}),
    hostname: () => 'layerlab',
    body: () => `
echo "This shell is PID $$ in its own PID namespace; the host knows it by another number."
ps -o pid,user,args
`,
  }),
  hostname: def({
    description: 'A new UTS namespace: set the hostname inside; the host keeps its own.',
    schema: params({ name: z.string().regex(HOSTNAME_PATTERN, 'a lowercase name: a letter, then letters, digits or dashes (at most 31)').default('my-container').describe('the hostname inside') }),
    hostname: (p) => p.name as string,
    body: () => `
echo "hostname inside: $(hostname)"
echo "The host's name did not change: the UTS namespace holds a copy of its own."
`,
  }),
  network: def({
    description: 'A new network namespace: only a loopback interface, down until it is brought up, and no way out.',
    schema: params({}),
    hostname: () => 'layerlab',
    body: () => `
echo "Interfaces in this network namespace:"
ip link
ip link set lo up && echo "brought lo up:" && ip addr show lo
ping -c 1 -W 1 8.8.8.8 >/dev/null 2>&1 && echo "reached 8.8.8.8 (unexpected)" || echo "no route to the outside: ping 8.8.8.8 fails"
`,
  }),
  mounts: def({
    description: 'A new mount namespace with pivot_root: / is the image, and the host mount table is out of sight.',
    schema: params({}),
    hostname: () => 'layerlab',
    body: () => `
echo "The mounts this process sees:"
cat /proc/self/mounts
echo "$(wc -l < /proc/self/mounts) mounts. / is the busybox image:"
ls /
`,
  }),
  limits: def({
    description: 'The cgroup limits as the container sees them, read-only: it cannot raise its own.',
    schema: params({}),
    hostname: () => 'layerlab',
    body: () => `
for f in $mem/memory.max $mem/memory.limit_in_bytes $pids/pids.max $cg/cpu.max $cg/cpu/cpu.cfs_quota_us $cg/cpu/cpu.cfs_period_us; do
  [ -r $f ] && echo "$f: $(cat $f)"
done
if { echo max > $pids/pids.max; } 2>/dev/null; then echo "raised pids.max (unexpected)"; else echo "raising pids.max from inside fails: the cgroup files are mounted read-only"; fi
`,
  }),
  whoami: def({
    description: 'A user namespace: root inside is an unprivileged uid on the host.',
    schema: params({}),
    hostname: () => 'layerlab',
    body: () => `
echo "inside: $(id)"
echo "uid_map (inside, host, count): $(cat /proc/self/uid_map)"
echo "So uid 0 here is uid $(awk '{print $2}' /proc/self/uid_map) on the host, an ordinary user there."
`,
  }),
  sleep: def({
    description: 'Stays alive for a while, so the process can be looked at from the host (and timeouts shown).',
    schema: params({ seconds: z.coerce.number().int().min(1).max(60).default(5).describe('how long to sleep (1 to 60 s; the run stops at its timeout)') }),
    hostname: () => 'layerlab',
    body: (p) => `
echo "PID $$ sleeping ${Number(p.seconds)} s"
sleep ${Number(p.seconds)}
echo "awake"
`,
  }),
  forkbomb: def({
    description: 'A bounded fork bomb: starts sleeping processes until the pids limit refuses more; the host is untouched.',
    schema: params({ pids: pidsMax(16) }),
    hostname: () => 'layerlab',
    // only builtins once the sleepers fill the table: read, echo, [, kill and wait need no fork
    body: () => `
read max < $pids/pids.max
echo "pids.max is $max. Starting sleepers until the kernel refuses a fork (500 at most)..."
( i=0; while [ $i -lt 500 ]; do sleep 30 & i=$((i+1)); echo $i > /tmp/.started; done ) 2>/tmp/.fork-error
read n < /tmp/.started; read err < /tmp/.fork-error
read cur < $pids/pids.current
echo "started $n sleepers, then: $err"
echo "pids.current: $cur of $max"
fact result started $n
fact result current $cur
kill -9 -1 2>/dev/null; wait
echo "every sleeper killed; the host never noticed"
`,
  }),
  memhog: def({
    description: 'Allocates memory until the memory limit is hit: the OOM killer ends the hog, PID 1 lives on.',
    schema: params({ memoryMb: memoryMb(32, 128) }),
    hostname: () => 'layerlab',
    body: () => `
echo "memory limit: $(cat $mem/memory.max 2>/dev/null || cat $mem/memory.limit_in_bytes) bytes. Doubling a string until something gives..."
awk 'BEGIN { s = "x"; for (i = 0; i < 28; i++) { s = s s; if (length(s) >= 1048576) { printf "holding %d MiB\\n", length(s) / 1048576; fflush() } } }'
rc=$?
fact result hogExit $rc
if [ $rc -eq 137 ]; then echo "the hog got SIGKILL (exit 137): the OOM killer stopped it at the cgroup's limit"; else echo "the hog ended with exit $rc"; fi
`,
  }),
};

/** A demo as the UI lists it. */
export interface DemoInfo {
  name: string;
  description: string;
  /** JSON Schema of the parameters (defaults and ranges included). */
  params: Record<string, unknown>;
}

/** Every demo with its description and parameter schema. */
export function listDemos(): DemoInfo[] {
  return Object.entries(DEMOS).map(([name, d]) => ({ name, description: d.description, params: z.toJSONSchema(d.schema, { io: 'input' }) as Record<string, unknown> }));
}

/** A demo ready to run: its checked parameters, limits, hostname and script body. */
export interface PreparedDemo {
  name: string;
  params: Record<string, string | number>;
  limits: CgroupLimits;
  hostname: string;
  body: string;
}

/** Checks the demo name and parameters; throws DemoRefused with a message the UI can show. */
export function prepareDemo(name: string, raw: Record<string, string | number>): PreparedDemo {
  if (!Object.hasOwn(DEMOS, name)) throw new DemoRefused(`unknown demo "${name}": the demos are ${Object.keys(DEMOS).join(', ')}`);
  const d = DEMOS[name]!;
  const r = d.schema.safeParse(raw ?? {});
  if (!r.success) {
    const takes = Object.keys(d.schema.shape).join(', ');
    const msgs = r.error.issues.map((i) =>
      i.code === 'unrecognized_keys' ? `unknown parameter${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')} (it takes ${takes})` : `parameter "${i.path.join('.')}": ${i.message}`,
    );
    throw new DemoRefused(`demo "${name}" refused: ${msgs.join('; ')}`);
  }
  const p = r.data as Record<string, string | number>;
  const hostname = d.hostname(p);
  // belt and braces: the hostname is the one string that reaches a shell (as an argument, never as code)
  if (!HOSTNAME_PATTERN.test(hostname)) throw new DemoRefused(`bad hostname ${JSON.stringify(hostname)}`);
  return {
    name,
    params: p,
    limits: { memoryBytes: Number(p.memoryMb) * 1024 * 1024, pids: Number(p.pids), cpuPercent: Number(p.cpuPercent) },
    hostname,
    body: d.body(p),
  };
}
