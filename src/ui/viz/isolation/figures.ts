/**
 * The figures the Container vs VM view draws, each with where it comes from and what it
 * measures. `kind` says how much to trust it: 'measured' (a published measurement),
 * 'documented' (a vendor's documented figure), 'illustration' (an order of magnitude, not
 * a measurement: the view labels it so).
 */

export interface Figure {
  id: string;
  label: string;
  /** Milliseconds (time figures) or bytes (size figures). */
  value: number;
  /** How the value reads in text ("568 ms", "tens of seconds"). */
  text: string;
  side: 'vm' | 'container';
  kind: 'measured' | 'documented' | 'illustration';
  /** Document or URL, and what it measures. */
  source: string;
}

/** Time from "start" to the workload running. */
export const START_FIGURES: readonly Figure[] = [
  {
    id: 'namespaces',
    label: 'Namespaces created',
    value: 9,
    text: '8–10 ms',
    side: 'container',
    kind: 'measured',
    source: 'Decomposing Docker Container Startup Performance (arXiv 2602.15214): namespace creation is 8–10 ms of a docker run on Linux',
  },
  {
    id: 'container',
    label: 'docker run (container start)',
    value: 568,
    text: '568 ms',
    side: 'container',
    kind: 'measured',
    source: 'Decomposing Docker Container Startup Performance (arXiv 2602.15214): docker run end to end, cloud VM with premium SSD, median 568 ms',
  },
  {
    id: 'microvm',
    label: 'Firecracker microVM boot',
    value: 125,
    text: '≤ 125 ms',
    side: 'vm',
    kind: 'documented',
    source: "Firecracker SPECIFICATION.md (github.com/firecracker-microvm/firecracker): ≤ 125 ms from the InstanceStart API call to the guest's /sbin/init, minimal kernel",
  },
  {
    id: 'vm',
    label: 'Full VM boot',
    value: 30_000,
    text: 'tens of seconds to minutes',
    side: 'vm',
    kind: 'illustration',
    source: 'Order of magnitude, not a measurement: a full distribution (firmware, kernel, systemd services) under a classic hypervisor; varies widely with hypervisor, disk and OS',
  },
];

/** Disk footprint of one instance of the same OS. */
export const FOOTPRINT_FIGURES: readonly Figure[] = [
  {
    id: 'vm-disk',
    label: 'Ubuntu 22.04 VM disk',
    value: 2.2e9,
    text: '≈ 2.2 GB',
    side: 'vm',
    kind: 'illustration',
    source: 'Approximate: virtual disk size of the Ubuntu 22.04 server cloud image (cloud-images.ubuntu.com/jammy); an installed server VM is usually given several GB more',
  },
  {
    id: 'ubuntu-image',
    label: 'ubuntu:22.04 container image',
    value: 77_862_032,
    text: '77.9 MB',
    side: 'container',
    kind: 'measured',
    source: 'docker images ubuntu:22.04 (Docker Hub, 2025-01), as the catalog in src/engine/catalog records it',
  },
  {
    id: 'alpine-image',
    label: 'alpine:3.21 container image',
    value: 7_834_624,
    text: '7.83 MB',
    side: 'container',
    kind: 'measured',
    source: 'docker images alpine:3.21 (Docker Hub, 2025-01), as the catalog in src/engine/catalog records it',
  },
];

/** What the view calls a figure's kind, in words. */
export function kindLabel(kind: Figure['kind']): string {
  return kind === 'measured' ? 'published measurement' : kind === 'documented' ? 'documented by the vendor' : 'order-of-magnitude illustration';
}
