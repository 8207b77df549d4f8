/**
 * What the schema generates: package.json's contributes.configuration and the settings table
 * of docs/settings.md. `npm run gen:settings` writes both; test/server/settings.test.ts checks
 * that the committed files equal what this returns.
 */
import { SETTINGS, SETTINGS_SECTION } from './schema';

export const CONFIGURATION_TITLE = 'Port Range Lens';

export function configurationContribution(): { title: string; properties: Record<string, Record<string, unknown>> } {
  const properties: Record<string, Record<string, unknown>> = {};
  SETTINGS.forEach((s, order) => {
    const { markdownDescription, scope, ...shape } = s.schema;
    properties[`${SETTINGS_SECTION}.${s.key}`] = { ...shape, default: s.default, markdownDescription, scope, order };
  });
  return { title: CONFIGURATION_TITLE, properties };
}

export const TABLE_BEGIN = '<!-- settings-table: generated from server/src/config/schema.ts by `npm run gen:settings` -->';
export const TABLE_END = '<!-- /settings-table -->';

function typeText(schema: Record<string, unknown>): string {
  const e = schema.enum as string[] | undefined;
  return e ? e.map((x) => `\`${x}\``).join(' / ') : String(schema.type);
}

export function settingsTable(): string {
  const rows = SETTINGS.map((s) => {
    const desc = String(s.schema.markdownDescription).replace(/\|/g, '\\|');
    const scope = s.schema.scope === 'resource' ? 'per folder' : 'window';
    return `| \`${SETTINGS_SECTION}.${s.key}\` | ${typeText(s.schema)} | \`${JSON.stringify(s.default)}\` | ${scope} | ${desc} |`;
  });
  return [TABLE_BEGIN, '| Setting | Type | Default | Scope | Meaning |', '|---|---|---|---|---|', ...rows, TABLE_END].join('\n');
}

/** docs/settings.md with its generated table replaced (the prose around it is kept). */
export function withSettingsTable(doc: string): string {
  const a = doc.indexOf(TABLE_BEGIN);
  const b = doc.indexOf(TABLE_END);
  if (a < 0 || b < a) throw new Error(`docs/settings.md lacks the ${TABLE_BEGIN} … ${TABLE_END} markers`);
  return doc.slice(0, a) + settingsTable() + doc.slice(b + TABLE_END.length);
}
