/** The container inspect document (`types.ContainerJSON`) in the Engine API's shape. */
import type { ContainerRecord } from '../../engine/container/types.js';
import type { Engine } from '../../engine/engine.js';
import { goStruct } from '../format/go-value.js';
import { rfc3339Nano, ZERO_TIME_RFC3339 } from '../format/time.js';

function time(t: number | undefined): string {
  return t === undefined ? ZERO_TIME_RFC3339 : rfc3339Nano(Math.floor(t), Math.round((t % 1) * 1e9));
}

/** Builds `docker inspect CONTAINER`'s object. */
export function containerInspect(_engine: Engine, c: ContainerRecord): object {
  const st = c.state;
  return goStruct('types.ContainerJSON', {
    Id: c.id,
    Created: time(c.created),
    Path: c.path,
    Args: c.args,
    State: goStruct('*types.ContainerState', {
      Status: st.status,
      Running: st.status === 'running' || st.status === 'paused',
      Paused: st.status === 'paused',
      Restarting: st.status === 'restarting',
      OOMKilled: false,
      Dead: st.status === 'dead',
      Pid: st.status === 'running' ? 4242 : 0,
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
    RestartCount: 0,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: goStruct('*container.HostConfig', { AutoRemove: c.autoRemove, NetworkMode: 'default', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } }),
    Mounts: c.mounts.map((m) => goStruct('types.MountPoint', { Type: m.type, Name: m.name ?? '', Source: m.source, Destination: m.destination, Driver: m.type === 'volume' ? 'local' : '', Mode: '', RW: m.rw, Propagation: '' })),
    Config: goStruct('*container.Config', { ...c.config }),
    NetworkSettings: goStruct('*types.NetworkSettings', { IPAddress: st.status === 'running' ? '172.17.0.2' : '', Ports: {} }),
    GraphDriver: goStruct('types.GraphDriverData', { Data: {}, Name: 'overlay2' }),
  });
}
