/**
 * C types (CFile, third layer): specifiers, typedefs, structs, arrays and pointers to the
 * size and integer type the value analysis needs; sizeof.
 */
import type { Node } from 'web-tree-sitter';
import { toNumber } from '../../core/numeric';
import { CFileScope } from './scope';
import { CType, UNKNOWN_TYPE, VarSym, declaredName, intType, namedArgs, primitive, stripParens } from './syntax';

export abstract class CFileTypes extends CFileScope {
  typeOfSpecifier(t: Node | null, depth = 0): CType {
    if (!t || depth > 16) return UNKNOWN_TYPE;
    if (t.type === 'primitive_type' || t.type === 'sized_type_specifier') return primitive(t.text) ?? UNKNOWN_TYPE;
    if (t.type === 'type_identifier') {
      const p = primitive(t.text);
      if (p) return p;
      const td = this.typedefs.get(t.text);
      if (td) return this.typeOf(td.type, td.declarator, depth + 1);
      return UNKNOWN_TYPE;
    }
    if (t.type === 'struct_specifier' || t.type === 'union_specifier') {
      let body = t.childForFieldName('body');
      if (!body) {
        const nm = t.childForFieldName('name')?.text;
        body = nm ? this.structs.get(nm)?.childForFieldName('body') ?? null : null;
      }
      if (!body) return UNKNOWN_TYPE;
      const fields: { name: string; type: CType }[] = [];
      for (const fd of namedArgs(body)) {
        if (fd.type !== 'field_declaration') continue;
        const ft = fd.childForFieldName('type');
        for (const d of fd.childrenForFieldName('declarator')) {
          if (!d) continue;
          fields.push({ name: declaredName(d)?.text ?? '', type: this.typeOf(ft, d, depth + 1) });
        }
      }
      let size: number | null = 0;
      let align = 1;
      for (const f of fields) {
        const s = f.type.size;
        if (s === null || size === null) { size = null; break; }
        const a = f.type.kind === 'array' ? (f.type.elem.size ?? 1) : Math.min(s, 8);
        align = Math.max(align, a);
        if (t.type === 'union_specifier') size = Math.max(size, s);
        else size = Math.ceil(size / a) * a + s;
      }
      if (size !== null) size = Math.ceil(size / align) * align;
      return { kind: 'struct', fields, size };
    }
    if (t.type === 'enum_specifier') return intType(32, false);
    return UNKNOWN_TYPE;
  }

  /** The type a declarator gives to a base type (arrays, pointers). */
  typeOf(typeNode: Node | null, declarator: Node | null, depth = 0): CType {
    const base = this.typeOfSpecifier(typeNode, depth);
    const wrappers: Node[] = [];
    let d = declarator;
    for (let i = 0; d && i < 32; i++) {
      if (d.type === 'init_declarator' || d.type === 'parenthesized_declarator') { d = d.childForFieldName('declarator') ?? d.namedChild(0); continue; }
      if (d.type === 'array_declarator' || d.type === 'abstract_array_declarator' ||
          d.type === 'pointer_declarator' || d.type === 'abstract_pointer_declarator') {
        wrappers.push(d);
        d = d.childForFieldName('declarator');
        continue;
      }
      break;
    }
    // C declarators read inside-out: the innermost wrapper applies last.
    let t = base;
    for (let i = wrappers.length - 1; i >= 0; i--) {
      const w = wrappers[i]!;
      if (w.type.includes('pointer')) t = { kind: 'pointer', size: 8 };
      else {
        const nNode = w.childForFieldName('size');
        const n = nNode ? this.withMode(false, () => toNumber(this.ev.fold(nNode).value)) : null;
        t = { kind: 'array', elem: t, n, size: n !== null && t.size !== null ? n * t.size : null };
      }
    }
    return t;
  }

  typeOfVar(sym: VarSym): CType {
    return this.typeOf(sym.typeNode, sym.declarator);
  }

  sizeofNode(n: Node): number | null {
    const type = n.childForFieldName('type');
    if (type) return this.typeOf(type.childForFieldName('type'), type.childForFieldName('declarator')).size;
    let v = stripParens(n.childForFieldName('value'));
    if (!v) return null;
    if (v.type === 'identifier') {
      const sym = this.lookupVar(v.text, v, this.env.fn);
      if (sym) return this.typeOfVar(sym).size;
      const td = this.typedefs.get(v.text);
      if (td) return this.typeOf(td.type, td.declarator).size;
      const p = primitive(v.text);
      return p ? p.size : null;
    }
    // sizeof(*p), sizeof p[0]: the element an array or pointer variable points at.
    if ((v.type === 'pointer_expression' && v.child(0)?.type === '*') || v.type === 'subscript_expression') {
      const base = stripParens(v.childForFieldName('argument'));
      return base?.type === 'identifier' ? this.elementSize(base) : null;
    }
    return null;
  }

  /** Size of what an array or pointer variable holds (`uint16_t ports[2]`, `uint32_t *p`). */
  private elementSize(id: Node): number | null {
    const sym = this.lookupVar(id.text, id, this.env.fn);
    if (!sym) return null;
    const t = this.typeOfVar(sym);
    if (t.kind === 'array') return t.elem.size;
    if (t.kind !== 'pointer') return null;
    let d: Node | null = sym.declarator;
    while (d && d.type !== 'pointer_declarator') d = d.childForFieldName('declarator');
    const inner = d?.childForFieldName('declarator') ?? null;
    return inner ? this.typeOf(sym.typeNode, inner).size : null;
  }

  // --- evaluation hooks -----------------------------------------------------------------
}
