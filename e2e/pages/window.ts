// The whole window as one page object: its panels, and the few user flows that
// cross them (create a function from a template, select it).
import type { Page } from 'playwright-core';
import { CodeTab } from './code-tab.js';
import { ConfigTab } from './config-tab.js';
import { type NewFunction } from './create-dialog.js';
import { Inspector } from './result-card.js';
import { Sidebar } from './sidebar.js';
import { StatusBar } from './status-bar.js';
import { TestTab } from './test-tab.js';

export class WorkbenchWindow {
  readonly sidebar: Sidebar;
  readonly code: CodeTab;
  readonly test: TestTab;
  readonly config: ConfigTab;
  readonly inspector: Inspector;
  readonly status: StatusBar;

  constructor(readonly page: Page) {
    this.sidebar = new Sidebar(page);
    this.code = new CodeTab(page);
    this.test = new TestTab(page);
    this.config = new ConfigTab(page);
    this.inspector = new Inspector(page);
    this.status = new StatusBar(page);
  }

  /** New function → fill the dialog → create; waits for its row and selects it. */
  async createFunction(fn: NewFunction): Promise<void> {
    const dialog = await this.sidebar.newFunction();
    await dialog.fill(fn);
    await dialog.submit();
    await this.sidebar.select(fn.name);
  }
}
