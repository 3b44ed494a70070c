/** The docker CLI's output formatting: tables, sizes, durations, timestamps, Go templates. */
export { ALIGN_RIGHT, DEBUG, DISCARD_EMPTY_COLUMNS, TAB_INDENT, TabWriter, formatTable, type TabWriterOptions } from './tabwriter.js';
export { ago, bytesSize, fromHumanSize, humanDuration, humanSize, humanSize4, humanSizeWithPrecision, parseSize, SizeParseError } from '../../shared/format/units.js';
export { ZERO_TIME_RFC3339, goTimeString, historyCreated, imageCreatedSince, parseRfc3339, rfc3339, rfc3339Nano } from './time.js';
export { ellipsis, runeWidth, stringWidth, truncateId, utf8Length } from './text.js';
export { formatFloat } from '../../shared/format/go-float.js';
export { formatValue, quote, sprint, sprintf, sprintln } from './go-fmt.js';
export { JsonMarshalError, indentJson, marshal, marshalIndent, marshalString, type MarshalOptions } from './go-json.js';
export { GO_TYPE, GoNil, goStruct, goTypeName, isTrue, kindOf, type Kind } from './go-value.js';
export {
  Template,
  TemplateError,
  clearTemplateCache,
  parseTemplate,
  renderInspectTemplate,
  renderTemplate,
  type FuncMap,
  type MissingKey,
  type ParamType,
  type TemplateFunc,
  type TemplateOptions,
} from './template.js';
export { builtinFuncs, dockerFuncs, headerFuncs } from './template-funcs.js';
export {
  containerHeaders,
  defaultTableFormats,
  finalFormat,
  formatRowLines,
  formatRows,
  historyHeaders,
  imageHeaders,
  isJsonFormat,
  isTableFormat,
  networkHeaders,
  volumeHeaders,
  type HeaderMap,
} from './docker-format.js';
