/**
 * The namespace runner: "a container by hand" for the lesson on containers and VMs.
 * runDemo runs one fixed demo in fresh namespaces under cgroup limits; listDemos says which
 * there are; canRunNamespaces says whether this host can run them at all.
 */
export { runDemo, type DemoIO, type DemoOptions, type DemoReport, type SideView } from './runner.js';
export { listDemos, DemoRefused, HOSTNAME_PATTERN, type DemoInfo } from './demos.js';
export { canRunNamespaces, NamespaceUnsupported } from './support.js';
