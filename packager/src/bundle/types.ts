// What the bundle needs of a manifest: a subset of ResolvedManifest, so callers building one by
// hand (tests, the API) need not fill in the rest.
import type { ResolvedManifest } from '../manifest/index.js';

export interface ManifestFiles {
  include: string[];
  exclude: string[];
  /** Pack test directories and files (default true). */
  tests?: boolean;
}

export type BundleManifest = Pick<ResolvedManifest, 'dir'> & Partial<Pick<ResolvedManifest, 'entry' | 'name'>> & { files: ManifestFiles };
