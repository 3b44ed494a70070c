/** The container inspect document (`types.ContainerJSON`) in the Engine API 1.41 shape and field order, and `docker container inspect`. */
import { hostOf, isRunning, settleContainers } from '../../engine/container/lifecycle.js';
import { networkName } from '../../engine/container/host-config.js';
import type { ContainerRecord, MountRecord } from '../../engine/container/types.js';
import type { Engine } from '../../engine/engine.js';
import { DockerError } from '../../engine/errors.js';
import { sha256Hex } from '../../engine/hash.js';
import type { ContainerConfig } from '../../engine/image/types.js';
import { marshalIndent } from '../format/go-json.js';
import { goStruct } from '../format/go-value.js';
import { renderInspectTemplate, TemplateError } from '../format/template.js';
import { rfc3339Nano, ZERO_TIME_RFC3339 } from '../format/time.js';
import type { DockerCommand } from '../types.js';

function time(t: number | undefined): string {
  if (t === undefined) return ZERO_TIME_RFC3339;
  const sec = Math.floor(t);
  return rfc3339Nano(sec, Math.round((t - sec) * 1e9));
}

const MASKED_PATHS = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** `types.MountPoint`, with its omitempty fields left out when empty. */
function mountPoint(m: MountRecord): object {
  const mode = m.type === 'bind' ? (m.rw ? '' : 'ro') : m.type === 'volume' && m.via !== 'image' && m.via !== undefined && m.name && !/^[0-9a-f]{64}$/.test(m.name) ? 'z' : '';
  return goStruct('types.MountPoint', {
    Type: m.type,
    ...(m.type === 'volume' ? { Name: m.name ?? '' } : {}),
    Source: m.source,
    Destination: m.destination,
    ...(m.type === 'volume' ? { Driver: 'local' } : {}),
    Mode: mode,
    RW: m.rw,
    Propagation: m.type === 'bind' ? 'rprivate' : '',
  });
}

function hostConfig(c: ContainerRecord): object {
  const h = hostOf(c);
  const binds = c.mounts.filter((m) => m.via === 'volume-flag' && (m.type === 'bind' || /* named */ (m.type === 'volume' && !/^[0-9a-f]{64}$/.test(m.name ?? ''))));
  const mountFlag = c.mounts.filter((m) => m.via === 'mount-flag');
  const portBindings: Record<string, object[]> = {};
  for (const [k, list] of Object.entries(h.portBindings)) portBindings[k] = list.map((b) => goStruct('nat.PortBinding', { HostIp: b.HostIp, HostPort: b.HostPort }));
  return goStruct('*container.HostConfig', {
    Binds: binds.length ? binds.map((m) => `${m.type === 'bind' ? m.source : m.name}:${m.destination}${m.rw ? '' : ':ro'}`) : null,
    ContainerIDFile: '',
    LogConfig: goStruct('container.LogConfig', { Type: 'json-file', Config: {} }),
    NetworkMode: h.networkMode,
    PortBindings: portBindings,
    RestartPolicy: goStruct('container.RestartPolicy', { Name: h.restartPolicy.Name, MaximumRetryCount: h.restartPolicy.MaximumRetryCount }),
    AutoRemove: c.autoRemove,
    VolumeDriver: '',
    VolumesFrom: null,
    CapAdd: null,
    CapDrop: null,
    CgroupnsMode: 'host',
    Dns: [],
    DnsOptions: [],
    DnsSearch: [],
    ExtraHosts: null,
    GroupAdd: null,
    IpcMode: 'private',
    Cgroup: '',
    Links: null,
    OomScoreAdj: 0,
    PidMode: '',
    Privileged: false,
    PublishAllPorts: false,
    ReadonlyRootfs: c.readOnly ?? false,
    SecurityOpt: null,
    UTSMode: '',
    UsernsMode: '',
    ShmSize: 67108864,
    Runtime: 'runc',
    ConsoleSize: [0, 0],
    Isolation: '',
    CpuShares: 0,
    Memory: h.memory,
    NanoCpus: h.nanoCpus,
    CgroupParent: '',
    BlkioWeight: 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: null,
    BlkioDeviceWriteBps: null,
    BlkioDeviceReadIOps: null,
    BlkioDeviceWriteIOps: null,
    CpuPeriod: 0,
    CpuQuota: 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: '',
    CpusetMems: '',
    Devices: [],
    DeviceCgroupRules: null,
    DeviceRequests: null,
    KernelMemory: 0,
    KernelMemoryTCP: 0,
    MemoryReservation: 0,
    MemorySwap: h.memory > 0 ? h.memory * 2 : 0,
    MemorySwappiness: null,
    OomKillDisable: false,
    PidsLimit: h.pidsLimit,
    Ulimits: null,
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    ...(mountFlag.length
      ? { Mounts: mountFlag.map((m) => goStruct('mount.Mount', { Type: m.type, ...(m.type === 'tmpfs' || !(m.name ?? m.source) ? {} : { Source: m.type === 'volume' ? m.name : m.source }), Target: m.destination, ...(m.rw ? {} : { ReadOnly: true }) })) }
      : {}),
    MaskedPaths: MASKED_PATHS,
    ReadonlyPaths: READONLY_PATHS,
  });
}

