/**
 * The script every live Node process loads first (`NODE_OPTIONS=--require`).
 * It gives the process what a container would:
 *
 * - **PID 1 signal rules.** A container's PID 1 gets no default signal action: a
 *   signal it has no handler for is ignored. The runtime writes signal numbers
 *   to `signal` in the control folder; the preload delivers each to a handler
 *   the program installed and ignores the rest. It reports which signals have
 *   handlers in `handlers`, so `docker stop` knows whether to wait or kill.
 * - **Its own ports.** Every container has its own network namespace, so two
 *   containers can both listen on 3000. Live processes share one host, so the
 *   container's ports are mapped (`LAYERLAB_PORTS=3000:41001,...`) when the
 *   program listens, mapped back in `server.address()`, and mapped for
 *   connections to localhost (an exec'd process reaching the app, or the app
 *   itself). Each port that starts listening is appended to `listening`.
 *
 * - **Pause.** `pause` in the control file freezes the process (its event loop
 *   blocks, as the cgroup freezer stops every thread) until `resume`.
 *
 * Only the first process (PID 1) reads the control folder; its children (the
 * node that `npm start` runs) keep the port mapping.
 */
export const PRELOAD_SOURCE = String.raw`'use strict';
const fs = require('fs');
const net = require('net');
const control = process.env.LAYERLAB_CONTROL || '';
const status = process.env.LAYERLAB_STATUS || '';
delete process.env.LAYERLAB_CONTROL;
const toHost = new Map();
const toContainer = new Map();
for (const pair of (process.env.LAYERLAB_PORTS || '').split(',')) {
  const [c, h] = pair.split(':').map(Number);
  if (c > 0 && h > 0) { toHost.set(c, h); toContainer.set(h, c); }
}
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  let asked;
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    asked = Number(args[0]);
    if (toHost.has(asked)) args[0] = toHost.get(asked);
  } else if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined) {
    asked = Number(args[0].port);
    if (toHost.has(asked)) args[0] = Object.assign({}, args[0], { port: toHost.get(asked) });
  }
  if (status && asked !== undefined) {
    this.once('listening', () => {
      const a = address.call(this);
      const port = a && typeof a === 'object' ? (toContainer.get(a.port) || a.port) : asked;
      try { fs.appendFileSync(status + '/listening', port + '\n'); } catch (e) {}
    });
  }
  return listen.apply(this, args);
};
const LOCAL = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', undefined, '']);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first && typeof first === 'object' && first.port !== undefined && LOCAL.has(first.host) && toHost.has(Number(first.port))) {
    const mapped = Object.assign({}, first, { port: toHost.get(Number(first.port)) });
    // net.connect hands over its normalized array (marked with a symbol): change it in place
    if (Array.isArray(args[0])) args[0][0] = mapped;
    else args[0] = mapped;
  } else if ((typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) && LOCAL.has(typeof args[1] === 'string' ? args[1] : undefined) && toHost.has(Number(first))) {
    args[0] = toHost.get(Number(first));
  }
  return connect.apply(this, args);
};
const address = net.Server.prototype.address;
net.Server.prototype.address = function () {
  const a = address.call(this);
  if (a && typeof a === 'object' && toContainer.has(a.port)) return Object.assign({}, a, { port: toContainer.get(a.port) });
  return a;
};
if (control) {
  const names = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 10: 'SIGUSR1', 12: 'SIGUSR2', 14: 'SIGALRM', 15: 'SIGTERM', 28: 'SIGWINCH' };
  const cell = new Int32Array(new SharedArrayBuffer(4));
  let seen = 0;
  let reported = null;
  let frozen = false;
  const held = [];
  const deliver = (line) => {
    const name = names[Number(line)];
    if (name && process.listenerCount(name) > 0) process.emit(name, name);
  };
  const tick = () => {
    const handlers = Object.keys(names).filter((n) => process.listenerCount(names[n]) > 0).join(',');
    if (handlers !== reported) {
      reported = handlers;
      try { fs.writeFileSync(control + '/handlers', handlers + '\n'); } catch (e) {}
    }
    for (;;) {
      let lines;
      try { lines = fs.readFileSync(control + '/signal', 'utf8').split('\n').filter(Boolean); } catch (e) { return; }
      for (const line of lines.slice(seen)) {
        if (line === 'pause') frozen = true;
        else if (line === 'resume') frozen = false;
        else if (frozen) held.push(line);
        else deliver(line);
      }
      seen = lines.length;
      if (!frozen) break;
      // docker pause is the cgroup freezer: nothing of this process runs (no timer, no request) until resume
      try { Atomics.wait(cell, 0, 0, 50); } catch (e) { const end = Date.now() + 50; while (Date.now() < end); }
    }
    for (const line of held.splice(0)) deliver(line);
  };
  setInterval(tick, 50).unref();
  setImmediate(tick);
}
`;
