export {
  compareBytes,
  concatBytes,
  equalBytes,
  fromBase64,
  fromHex,
  fromUtf8,
  isHex,
  readU64be,
  startsWithBytes,
  toBase64,
  toHex,
  u64be,
  utf8,
} from './bytes.js';
export { type Clock, systemClock } from './clock.js';
export { type ErrorDetails, isXinlianError, toXinlianError, XinlianError } from './errors.js';
export { isOrgId, ORG_ID_PATTERN, ORG_ID_PATTERN_SOURCE } from './ids.js';