/** `.Config` of an inspect document (`container.Config`), shared by images and containers. */
export function configStruct(c: ContainerConfig): object {
  return goStruct('*container.Config', {
    Hostname: c.Hostname,
    Domainname: c.Domainname,
    User: c.User,
    AttachStdin: c.AttachStdin,
    AttachStdout: c.AttachStdout,
    AttachStderr: c.AttachStderr,
    ...(c.ExposedPorts ? { ExposedPorts: c.ExposedPorts } : {}),
    Tty: c.Tty,
    OpenStdin: c.OpenStdin,
    StdinOnce: c.StdinOnce,
    Env: c.Env,
    Cmd: c.Cmd,
    ...(c.Healthcheck ? { Healthcheck: goStruct('*container.HealthConfig', { ...c.Healthcheck }) } : {}),
    ...(c.ArgsEscaped ? { ArgsEscaped: true } : {}),
    Image: c.Image,
    Volumes: c.Volumes,
    WorkingDir: c.WorkingDir,
    Entrypoint: c.Entrypoint,
    OnBuild: c.OnBuild,
    Labels: c.Labels ?? {},
    ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
    ...(c.Shell ? { Shell: c.Shell } : {}),
  });
}

function networkSettings(c: ContainerRecord): object {
  const up = isRunning(c);
  const net = networkName(hostOf(c).networkMode);
  const bridge = up && net === 'bridge' && c.ipAddress !== undefined;
  const seed = `${c.id}:${c.state.startedAt ?? 0}`;
  const sandbox = up ? sha256Hex(`sandbox:${seed}`) : '';
  const endpoint = up && net !== 'none' ? sha256Hex(`endpoint:${seed}`) : '';
  const ip = bridge ? c.ipAddress! : '';
  const mac = bridge ? '02:42:' + ip.split('.').map((x) => Number(x).toString(16).padStart(2, '0')).join(':') : '';
  const gateway = bridge ? '172.17.0.1' : '';
  const prefix = bridge ? 16 : 0;
  const ports: Record<string, object[] | null> = {};
  if (up) for (const [k, list] of Object.entries(c.ports ?? {})) ports[k] = list.length ? list.map((b) => goStruct('nat.PortBinding', { HostIp: b.HostIp, HostPort: b.HostPort })) : null;
  const top = net === 'bridge';
  return goStruct('*types.NetworkSettings', {
    Bridge: '',
    SandboxID: sandbox,
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: ports,
    SandboxKey: up ? `/var/run/docker/netns/${sandbox.slice(0, 12)}` : '',
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: top ? endpoint : '',
    Gateway: top ? gateway : '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: top ? ip : '',
    IPPrefixLen: top ? prefix : 0,
    IPv6Gateway: '',
    MacAddress: top ? mac : '',
    Networks: {
      [net]: goStruct('*network.EndpointSettings', {
        IPAMConfig: null,
        Links: null,
        Aliases: null,
        NetworkID: sha256Hex(`network:${net}`),
        EndpointID: endpoint,
        Gateway: gateway,
        IPAddress: ip,
        IPPrefixLen: prefix,
        IPv6Gateway: '',
        GlobalIPv6Address: '',
        GlobalIPv6PrefixLen: 0,
        MacAddress: mac,
        DriverOpts: null,
      }),
    },
  });
}

