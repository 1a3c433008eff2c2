// The part of fontkit 2 (no bundled types) that the certificate uses.
declare module 'fontkit' {
  export interface Subset {
    includeGlyph(glyph: unknown): number;
    encode(): Uint8Array;
  }
  export interface Glyph {
    readonly id: number;
    readonly path: { readonly commands: readonly unknown[] };
  }
  export interface Font {
    readonly numGlyphs: number;
    createSubset(): Subset;
    getGlyph(id: number): Glyph;
    hasGlyphForCodePoint(codePoint: number): boolean;
  }
  export function create(buffer: Uint8Array, postscriptName?: string): Font;
}
