/**
 * The product's version: package.json is its one home. Bundles get it at build time
 * (esbuild inlines this one field of the JSON import); `--version`, SARIF
 * `tool.driver.version` and anything else that states a version import it from here.
 */
import { version } from '../../package.json';

export const VERSION: string = version;
