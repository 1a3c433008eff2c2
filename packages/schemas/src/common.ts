import { Type } from '@sinclair/typebox';

export const Hex = (bytes?: number) =>
  Type.String(
    bytes === undefined
      ? { pattern: '^([0-9a-f]{2})*$', description: 'lower-case hex' }
      : { pattern: `^[0-9a-f]{${bytes * 2}}$`, description: `${bytes}-byte lower-case hex` },
  );
export const Hash = Hex(32);
export const Base64 = Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', description: 'standard base64' });
export const SuiteId = Type.Union([Type.Literal('gm'), Type.Literal('intl')]);
export const Height = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
