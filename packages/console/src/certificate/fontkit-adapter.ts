import * as fontkit from 'fontkit';
import type { PDFDocument } from 'pdf-lib';

/** pdf-lib's font engine type (not exported by name). */
type Fontkit = Parameters<PDFDocument['registerFontkit']>[0];

/**
 * fontkit 2 as pdf-lib's font engine. pdf-lib is written against the older fontkit API (its
 * @pdf-lib/fontkit fork), whose TrueType subsetting loses glyphs of CJK fonts such as Noto Sans SC
 * (blank characters in the PDF); fontkit 2 subsets them correctly. The only API difference pdf-lib
 * meets is `subset.encodeStream()` (a stream of the subset font), which fontkit 2 replaced with
 * `subset.encode()` (bytes): this adapter provides it.
 */
export const fontkitForPdfLib: Fontkit = {
  create(buffer: Uint8Array) {
    const font = fontkit.create(buffer);
    const createSubset = font.createSubset.bind(font);
    return Object.assign(font, {
      createSubset() {
        const subset = createSubset();
        return Object.assign(subset, {
          encodeStream() {
            const bytes = subset.encode();
            const handlers: { data?: (b: Uint8Array) => void; end?: () => void; error?: () => void } = {};
            const stream = {
              on(event: 'data' | 'end' | 'error', cb: ((b: Uint8Array) => void) & (() => void)) {
                handlers[event] = cb;
                if (event === 'end') {
                  queueMicrotask(() => {
                    handlers.data?.(bytes);
                    handlers.end?.();
                  });
                }
                return stream;
              },
            };
            return stream;
          },
        });
      },
    });
  },
} as unknown as Fontkit;
