// Writes package.json's contributes.configuration and docs/settings.md's table from the one
// settings schema (server/src/config/schema.ts). Run: npm run gen:settings
import { readFileSync, writeFileSync } from 'node:fs';
import { configurationContribution, withSettingsTable } from '../server/src/config/contribution';

const pkgPath = 'package.json';
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
pkg.contributes.configuration = configurationContribution();
writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
const docPath = 'docs/settings.md';
writeFileSync(docPath, withSettingsTable(readFileSync(docPath, 'utf8')));
console.log(`wrote ${pkgPath} (contributes.configuration) and ${docPath} (settings table)`);
