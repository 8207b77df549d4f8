/**
 * Which language a file is, from its name alone: the one list of the extensions the analyzer
 * handles (the walk's `accept`, the editor's scan, `check`). Kept apart from the analyzer
 * (index.ts re-exports it) so the `check --cache` path can ask without loading the parser.
 */
import type { Language } from './callSite';

/** The file's language from its name, or null when the analyzer does not handle it. */
export function languageForPath(path: string): Language | null {
  // The text after the last dot (a dot in a directory name leaves a `/` in it: no match).
  // No regular expression: this runs for every name a walk meets.
  const dot = path.lastIndexOf('.');
  if (dot < 0) return null;
  switch (path.slice(dot + 1).toLowerCase()) {
    case 'c':
    case 'h':
      return 'c';
    case 'cc':
    case 'cpp':
    case 'cxx':
    case 'c++':
    case 'hpp':
    case 'hh':
    case 'hxx':
      return 'cpp';
    case 'py':
    case 'pyi':
      return 'python';
    case 'go':
      return 'go';
    case 'rs':
      return 'rust';
    default:
      return null;
  }
}
