// The resizable panes. Sizes are remembered per group in localStorage; the
// dock collapses to nothing and comes back at its last height ($mod+J).
import { useEffect } from 'react';
import { Group, Panel, Separator, useDefaultLayout, usePanelRef } from 'react-resizable-panels';
import { Inspector } from '../result/Inspector.js';
import { useUi } from '../stores/ui.js';
import { ActivityBar } from './ActivityBar.js';
import { Dock } from './Dock.js';
import { SideBar } from './SideBar.js';
import { Workspace } from './Workspace.js';

const storage = typeof localStorage === 'undefined' ? undefined : localStorage;

export function Layout() {
  const main = useDefaultLayout({ id: 'lwb.layout.main.v1', storage, panelIds: ['pane-side', 'pane-center', 'pane-inspector'] });
  const center = useDefaultLayout({ id: 'lwb.layout.center.v1', storage, panelIds: ['pane-workspace', 'pane-dock'] });
  const dockOpen = useUi((s) => s.dockOpen);
  const dockRef = usePanelRef();

  // The store says whether the dock is open; the panel follows (and tells the store when dragged shut).
  useEffect(() => {
    const p = dockRef.current;
    if (!p) return;
    if (dockOpen && p.isCollapsed()) p.expand();
    if (!dockOpen && !p.isCollapsed()) p.collapse();
  }, [dockOpen, dockRef]);

  return (
    <div className="app-main">
      <ActivityBar />
      <Group orientation="horizontal" className="panes" defaultLayout={main.defaultLayout} onLayoutChanged={main.onLayoutChanged}>
        <Panel id="pane-side" defaultSize="280px" minSize="200px" maxSize="40%" groupResizeBehavior="preserve-pixel-size" className="pane pane-side">
          <SideBar />
        </Panel>
        <Separator className="sep sep-v" />
        <Panel id="pane-center" minSize="30%" className="pane pane-center">
          <Group orientation="vertical" className="panes" defaultLayout={center.defaultLayout} onLayoutChanged={center.onLayoutChanged}>
            <Panel id="pane-workspace" minSize="20%" className="pane pane-workspace">
              <Workspace />
            </Panel>
            <Separator className="sep sep-h" />
            <Panel
              id="pane-dock"
              panelRef={dockRef}
              defaultSize="24%"
              minSize="90px"
              collapsible
              collapsedSize="0px"
              className="pane pane-dock"
              onResize={(size) => {
                const open = size.inPixels > 1;
                if (open !== useUi.getState().dockOpen) useUi.getState().setDockOpen(open);
              }}
            >
              {dockOpen && <Dock />}
            </Panel>
          </Group>
        </Panel>
        <Separator className="sep sep-v" />
        <Panel id="pane-inspector" defaultSize="360px" minSize="260px" maxSize="50%" groupResizeBehavior="preserve-pixel-size" className="pane pane-inspector">
          <Inspector />
        </Panel>
      </Group>
    </div>
  );
}
