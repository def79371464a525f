// The Code tab: file tree and Monaco. Text goes in as a user's paste would
// (select all, Delete, paste), and is read back through the window's test hook,
// never from the DOM (Monaco renders only the visible lines). Not
// keyboard.insertText: Monaco 0.57 in Chromium takes input through EditContext,
// where inserted text is typed, so auto-indent and auto-closing quotes and
// brackets mangle it; a paste is inserted as it is.
import type { Locator, Page } from 'playwright-core';

export interface Marker {
  message: string;
  severity: number;
  startLineNumber: number;
}

/** Monaco's MarkerSeverity.Error. */
export const MARKER_ERROR = 8;

const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

export class CodeTab {
  readonly root: Locator;
  readonly editor: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('code-tab');
    this.editor = page.getByTestId('editor');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('tab-code').click();
    await this.waitForEditor();
  }

  async waitForEditor(timeout = 60_000): Promise<void> {
    await this.editor.locator('.monaco-editor .view-lines').waitFor({ state: 'visible', timeout });
    await this.page.waitForFunction(() => typeof (window as unknown as LwbWindow).__lwbTest?.editor?.text === 'function', undefined, { timeout });
  }

  fileNode(path: string): Locator {
    return this.page.locator(`[data-testid="file-tree"] [data-testid="file-node"][data-path="${path}"]`);
  }

  async files(): Promise<string[]> {
    return this.page.locator('[data-testid="file-tree"] [data-testid="file-node"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path') ?? ''));
  }

  /** Opens `path` from the file tree and waits until the editor shows that model. */
  async openFile(path: string): Promise<void> {
    await this.fileNode(path).waitFor({ state: 'visible', timeout: 30_000 });
    await this.fileNode(path).click();
    await this.waitForEditor();
    await this.page.waitForFunction((p) => (window as unknown as LwbWindow).__lwbTest!.editor!.model().endsWith(`/${p}`) || (window as unknown as LwbWindow).__lwbTest!.editor!.model().endsWith(p), path, { timeout: 30_000 });
  }

  /** The open model's text, from the test hook. */
  text(): Promise<string> {
    return this.page.evaluate(() => (window as unknown as LwbWindow).__lwbTest!.editor!.text());
  }

  model(): Promise<string> {
    return this.page.evaluate(() => (window as unknown as LwbWindow).__lwbTest!.editor!.model());
  }

  markers(): Promise<Marker[]> {
    return this.page.evaluate(() => (window as unknown as LwbWindow).__lwbTest!.editor!.markers());
  }

  /** Replaces the whole text: click into the editor, select all, Delete, paste. */
  async setText(text: string): Promise<void> {
    await this.focus();
    await this.page.keyboard.press(`${MOD}+a`);
    await this.page.keyboard.press('Delete');
    await this.paste(text);
    await this.page.waitForFunction((t) => (window as unknown as LwbWindow).__lwbTest!.editor!.text() === t, text, { timeout: 10_000 });
  }

  /**
   * A paste of `text` where the editor has focus: the clipboard event a user's Ctrl+V makes,
   * carrying the text (no clipboard permission needed, the same under Electron).
   */
  async paste(text: string): Promise<void> {
    await this.page.evaluate((t) => {
      const data = new DataTransfer();
      data.setData('text/plain', t);
      (document.activeElement ?? document.body).dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, text);
  }

  async focus(): Promise<void> {
    await this.editor.locator('.monaco-editor .view-lines').click();
  }

  /** Files the tree marks dirty (unsaved edits). */
  async dirtyFiles(): Promise<string[]> {
    return this.page.locator('[data-testid="file-node"][data-dirty="true"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-path') ?? ''));
  }

  /**
   * Saves with the shortcut (Ctrl/Cmd+S inside Monaco) and waits until no file is dirty any more,
   * which the tab shows once the server took the new $LATEST. A save error fails with its text.
   */
  async save(opts: { via?: 'shortcut' | 'button'; timeout?: number } = {}): Promise<void> {
    const timeout = opts.timeout ?? 60_000;
    if ((await this.dirtyFiles()).length === 0) throw new Error('E2E_NOTHING_TO_SAVE: no file is marked dirty (data-dirty="true") before saving');
    if (opts.via === 'button') await this.page.getByTestId('save-code').click();
    else {
      await this.focus();
      await this.page.keyboard.press(`${MOD}+s`);
    }
    // Done when no file is dirty and the Save button no longer says "Saving…" (the server took
    // the new $LATEST), or when the tab shows the save's error.
    await this.page.waitForFunction(
      () => {
        const tab = document.querySelector('[data-testid="code-tab"]');
        if (tab?.querySelector('[data-testid="error-box"]')) return true;
        const dirty = document.querySelectorAll('[data-testid="file-node"][data-dirty="true"]').length;
        const saving = /Saving/.test(document.querySelector('[data-testid="save-code"]')?.textContent ?? '');
        return dirty === 0 && !saving;
      },
      undefined,
      { timeout },
    );
    const error = this.root.getByTestId('error-box');
    if (await error.count()) throw new Error(`E2E_SAVE_FAILED: the Code tab showed an error after saving: ${await error.first().innerText()}`);
  }

  /** The build's verdict for functions built on save (TypeScript): data-ok and its text. */
  async buildStatus(): Promise<{ ok: string | null; text: string }> {
    const s = this.page.getByTestId('build-status');
    await s.waitFor({ state: 'visible', timeout: 30_000 });
    return { ok: await s.getAttribute('data-ok'), text: await s.innerText() };
  }

  /**
   * The completion list at the end of `prefix`: sets the text to `prefix` without its last
   * character, types that character (a "." triggers suggestions as it would for a user), and reads
   * the suggest widget's rows; Ctrl+Space asks again while the TypeScript worker is still loading.
   */
  async completionsAfter(prefix: string, expect: string, timeout = 60_000): Promise<string[]> {
    await this.setText(prefix.slice(0, -1));
    await this.page.keyboard.press(`${MOD}+End`);
    await this.page.keyboard.type(prefix.slice(-1));
    const widget = this.page.locator('.monaco-editor .suggest-widget');
    const deadline = Date.now() + timeout;
    let labels: string[] = [];
    while (Date.now() < deadline) {
      await this.page.waitForTimeout(750);
      labels = (await widget.isVisible())
        ? await widget.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => (r.getAttribute('aria-label') ?? r.textContent ?? '').trim()))
        : [];
      if (labels.some((l) => l === expect || l.startsWith(`${expect},`) || l.startsWith(`${expect} `))) return labels;
      // Still loading: wait. Nothing shown, or a list without the Lambda types yet: ask again.
      if (labels.length > 0 && labels.every((l) => /loading/i.test(l))) continue;
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('Control+Space');
    }
    return labels;
  }

  async dismissSuggestions(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  readOnlyBanner(): Locator {
    return this.page.getByTestId('read-only-banner');
  }
}

/** The test hook the Code tab installs on window. */
export interface LwbWindow {
  __lwbTest?: { editor?: { text(): string; markers(): Marker[]; model(): string } };
}
