declare module 'jsonpatch' {
  export interface Operation {
    op: string;
    path: string;
    value?: unknown;
    from?: string;
  }
  export function apply_patch<T>(doc: T, patch: Operation[]): T;
  export class InvalidPatch extends Error {}
  export class PatchApplyError extends Error {}
  const _default: { apply_patch: typeof apply_patch; InvalidPatch: typeof InvalidPatch; PatchApplyError: typeof PatchApplyError };
  export default _default;
}
