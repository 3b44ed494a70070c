/**
 * What the build handler needs to know about the Dockerfile and the image it made: which
 * instruction a reported step is (for its line and stage), and which layers the build wrote.
 * The engine does the building; this only lines its reports up with the file.
 */
import { DockerfileParser, From } from 'dockerfile-ast';
import type Docker from 'dockerode';

/** One instruction of the Dockerfile, as the step events name it. */
export interface DfInstruction {
  keyword: string;
  /** 1-based line of the keyword. */
  line: number;
  stageIndex: number;
}

/** One stage: its name and instructions (FROM first). */
export interface DfStage {
  index: number;
  name?: string;
  /** What FROM names: an image, an earlier stage, or `scratch`. */
  from?: string;
  instructions: DfInstruction[];
}

/** The Dockerfile's stages and its instructions in file order; an unparsable file gives none. */
export function outlineDockerfile(text: string): { stages: DfStage[]; instructions: DfInstruction[] } {
  const stages: DfStage[] = [];
  const instructions: DfInstruction[] = [];
  try {
    for (const ins of DockerfileParser.parse(text).getInstructions()) {
      const keyword = ins.getKeyword().toUpperCase();
      if (keyword === 'FROM') {
        const name = ins instanceof From ? ins.getBuildStage() : null;
        const from = ins instanceof From ? ins.getImage() : null;
        stages.push({ index: stages.length, ...(name ? { name } : {}), ...(from ? { from } : {}), instructions: [] });
      }
      const stageIndex = Math.max(0, stages.length - 1);
      const entry = { keyword, line: ins.getRange().start.line + 1, stageIndex };
      instructions.push(entry);
      stages[stageIndex]?.instructions.push(entry);
    }
  } catch {
    // the engine reports a bad Dockerfile in its own words; events then carry line 0
  }
  return { stages, instructions };
}

/** Instructions BuildKit shows as `[stage i/n]` vertices after FROM. */
const BUILDKIT_VERTEX_KINDS = ['RUN', 'COPY', 'ADD', 'WORKDIR'];

/** A BuildKit vertex name `[builder 2/5] RUN ...` taken apart, or null for other vertices. */
export function parseStepVertex(name: string): { label?: string; step: number; of: number; instruction: string } | null {
  const m = /^\[(?:(\S+) )?(\d+)\/(\d+)\] (.*)$/s.exec(name);
  if (!m) return null;
  return { label: m[1], step: Number(m[2]), of: Number(m[3]), instruction: m[4]! };
}

/** The Dockerfile instruction behind BuildKit's `[label i/n]`: stage from the label, i-th vertex kind. */
export function buildkitInstruction(stages: DfStage[], label: string | undefined, step: number): DfInstruction | undefined {
  let stage: DfStage | undefined;
  if (label === undefined) stage = stages[0];
  else stage = stages.find((s) => s.name === label) ?? stages[Number(/^stage-(\d+)$/.exec(label)?.[1] ?? -1)];
  if (!stage) return undefined;
  if (step === 1) return stage.instructions[0];
  return stage.instructions.filter((i) => BUILDKIT_VERTEX_KINDS.includes(i.keyword))[step - 2];
}

/** `name` → `name:latest`, as docker names what `-t name` tagged. */
export function withTag(ref: string): string {
  const slash = ref.lastIndexOf('/');
  return ref.slice(slash + 1).includes(':') || ref.includes('@') ? ref : `${ref}:latest`;
}

/** The image each tag names now (absent: none), to report what a build moved a tag from. */
export async function currentTargets(docker: Docker, tags: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const t of tags) {
    try {
      out.set(t, ((await docker.getImage(t).inspect()) as { Id: string }).Id);
    } catch {
      // not tagged yet
    }
  }
  return out;
}

/** A layer of the built image with its size (0 when history does not say unambiguously). */
export interface BuiltLayer {
  diffId: string;
  size: number;
}

/**
 * Which history rows carry a layer, most specific guess first: history does not say (the
 * config's `empty_layer` is not in the API), so a guess counts only when it finds exactly as
 * many rows as RootFS has layers. WORKDIR makes a layer only when it created the folder.
 */
const LAYER_ROW_GUESSES: ((r: { CreatedBy: string; Size: number }) => boolean)[] = [
  (r) => r.Size > 0 || /^(RUN|COPY|ADD) |^\/bin\/sh -c (?!#\(nop\) )|#\(nop\) (COPY|ADD) /.test(r.CreatedBy),
  (r) => r.Size > 0 || /^(RUN|COPY|ADD|WORKDIR) |^\/bin\/sh -c (?!#\(nop\) )|#\(nop\) (COPY|ADD|WORKDIR) /.test(r.CreatedBy),
  (r) => r.Size > 0,
];

/** The image's layers with sizes from `GET /images/{id}/history` (0 when history is ambiguous). */
export async function imageLayers(docker: Docker, imageId: string): Promise<{ layers: BuiltLayer[]; size: number }> {
  const img = docker.getImage(imageId);
  const info = (await img.inspect()) as { RootFS?: { Layers?: string[] }; Size: number };
  const diffIds = info.RootFS?.Layers ?? [];
  const rows = ((await img.history()) as { CreatedBy: string; Size: number }[]).slice().reverse();
  const layerRows = LAYER_ROW_GUESSES.map((g) => rows.filter(g)).find((r) => r.length === diffIds.length);
  return { layers: diffIds.map((d, i) => ({ diffId: d, size: layerRows?.[i]?.Size ?? 0 })), size: info.Size };
}

/**
 * The history row each instruction of the target stage writes, as the layer view joins steps
 * to rows (`build.step.historyIndex`): both builders add one row per instruction after FROM
 * (ARG too), on top of the base's rows. Keyed `stageIndex:line`; FROM gets the base's top row.
 */
export async function historyIndexes(docker: Docker, stages: DfStage[], target?: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const stage = target ? stages.find((s) => s.name === target) : stages.at(-1);
  if (!stage) return out;
  const rowsOf = async (s: DfStage, depth: number): Promise<number | null> => {
    const from = s.from ?? '';
    if (from === 'scratch') return 0;
    const earlier = stages.find((x) => x.index < s.index && x.name && x.name.toLowerCase() === from.toLowerCase());
    if (earlier) {
      const below = depth > 20 ? null : await rowsOf(earlier, depth + 1);
      return below === null ? null : below + earlier.instructions.length - 1;
    }
    try {
      return (await docker.getImage(from).history()).length;
    } catch {
      return null; // an unknown base: the build will say so
    }
  };
  const base = await rowsOf(stage, 0);
  if (base === null) return out;
  stage.instructions.forEach((ins, i) => out.set(`${stage.index}:${ins.line}`, base - 1 + i));
  return out;
}
