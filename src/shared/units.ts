// TEMPORARY: moves here from src/cli/format once that module settles.
export { humanSize4 as humanSize } from '../cli/format/units.js';