/** Builds `docker inspect CONTAINER`'s object. */
export function containerInspect(engine: Engine, c: ContainerRecord): object {
  settleContainers(engine);
  const st = c.state;
  const img = engine.store.images.get(c.imageId);
  const layerDirs = (img ? img.config.rootfs.diff_ids : []).map((d) => `/var/lib/docker/overlay2/${sha256Hex(`layer:${d}`)}/diff`).reverse();
  const dir = `/var/lib/docker/overlay2/${sha256Hex(`container:${c.id}`)}`;
  return goStruct('types.ContainerJSON', {
    Id: c.id,
    Created: time(c.created),
    Path: c.path,
    Args: c.args,
    State: goStruct('*types.ContainerState', {
      Status: st.status,
      Running: isRunning(c) || st.status === 'restarting',
      Paused: st.status === 'paused',
      Restarting: st.status === 'restarting',
      OOMKilled: false,
      Dead: st.status === 'dead',
      Pid: isRunning(c) ? (c.processes?.[0]?.hostPid ?? 0) : 0,
      ExitCode: st.exitCode,
      Error: st.error ?? '',
      StartedAt: time(st.startedAt),
      FinishedAt: time(st.finishedAt),
    }),
    Image: c.imageId,
    ResolvConfPath: `/var/lib/docker/containers/${c.id}/resolv.conf`,
    HostnamePath: `/var/lib/docker/containers/${c.id}/hostname`,
    HostsPath: `/var/lib/docker/containers/${c.id}/hosts`,
    LogPath: `/var/lib/docker/containers/${c.id}/${c.id}-json.log`,
    Name: '/' + c.name,
    RestartCount: c.restartCount ?? 0,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: hostConfig(c),
    GraphDriver: goStruct('types.GraphDriverData', {
      Data: { LowerDir: [`${dir}-init/diff`, ...layerDirs].join(':'), MergedDir: `${dir}/merged`, UpperDir: `${dir}/diff`, WorkDir: `${dir}/work` },
      Name: 'overlay2',
    }),
    Mounts: c.mounts.map(mountPoint),
    Config: configStruct(c.config),
    NetworkSettings: networkSettings(c),
  });
}

export const containerInspectCmd: DockerCommand = {
  spec: {
    name: 'container inspect',
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    description: 'Display detailed information on one or more containers',
    args: { min: 1 },
    flags: [
      { name: 'format', short: 'f', type: 'string', help: 'Format the output using the given Go template' },
      { name: 'size', short: 's', type: 'bool', help: 'Display total file sizes' },
    ],
  },
  run(engine, f, io) {
    const found: object[] = [];
    const missing: string[] = [];
    for (const ref of f.args) {
      const c = engine.findContainer(ref);
      if (c) found.push(containerInspect(engine, c));
      else missing.push(ref);
    }
    const format = f.string('format');
    if (!format) {
      const json = found.length === 0 ? '[]' : marshalIndent(found, '', '    ');
      for (const l of json.split('\n')) io.stdout(l);
    } else {
      for (const o of found) {
        try {
          io.stdout(renderInspectTemplate(format, o));
        } catch (e) {
          if (e instanceof TemplateError) throw new DockerError(e.message, 1);
          throw e;
        }
      }
    }
    for (const m of missing) io.stderr(`Error: No such container: ${m}`);
    return missing.length ? 1 : 0;
  },
};
