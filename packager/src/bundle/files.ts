// Walking host directories into image entries, with a filter and a symlink policy.
import { lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import type { ImageEntry } from '../image/tar-writer.js';

/**
 * Walks `hostDir` into entries under `imageDir`, keeping what `keep(rel, isDir)` accepts.
 * Symlinks pointing inside `boundary` stay symlinks; others are followed and copied.
 */
export function walkFiles(hostDir: string, imageDir: string, keep: (rel: string, isDir: boolean) => boolean, boundary: string): ImageEntry[] {
  const out: ImageEntry[] = [];
  const realBoundary = realpathSync(boundary);
  const walk = (host: string, rel: string, depth: number) => {
    if (depth > 64) return;
    for (const name of readdirSync(host).sort()) {
      const h = join(host, name);
      const r = rel ? `${rel}/${name}` : name;
      let st = lstatSync(h);
      if (st.isSymbolicLink()) {
        let real: string;
        try {
          real = realpathSync(h);
        } catch {
          continue; // dangling
        }
        const target = readlinkSync(h);
        if (!target.startsWith('/') && (real === realBoundary || real.startsWith(realBoundary + sep))) {
          if (keep(r, false)) out.push({ type: 'symlink', path: posix.join(imageDir, r), target });
          continue;
        }
        st = lstatSync(real);
        if (st.isDirectory()) {
          if (keep(r, true)) {
            out.push({ type: 'dir', path: posix.join(imageDir, r), mode: st.mode });
            walk(real, r, depth + 1);
          }
          continue;
        }
        if (st.isFile() && keep(r, false)) out.push({ type: 'file', path: posix.join(imageDir, r), source: real, mode: st.mode });
        continue;
      }
      if (st.isDirectory()) {
        if (keep(r, true)) {
          out.push({ type: 'dir', path: posix.join(imageDir, r), mode: st.mode });
          walk(h, r, depth + 1);
        }
      } else if (st.isFile() && keep(r, false)) {
        out.push({ type: 'file', path: posix.join(imageDir, r), source: h, mode: st.mode });
      }
    }
  };
  walk(hostDir, '', 0);
  return out;
}

