/** The editor languages the extension serves (document selector, status bar, menus in package.json). */
export const LANGUAGES: readonly string[] = ['c', 'cpp', 'python', 'go', 'rust'];
