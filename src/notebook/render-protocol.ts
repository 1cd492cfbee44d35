/** Messages between show() and the render worker. */
export interface RenderRequest {
  spec: object;
  width: number;
  height: number;
  /** Device pixels per CSS pixel of the PNG. */
  scale: number;
  svg: boolean;
}

export type RenderReply =
  | { ok: true; png: string; svg?: string; pid?: number; dir: string }
  | { ok: false; error: string; dir: string };
