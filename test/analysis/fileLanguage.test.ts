// languageForPath (server/src/analysis/fileLanguage.ts): the language from the name's last
// extension, any case; a dot in a directory name, a trailing dot or no dot is no language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { languageForPath } from '../../server/src/analysis/fileLanguage';

test('languageForPath: every extension the analyzer handles, and what is not one', () => {
  const cases: [string, string | null][] = [
    ['a.c', 'c'], ['dir/A.H', 'c'], ['.c', 'c'], ['x.cc', 'cpp'], ['x.CPP', 'cpp'], ['x.cxx', 'cpp'], ['x.c++', 'cpp'],
    ['x.hpp', 'cpp'], ['x.hh', 'cpp'], ['x.hxx', 'cpp'], ['m.py', 'python'], ['m.pyi', 'python'], ['main.go', 'go'],
    ['lib.rs', 'rust'], ['/abs/dir.c/file', null], ['dir.py/x', null], ['noext', null], ['a.', null], ['a.tar.gz', null],
    ['a.c.orig', null], ['a.cs', null], ['a.C~', null], ['', null],
  ];
  for (const [path, want] of cases) assert.equal(languageForPath(path), want, path);
});
