/**
 * The fixed shell scripts of a namespace demo. None of them takes text from a learner: their
 * arguments are paths the server made and parameters already validated.
 *
 * wrapper (host root)  → joins the cgroup, execs unshare
 * unshare              → new user, pid, uts, mount, net and ipc namespaces; root inside = ID_BASE outside
 * pivot (root inside)  → mounts /dev, /proc, /sys and the cgroup files, pivot_root into the image
 * demo (PID 1 inside)  → the preamble reports what it sees on fd 3, waits for the host, runs the demo body
 */
import { ID_BASE, ID_COUNT } from './rootfs.js';

/** The host's static busybox: runs the wrapper and the pivot script (the image's own shell runs the demo). */
export const HOST_BUSYBOX = '/bin/busybox';

/**
 * `newuidmap`/`newgidmap` for unshare(1). util-linux's --map-users/--map-groups run these
 * shadow helpers as `newuidmap PID INSIDE OUTSIDE COUNT`; the server is already root, so it
 * writes the map itself and accepts only the one mapping the runner asks for.
 */
export function idMapShim(kind: 'uid' | 'gid'): string {
  return `#!${HOST_BUSYBOX} sh
set -eu
[ $# -eq 4 ] || { echo "new${kind}map: want PID INSIDE OUTSIDE COUNT" >&2; exit 1; }
case "$1" in ''|*[!0-9]*) echo "new${kind}map: bad pid" >&2; exit 1;; esac
[ "$2 $3 $4" = "0 ${ID_BASE} ${ID_COUNT}" ] || { echo "new${kind}map: only 0 ${ID_BASE} ${ID_COUNT} is allowed" >&2; exit 1; }
echo "0 ${ID_BASE} ${ID_COUNT}" > "/proc/$1/${kind}_map"
`;
}

/**
 * The unshare(1) options: every namespace but cgroup and time, root inside mapped to ID_BASE.
 * No --kill-child: the setuid to root inside clears the parent-death signal it sets, so the
 * runner kills PID 1 itself (and unshare, its parent, reaps it).
 */
export function unshareArgs(): string[] {
  return [
    `--map-users=${ID_BASE},0,${ID_COUNT}`,
    `--map-groups=${ID_BASE},0,${ID_COUNT}`,
    '--setuid=0',
    '--setgid=0',
    '--pid',
    '--fork',
    '--mount',
    '--uts',
    '--net',
    '--ipc',
  ];
}

/**
 * Host side, as root: `wrapper PROCS... -- COMMAND...`. Writing its own PID to each
 * cgroup.procs before exec means unshare, PID 1 and every child start inside the limits.
 */
export const WRAPPER = `
while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done
shift
exec "$@"
`;

/**
 * Inside the new namespaces, as root of the user namespace:
 * `pivot ROOTFS HOSTNAME [CGROUPDIR NAME]... -- COMMAND...`.
 */
export const PIVOT = `
set -e
bb=${HOST_BUSYBOX}
root=$1; name=$2; shift 2
# private propagation: nothing mounted from here on reaches the host's mount table
$bb mount --make-rprivate /
# pivot_root wants the new root to be a mount point of its own
$bb mount --bind "$root" "$root"
$bb mount -t tmpfs -o mode=755,size=64k,nosuid,noexec tmpfs "$root/dev"
# a user namespace cannot mknod, so the few devices the demos need are bound from the host
for d in null zero urandom; do $bb touch "$root/dev/$d"; $bb mount --bind "/dev/$d" "$root/dev/$d"; done
# proc of the new PID namespace: ps inside sees only the demo's processes
$bb mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
$bb mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
$bb mount -t tmpfs -o mode=755,size=16k,nosuid,nodev,noexec tmpfs "$root/sys/fs/cgroup"
while [ "$1" != -- ]; do
  t="$root/sys/fs/cgroup/$2"
  $bb mkdir -p "$t"
  # read-only: the limits can be read inside, never raised
  $bb mount --bind "$1" "$t"
  $bb mount -o remount,bind,ro "$t"
  shift 2
done
shift
$bb hostname "$name"
cd "$root"
$bb mkdir .oldroot
$bb pivot_root . .oldroot
cd /
# lazy: the host's tree may be busy; once detached it is unreachable from here
$bb umount -l /.oldroot
$bb rmdir /.oldroot
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
exec "$@"
`;

/** Where the demo script lands in the rootfs (and so what `ps` shows as PID 1's command). */
export const DEMO_DIR = '.layerlab';

/**
 * The start of every demo script, run by the image's sh as PID 1. It reports what the
 * process sees as `key value` lines on fd 3, using shell builtins only (no forks, so it works
 * under any pids limit), then waits for the host to look at it from outside before the body.
 */
export const PREAMBLE = `
fact() { echo "$*" >&3; }
fact pid $$
read h < /proc/sys/kernel/hostname; fact hostname "$h"
while read k a rest; do case $k in Uid:) fact uid $a;; Gid:) fact gid $a;; esac; done < /proc/self/status
n=0
while read id parent dev root mnt rest; do n=$((n+1)); [ "$mnt" = / ] && fact root "$root"; done < /proc/self/mountinfo
fact mounts $n
while read line; do case $line in *'|'*) ;; *:*) fact iface "\${line%%:*}";; esac; done < /proc/net/dev
for f in /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max \\
  /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us; do
  if [ -r "$f" ]; then read v < "$f"; fact limit "$f" "$v"; fi
done
fact ready
read go
exec 0</dev/null
# the cgroup files, wherever this host's cgroup version put them
cg=/sys/fs/cgroup; [ -d $cg/memory ] && mem=$cg/memory || mem=$cg; [ -d $cg/pids ] && pids=$cg/pids || pids=$cg
`;
