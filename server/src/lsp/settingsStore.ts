/**
 * The settings the server judges with, per workspace folder: pulled with
 * workspace/configuration and a `scopeUri` for each folder (every judgement setting is
 * `"scope": "resource"`), plus the window's own values for files outside every folder, or
 * the object an editor without that request pushed (initializationOptions / didChangeConfiguration).
 */
import { fileURLToPath } from 'node:url';
import { settingsFromClient, type ServerSettings } from '../config/settings';
import { SETTINGS_SECTION } from '../config/schema';

export type ConfigurationFetch = (items: { scopeUri?: string; section: string }[]) => Promise<unknown[]>;

export function filePathOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

export class SettingsStore {
  private window: ServerSettings = settingsFromClient(undefined);
  /** Folder path (no trailing slash) → its settings; longest prefix wins. */
  private folders = new Map<string, ServerSettings>();
  private pushed: unknown = undefined;

  /** Settings pushed by the client (initializationOptions, didChangeConfiguration without the pull model). */
  push(raw: unknown): void {
    this.pushed = raw && typeof raw === 'object' && SETTINGS_SECTION in raw ? (raw as Record<string, unknown>)[SETTINGS_SECTION] : raw;
    this.window = settingsFromClient(this.pushed);
    this.folders.clear();
  }

  /**
   * Pulls the window's and each folder's settings in one request. A client that has no such
   * section (null) keeps what it pushed. Returns every problem, each naming its folder.
   */
  async pull(fetch: ConfigurationFetch, folderUris: readonly string[]): Promise<string[]> {
    const items = [{ section: SETTINGS_SECTION }, ...folderUris.map((scopeUri) => ({ scopeUri, section: SETTINGS_SECTION }))];
    const answers = await fetch(items);
    this.window = settingsFromClient(answers[0] ?? this.pushed);
    this.folders.clear();
    folderUris.forEach((uri, i) => {
      const raw = answers[i + 1];
      if (raw !== undefined && raw !== null) this.folders.set(filePathOf(uri).replace(/\/$/, ''), settingsFromClient(raw));
    });
    return this.problems();
  }

  problems(): string[] {
    const out = this.window.problems.map((p) => p.message);
    for (const [folder, s] of this.folders) for (const p of s.problems) if (!out.includes(p.message)) out.push(`${p.message} (folder ${folder})`);
    return out;
  }

  /** The settings for a document: its folder's, else the window's. */
  forUri(uri: string): ServerSettings {
    const path = filePathOf(uri);
    let best: ServerSettings | null = null;
    let len = -1;
    for (const [folder, s] of this.folders) {
      if ((path === folder || path.startsWith(folder + '/')) && folder.length > len) {
        best = s;
        len = folder.length;
      }
    }
    return best ?? this.window;
  }

  /** Window-scoped settings (scanWorkspace, diagnosticsDocsUrl). */
  windowSettings(): ServerSettings {
    return this.window;
  }
}
