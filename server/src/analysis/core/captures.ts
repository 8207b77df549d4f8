/**
 * The one capture-name contract of every queries/<lang>.scm (see queries/README.md).
 * A capture is `@group` (the match's anchor node: the whole call, the whole definition)
 * or `@group.role` (a part of it). The groups every
 * language uses mean the same thing everywhere; a language may add its own groups (listed
 * here, so a typo in a .scm file fails the query test instead of silently matching nothing).
 */
import type { Node, QueryMatch } from 'web-tree-sitter';

/** Groups with the same meaning in every language. */
export const SHARED_GROUPS = {
  /** A setsockopt/getsockopt-like call: any callee whose last name ends in [sg]etsockopt. */
  sockopt: 'setsockopt/getsockopt-like call',
  /** A socket operation the socket context records (socket, bind, connect, listen, sendto...). */
  sockop: 'socket operation',
  /** A function definition: a helper candidate (values through project functions). */
  function: 'function definition',
  /** A call of a named function or method: a candidate helper call. */
  helper: 'call of a project function',
} as const;

/** Groups only some languages need. */
export const LANGUAGE_GROUPS: Record<string, readonly string[]> = {
  c: ['macro', 'fmacro', 'enums', 'struct', 'typedef'],
  cpp: ['macro', 'fmacro', 'enums', 'struct', 'typedef', 'class', 'namespace', 'using'],
  python: ['sockcreate', 'write'],
  go: ['config', 'sockuse', 'write'],
  rust: ['const', 'struct', 'use', 'impl', 'macro'],
};

/**
 * Roles. callee: the function expression as written; name: the last
 * identifier of the callee (or the defined name); receiver: the object a method is called
 * on; args: the argument list; package: the package/module qualifier; params/body: of a
 * definition; type: a type name; target: the name a result is assigned to; value: an
 * initial value; global/addressed/assigned: a name written in a way that makes it unknown.
 */
export const ROLES = [
  'callee', 'name', 'receiver', 'args', 'package', 'params', 'body', 'type', 'target', 'value',
  'global', 'addressed', 'assigned', 'field',
] as const;
export type Role = (typeof ROLES)[number];

/** Whether a capture name follows the contract for `language` (null = fine, else the reason). */
export function checkCaptureName(name: string, language: string): string | null {
  const [group, role, ...rest] = name.split('.');
  if (rest.length) return `@${name}: at most one role after the group`;
  const groups = [...Object.keys(SHARED_GROUPS), ...(LANGUAGE_GROUPS[language] ?? [])];
  if (!groups.includes(group!)) return `@${name}: unknown group "${group}" for ${language} (core/captures.ts)`;
  if (role !== undefined && !(ROLES as readonly string[]).includes(role)) return `@${name}: unknown role "${role}"`;
  return null;
}

/** The node captured as exactly `name` in a match. */
export function cap(m: QueryMatch, name: string): Node | null {
  for (const c of m.captures) if (c.name === name) return c.node;
  return null;
}

/** The group of a match: its anchor capture's name, else the group of its first capture. */
export function groupOf(m: QueryMatch): string | null {
  for (const c of m.captures) if (!c.name.includes('.')) return c.name;
  return m.captures[0]?.name.split('.')[0] ?? null;
}

/** The anchor node of a match (`@group`). */
export function anchor(m: QueryMatch, group: string): Node | null {
  return cap(m, group);
}

/** The node playing `role` in a match, whatever its group. */
export function role(m: QueryMatch, r: Role): Node | null {
  const suffix = '.' + r;
  for (const c of m.captures) if (c.name.endsWith(suffix)) return c.node;
  return null;
}
